#!/usr/bin/env python3
"""Time the data-access and service-links stages on a repository.

    python benchmarks/data_links_speed.py REPO [--runs 3]

Discovery runs once; each stage then runs ``--runs`` times on the same file list (the
OS file cache warm after the first run). Prints the best wall-clock and CPU seconds per
stage and what each found, so the figure can be set against the whole analysis.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from archscan.config import Config
from archscan.data_access.stage import DataAccessInput, run_data_access
from archscan.discover import discover
from archscan.graph import package_of
from archscan.links.stage import ServiceLinksInput, run_service_links


def _best(runs: int, action: object) -> tuple[float, float, object]:
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()  # type: ignore[operator]
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.repo.resolve()
    files = discover(root, Config()).files
    wall, cpu, data = _best(
        args.runs, lambda: run_data_access(DataAccessInput(root=root, files=files))
    )
    tables = data[0].tables  # type: ignore[index]
    print(f"files: {len(files)}")
    print(f"data access: {wall:.2f} s wall, {cpu:.2f} s CPU; {len(tables)} tables")
    wall, cpu, links = _best(
        args.runs,
        lambda: run_service_links(
            ServiceLinksInput(root=root, files=files, component_of=package_of)
        ),
    )
    found = links[0].links  # type: ignore[index]
    print(f"service links: {wall:.2f} s wall, {cpu:.2f} s CPU; {len(found)} links")


if __name__ == "__main__":
    main()
