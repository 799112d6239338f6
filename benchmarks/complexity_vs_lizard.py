#!/usr/bin/env python3
"""Compare archscan's per-function cyclomatic complexity with lizard's CCN.

    python benchmarks/complexity_vs_lizard.py REPO [--language java] [--max-files 2000] [--show 20]

For every file of the repository in a parsed language, both tools measure each
function; functions are paired by their last line and short name (falling back to
the first line). Prints, per language: functions lizard found, functions paired,
the share of paired functions whose complexity is equal, and examples of differences.
lizard is a test oracle (``pip install lizard``), not a dependency of archscan.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import lizard

from archscan.config import Config
from archscan.discover import discover
from archscan.parse import parse_source


def _short(name: str) -> str:
    for sep in ("::", "."):
        name = name.rsplit(sep, 1)[-1]
    return name.split("(")[0].strip()


def compare(root: Path, language: str | None, max_files: int, show: int) -> int:
    found = discover(root, Config())
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # lizard, paired, equal
    diffs: dict[str, list[str]] = defaultdict(list)
    per_language: dict[str, int] = defaultdict(int)
    for file in found.files:
        if file.language is None or (language and file.language != language):
            continue
        if per_language[file.language] >= max_files:
            continue
        per_language[file.language] += 1
        source = (root / file.path).read_bytes()
        ours = parse_source(file.path, file.language, source).functions
        if not ours and file.language not in (
            "python",
            "java",
            "kotlin",
            "csharp",
            "javascript",
            "typescript",
            "go",
            "php",
            "ruby",
        ):
            continue
        theirs = lizard.analyze_file.analyze_source_code(
            file.path, source.decode("utf-8", "replace")
        )
        by_end = {(f.end_line, _short(f.name)): f for f in ours}
        by_start = {f.line: f for f in ours}
        for func in theirs.function_list:
            stat = stats[file.language]
            stat[0] += 1
            mine = by_end.get((func.end_line, _short(func.name))) or by_start.get(func.start_line)
            if mine is None:
                continue
            stat[1] += 1
            if mine.complexity == func.cyclomatic_complexity:
                stat[2] += 1
            elif len(diffs[file.language]) < show:
                diffs[file.language].append(
                    f"  {file.path}:{func.start_line} {func.name}: "
                    f"lizard {func.cyclomatic_complexity}, archscan {mine.complexity}"
                )
    for name in sorted(stats):
        total, paired, equal = stats[name]
        share = equal / paired if paired else 0.0
        print(
            f"{name}: files {per_language[name]}, lizard functions {total}, paired {paired}, "
            f"equal CCN {equal} ({share:.1%} of paired)"
        )
        for line in diffs[name]:
            print(line)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--language")
    parser.add_argument("--max-files", type=int, default=2000)
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args()
    return compare(args.repo.resolve(), args.language, args.max_files, args.show)


if __name__ == "__main__":
    sys.exit(main())
