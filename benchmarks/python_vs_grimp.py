#!/usr/bin/env python3
"""Compare archscan's Python import graph with grimp's, for accuracy and speed.

    python benchmarks/python_vs_grimp.py REPO PACKAGE [PACKAGE ...] [--source-root src] [--runs 3]

Accuracy: the set of internal module-to-module edges archscan finds (restricted to the
given top-level packages) against grimp's ``find_modules_directly_imported_by`` for
every module. Speed: grimp's ``build_graph`` without its cache against archscan's whole
``analyze`` pipeline (discovery, parsing, resolution, metrics; no history) without and
with archscan's parse cache, best of N runs each, interleaved on the same machine.
grimp is a test oracle (``pip install grimp``), not a dependency of archscan.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import grimp

from archscan.config import load_config
from archscan.pipeline import RunOptions, run


def grimp_edges(packages: list[str]) -> tuple[set[tuple[str, str]], set[str], float]:
    start = time.perf_counter()
    graph = grimp.build_graph(*packages, cache_dir=None)
    elapsed = time.perf_counter() - start
    edges = {
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
    }
    return edges, set(graph.modules), elapsed


def archscan_edges(
    repo: Path, packages: list[str], cache_dir: Path | None, include: tuple[str, ...]
) -> tuple[set[tuple[str, str]], float]:
    start = time.perf_counter()
    config = load_config(repo).with_cli(include, ())
    analysis = run(repo, config, RunOptions(cache_dir=cache_dir, use_cache=cache_dir is not None))
    elapsed = time.perf_counter() - start
    modules = analysis.resolution.modules

    def inside(name: str) -> bool:
        return any(name == p or name.startswith(p + ".") for p in packages)

    edges = {
        (modules[d.source], modules[d.target])
        for d in analysis.resolution.dependencies
        if inside(modules[d.source]) and inside(modules[d.target])
    }
    return edges, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("packages", nargs="+")
    parser.add_argument("--source-root", default=".", help="folder holding the packages")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        help="limit archscan to these globs (e.g. 'django/**' to match grimp's scope)",
    )
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    repo = args.repo.resolve()
    sys.path.insert(0, str(repo / args.source_root))

    grimp_times, cold_times, warm_times = [], [], []
    theirs: set[tuple[str, str]] = set()
    known: set[str] = set()
    ours: set[tuple[str, str]] = set()
    with tempfile.TemporaryDirectory() as cache:
        for attempt in range(args.runs):
            theirs, known, seconds = grimp_edges(args.packages)
            grimp_times.append(seconds)
            cold = Path(cache) / f"cold-{attempt}"
            ours, seconds = archscan_edges(repo, args.packages, cold, tuple(args.include))
            cold_times.append(seconds)
            _, seconds = archscan_edges(repo, args.packages, cold, tuple(args.include))
            warm_times.append(seconds)

    # grimp leaves out modules in folders without __init__.py inside a regular package
    # (namespace portions such as flask/sansio/); Python imports them, archscan keeps them.
    outside = {e for e in ours if e[0] not in known or e[1] not in known}
    print(f"archscan edges touching modules grimp does not know: {len(outside)}")
    for edge in sorted(outside)[: args.show]:
        print(f"  {edge[0]} -> {edge[1]}")
    ours -= outside
    common = ours & theirs
    precision = len(common) / len(ours) if ours else 1.0
    recall = len(common) / len(theirs) if theirs else 1.0
    print(f"repository: {repo} packages: {' '.join(args.packages)}")
    print(f"edges: archscan {len(ours)}, grimp {len(theirs)}, common {len(common)}")
    print(f"precision {precision:.4f}  recall {recall:.4f}")
    for label, diff in (("only archscan", ours - theirs), ("only grimp", theirs - ours)):
        print(f"{label}: {len(diff)}")
        for edge in sorted(diff)[: args.show]:
            print(f"  {edge[0]} -> {edge[1]}")
    best_grimp, best_cold, best_warm = min(grimp_times), min(cold_times), min(warm_times)
    print(f"grimp build_graph (no cache): best {best_grimp:.2f}s of {args.runs}")
    print(
        f"archscan analyze, cold cache: best {best_cold:.2f}s ({best_cold / best_grimp:.2f}x grimp)"
    )
    print(
        f"archscan analyze, warm cache: best {best_warm:.2f}s ({best_warm / best_grimp:.2f}x grimp)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
