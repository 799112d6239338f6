"""Time of the contexts stage after history, and the top contexts, on any repository.

    python benchmarks/contexts_speed.py REPO [--top 10] [--repeat 3] [--jobs N]

Runs the whole pipeline once (parse cache used), then re-runs only the contexts stage on
the same inputs ``--repeat`` times and reports the best time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from archscan.config import load_config
from archscan.contexts.stage import ContextsInput, run_contexts
from archscan.graph import file_graph
from archscan.languages import registry
from archscan.pipeline import RunOptions, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    config = load_config(args.repo)
    started = time.perf_counter()
    analysis = run(args.repo, config, RunOptions(jobs=args.jobs))
    total = time.perf_counter() - started
    nodes = [f.path for f in analysis.files if registry.has_plugin(f.language)]
    graph = file_graph(nodes, analysis.resolution.dependencies)
    data = ContextsInput(
        files=analysis.files,
        facts=analysis.facts,
        graph=graph,
        modules=analysis.resolution.modules,
        config=config.contexts,
        history=analysis.history,
        data_access=analysis.data_access,
        root=args.repo.resolve(),
    )
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        result, _warnings = run_contexts(data)
        best = min(best, time.perf_counter() - started)
    # the same inputs as the pipeline's own stage: the same contexts
    assert analysis.contexts is not None and result.contexts == analysis.contexts.contexts
    files = sum(len(c.files) for c in result.contexts)
    print(f"repository: {args.repo} @ {analysis.repository.head}")
    print(f"whole pipeline {total:.1f} s; contexts stage best of {args.repeat}: {best:.2f} s")
    print(
        f"{files} production files in {len(result.contexts)} contexts; "
        f"signals {', '.join(result.signals)}; resolution {result.resolution}"
    )
    q = result.quality
    print(
        f"Q {q.modularity} SM {q.structural_modularity} ICP {q.icp} IFN {q.ifn} "
        f"NED {q.ned} TurboMQ {q.turbomq} co-change crossing {q.co_change_crossing}"
    )
    for context in result.contexts[: args.top]:
        print(
            f"  {context.id:<9} {len(context.files):>5} files {context.sloc:>7} SLOC "
            f"conf {context.confidence:.2f} coh {context.cohesion:.2f}  {context.name}  "
            f"[{', '.join(context.packages[:4])}]"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
