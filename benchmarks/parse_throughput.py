#!/usr/bin/env python3
"""Parse throughput per language on real code: files/s and MB/s, single process, no cache.

python benchmarks/parse_throughput.py REPO [REPO ...]
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

from archscan.config import Config
from archscan.discover import discover
from archscan.languages import registry
from archscan.parse import parse_source


def main() -> int:
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # files, bytes, seconds
    for arg in sys.argv[1:]:
        root = Path(arg).resolve()
        for file in discover(root, Config()).files:
            if not registry.has_plugin(file.language):
                continue
            source = (root / file.path).read_bytes()
            start = time.perf_counter()
            parse_source(file.path, file.language or "", source)
            elapsed = time.perf_counter() - start
            row = totals[file.language or ""]
            row[0] += 1
            row[1] += len(source)
            row[2] += elapsed
    print(f"{'language':<12} {'files':>7} {'MB':>8} {'seconds':>8} {'files/s':>9} {'MB/s':>7}")
    for name, (files, size, seconds) in sorted(totals.items()):
        print(
            f"{name:<12} {int(files):>7} {size / 1e6:>8.2f} {seconds:>8.2f} "
            f"{files / seconds:>9.0f} {size / 1e6 / seconds:>7.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
