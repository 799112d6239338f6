#!/usr/bin/env python3
"""Print the service graph archscan finds and check it against expected links.

    python benchmarks/service_links_check.py REPO [--expect SRC:DST:KIND ...] [--all]

By default link ends are deployables (compose services, Kubernetes workloads: every
file is left to the folder-level naming); ``--pipeline`` runs the whole pipeline (no
history) instead, so that link ends are the components it detects. Prints every gRPC,
HTTP and topic link with its first evidence (``--all`` adds depends-on and address
links from compose/Kubernetes), then, for each ``--expect`` entry
(``checkout:payment:grpc``; KIND may be ``*``), whether it was found. The expected
links are the oracle: taken by hand from the repository's own architecture
documentation. Exit status 1 when one is missing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from archscan.config import Config, load_config
from archscan.discover import discover
from archscan.graph import UNASSIGNED
from archscan.links.stage import ServiceLinksInput, run_service_links
from archscan.pipeline import RunOptions, run
from archscan.records import ServiceLinksResult


def _links(repo: Path, pipeline: bool) -> ServiceLinksResult | None:
    if pipeline:
        return run(repo, load_config(repo), RunOptions(history=False, jobs=1)).service_links
    root = repo.resolve()
    files = discover(root, Config()).files
    return run_service_links(ServiceLinksInput(root, files, lambda _path: UNASSIGNED))[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--expect", nargs="*", default=[])
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--pipeline", action="store_true", help="components as link ends")
    args = parser.parse_args()
    started = time.perf_counter()
    result = _links(args.repo, args.pipeline)
    seconds = time.perf_counter() - started
    assert result is not None
    code_kinds = {"grpc", "http", "topic"}
    for link in result.links:
        if args.all or link.kind in code_kinds:
            path, line = link.evidence[0] if link.evidence else ("", 0)
            print(f"{link.source} -> {link.target}  {link.kind} {link.name}  ({path}:{line})")
    found = {(link.source, link.target, link.kind) for link in result.links}
    missing = []
    for spec in args.expect:
        source, target, kind = spec.split(":")
        hit = any(s == source and t == target and (kind == "*" or k == kind) for s, t, k in found)
        if not hit:
            missing.append(spec)
    by_kind: dict[str, int] = {}
    for link in result.links:
        by_kind[link.kind] = by_kind.get(link.kind, 0) + 1
    print(
        f"services: {len(result.services)}; links: {len(result.links)} {by_kind}; "
        f"expected: {len(args.expect)}, found: {len(args.expect) - len(missing)}; "
        f"{'pipeline' if args.pipeline else 'links stage'} {seconds:.1f} s"
    )
    for spec in missing:
        print(f"MISSING {spec}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
