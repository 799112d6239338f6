#!/usr/bin/env python3
"""Roles, boundaries and edge sets on a real repository: the figures docs/boundaries.md
reports.

python benchmarks/roles_boundaries_check.py REPO [--history] [--top 15]

Prints: the boundaries (kind, groups, files), files and SLOC per role, the test share,
dependencies that cross a boundary (and the groups they join), the largest file cycle
on runtime edges and on all edges, propagation cost on both, how many of the top-N most
complex files are tests when every role is ranked vs in the default (production) view,
and with --history the roles of the knowledge islands and top-N hotspots before/after.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from archscan.config import load_config
from archscan.pipeline import RunOptions, run
from archscan.report.json_report import analysis_to_dict


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--history", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    root = args.repo.resolve()
    analysis = run(root, load_config(root), RunOptions(history=args.history, jobs=2))
    data = analysis_to_dict(analysis)
    bounds = data["boundaries"]
    print(
        f"boundaries: kind={bounds['kind']} groups={len(bounds['groups'])} "
        f"unassigned files={bounds['unassigned']}"
    )
    for group in bounds["groups"]:
        print(f"  {group['name']:40} {group['kind']:16} {group['root']:40} {group['files']:5}")
    print(
        "roles (files, sloc):",
        ", ".join(f"{c['role']} {c['files']}/{c['sloc']}" for c in data["roles"]["counts"]),
    )
    print(f"test share of test+production SLOC: {data['roles']['test_sloc_share']:.1%}")
    component = {f["path"]: f["component"] for f in data["files"]}
    role = {f["path"]: f["role"] for f in data["files"]}
    crossing = Counter(
        (component[d["source"]], component[d["target"]])
        for d in data["dependencies"]
        if component[d["source"]] != component[d["target"]]
    )
    print(f"dependencies crossing a boundary: {sum(crossing.values())}")
    for (a, b), n in sorted(crossing.items(), key=lambda item: (-item[1], item[0]))[:20]:
        print(f"  {a} -> {b}: {n}")
    for edge_set in ("runtime", "all"):
        sizes = [
            c["size"] for c in data["cycles"] if c["level"] == "file" and c["edge_set"] == edge_set
        ]
        print(f"file cycles on {edge_set} edges: {len(sizes)}, largest {max(sizes, default=0)}")
    print(
        f"propagation cost: runtime {data['metrics']['propagation_cost']:.4f}, "
        f"all edges {data['metrics']['all_edges']['propagation_cost']:.4f}"
    )
    parsed = [f for f in data["files"] if f["language"]]
    ranked = sorted(parsed, key=lambda f: (-f["complexity"], f["path"]))[: args.top]
    print(
        f"top-{args.top} most complex, every role: "
        f"{dict(Counter(f['role'] for f in ranked))}; default view: production only"
    )
    if data["history"]:
        islands = [f["path"] for f in data["history"]["files"] if f["knowledge_island"]]
        print(
            f"knowledge islands, every role: {dict(Counter(role.get(p) for p in islands))}; "
            f"in the default view: {len(data['ownership']['knowledge_islands'])}"
        )
        top = data["hotspots"][: args.top]
        print(f"top-{args.top} hotspots by role: {dict(Counter(role[h['path']] for h in top))}")
        print(
            f"commits {data['history']['commits']}, bot commits left out "
            f"{data['history']['bot_commits']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
