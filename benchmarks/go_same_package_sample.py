#!/usr/bin/env python3
"""A random sample of Go same-package edges, with the names behind each, to check by hand.

    python benchmarks/go_same_package_sample.py REPO [--count 10] [--seed 1]

For every sampled edge (source -> target) it prints the plain names the source uses
that the target declares at top level, and the first source line mentioning each, so a
reader can confirm the use is the package-level name (not a local or a field).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from archscan.config import Config
from archscan.discover import discover
from archscan.parse import parse_files
from archscan.resolve import resolve_all


def _first_line(text: str, name: str) -> str:
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line) and not line.lstrip().startswith("//"):
            return f"{number}: {line.strip()[:100]}"
    return "(not found)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    root = args.repo.resolve()
    found = discover(root, Config())
    parsed = parse_files(root, found.files, None, jobs=1)
    resolution = resolve_all(root, parsed.files, parsed.facts)
    edges = sorted(
        (d.source, d.target) for d in resolution.dependencies if d.kind == "same-package"
    )
    print(f"{len(edges)} same-package edges in {root}")
    for source, target in random.Random(args.seed).sample(edges, min(args.count, len(edges))):
        declared = {d.name for d in parsed.facts[target].definitions}
        names = sorted(n for n in parsed.facts[source].references if n in declared)
        text = (root / source).read_text(encoding="utf-8", errors="replace")
        print(f"\n{source} -> {target}")
        for name in names:
            print(f"  {name}  @ {_first_line(text, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
