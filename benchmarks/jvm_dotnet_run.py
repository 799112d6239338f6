#!/usr/bin/env python3
"""Java/Kotlin/C# on a real repository: files, edges, resolution rate, time (best of N).

    python benchmarks/jvm_dotnet_run.py REPO [--repeat 3]

Per language: files parsed, internal file-to-file edges leaving them, external
packages, and the resolution rate = imports that name a package/namespace the
repository declares and that archscan resolved to a file, over all such imports
(Java/Kotlin: explicit single-name imports; C#: usings, counted resolved when they led
to at least one edge, since an unused using has no target). Time: the whole analysis
(discover, parse without cache, resolve, metrics), best of N runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from archscan.config import Config
from archscan.pipeline import RunOptions, run
from archscan.records import Analysis

_LANGUAGES = ("java", "kotlin", "csharp")


def _rate(analysis: Analysis, language: str) -> tuple[int, int]:
    """(resolved, total) imports that name a package/namespace of the repository."""
    facts = [f for f in analysis.facts.values() if f.language == language]
    jvm = ("java", "kotlin")
    group = jvm if language in jvm else (language,)
    declared = {f.namespace for f in analysis.facts.values() if f.language in group}
    unresolved = {
        (w.path, int(w.message.split(":")[0].split()[1]))
        for w in analysis.warnings
        if w.kind == "unresolved-import"
    }
    lines = {(d.source, line) for d in analysis.resolution.dependencies for line in d.lines}
    total = resolved = 0
    for fact in facts:
        for item in fact.imports:
            if item.names == ("*",):
                continue
            if language == "csharp":
                if item.target not in declared:
                    continue
                total += 1
                resolved += (fact.path, item.line) in lines
                continue
            parts = item.target.split(".")
            if not any(".".join(parts[:n]) in declared for n in range(1, len(parts))):
                continue
            total += 1
            resolved += (fact.path, item.line) not in unresolved
    return resolved, total


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.repo.resolve()
    times = []
    analysis = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        analysis = run(root, Config(), RunOptions(jobs=1, use_cache=False))
        times.append(time.perf_counter() - start)
    assert analysis is not None
    language_of = {f.path: f.language for f in analysis.files}
    print(f"repository {root} (analysis best of {args.repeat}: {min(times):.2f}s, 1 process)")
    for language in _LANGUAGES:
        files = [p for p, lang in language_of.items() if lang == language]
        if not files:
            continue
        edges = [d for d in analysis.resolution.dependencies if language_of[d.source] == language]
        external = {
            e.package for e in analysis.resolution.external if language_of[e.source] == language
        }
        with_edges = len({d.source for d in edges})
        resolved, total = _rate(analysis, language)
        generated = sum(1 for p in files if analysis.facts[p].generated)
        share = resolved / total if total else 1.0
        print(
            f"  {language}: files {len(files)}, edges {len(edges)} "
            f"(files with an edge {with_edges}), external packages {len(external)}, "
            f"imports into the repository {total}, resolved {resolved} ({share:.1%}), "
            f"generated files {generated}"
        )
    print(f"  components: {', '.join(analysis.components) or '(none)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
