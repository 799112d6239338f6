#!/usr/bin/env python3
"""Compare archscan's Python per-function complexity with radon's (the definition archscan
follows for Python).

    python benchmarks/python_complexity_vs_radon.py REPO [--show 20]

Functions are paired by (first line, name). Files that Python's own parser rejects
(radon needs ``ast``) are counted and left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

from archscan.config import Config
from archscan.discover import discover
from archscan.parse import parse_source


def _radon_functions(code: str) -> dict[tuple[int, str], int]:
    found: dict[tuple[int, str], int] = {}

    def visit(blocks: list, prefix: str) -> None:  # type: ignore[type-arg]
        for block in blocks:
            if isinstance(block, Class):
                visit(block.methods, f"{prefix}{block.name}.")
                visit(block.inner_classes, f"{prefix}{block.name}.")
            elif isinstance(block, Function):
                found[(block.lineno, block.name)] = block.complexity
                visit(block.closures, f"{prefix}{block.name}.")

    visit(cc_visit(code), "")
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    root = args.repo.resolve()
    total = paired = equal = rejected = 0
    shown = 0
    for file in discover(root, Config()).files:
        if file.language != "python":
            continue
        source = (root / file.path).read_bytes()
        try:
            theirs = _radon_functions(source.decode("utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            rejected += 1
            continue
        ours = {f.line: f for f in parse_source(file.path, "python", source).functions}
        for (line, name), complexity in theirs.items():
            total += 1
            mine = ours.get(line)
            if mine is None:
                continue
            paired += 1
            if mine.complexity == complexity:
                equal += 1
            elif shown < args.show:
                shown += 1
                print(
                    f"  {file.path}:{line} {name}: radon {complexity}, archscan {mine.complexity}"
                )
    share = equal / paired if paired else 0.0
    print(
        f"radon functions {total}, paired {paired}, equal {equal} ({share:.1%}); "
        f"files radon could not parse: {rejected}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
