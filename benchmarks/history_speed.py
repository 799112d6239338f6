#!/usr/bin/env python3
"""History step cost versus ``git log --numstat`` alone, measured in one run.

python benchmarks/history_speed.py REPO [--repeat 3] [--jobs 0]

Times (best of --repeat, the sides interleaved so machine load hits both alike):
  git-numstat      git log --no-merges --numstat HEAD > /dev/null (the same commits)
  git-numstat-all  git log --numstat HEAD (git's defaults, merges included)
  (with --all: every ref instead of HEAD, on both sides)
  history          archscan's history stage with line counts (what analyze runs)
  names-only       the history stage without the line pass: revisions, coupling,
                   soc, authors, code age (the analyses that need only names)
  names-no-renames the same without rename detection, as code-maat's git2 log
                   (--no-renames) defines revisions, coupling, soc and authors
  analyze          the whole ``archscan analyze`` (parse + structure + history), no cache
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

from archscan.config import load_config
from archscan.discover import discover
from archscan.graph import component_resolver, package_of
from archscan.history.stage import HistoryInput, MiningInput, run_history
from archscan.pipeline import RunOptions, _repository_info, run


def _git(repo: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(["git", "-C", str(repo), *args], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--all", action="store_true", help="every ref (git log --all)")
    args = parser.parse_args()
    root = args.repo.resolve()
    jobs = args.jobs or os.cpu_count() or 1
    config = load_config(root)
    if args.all:
        config = dataclasses.replace(
            config, history=dataclasses.replace(config.history, all_refs=True)
        )
    revs = ["--all"] if args.all else ["HEAD"]
    files = discover(root, config).files
    component_of = component_resolver(config.components) if config.components else package_of
    mining = MiningInput(
        root=root,
        repository=_repository_info(root),
        paths=frozenset(f.path for f in files),
        config=config.history,
        jobs=jobs,
    )
    base = HistoryInput(mining=mining, facts={}, component_of=component_of)

    def settings(data: HistoryInput, **changes: bool) -> HistoryInput:
        history = dataclasses.replace(data.mining.config, **changes)
        return dataclasses.replace(data, mining=dataclasses.replace(data.mining, config=history))

    names = settings(base, line_counts=False)
    plain = settings(names, follow_renames=False)

    def stage(data: HistoryInput) -> float:
        start = time.perf_counter()
        result, _ = run_history(data)
        assert result is not None
        return time.perf_counter() - start

    def analyze() -> float:
        start = time.perf_counter()
        run(root, config, RunOptions(jobs=jobs, use_cache=False))
        return time.perf_counter() - start

    sides = {
        "git-numstat": lambda: _git(root, "log", "--no-merges", "--numstat", *revs),
        "git-numstat-all": lambda: _git(root, "log", "--numstat", *revs),
        "history": lambda: stage(base),
        "names-only": lambda: stage(names),
        "names-no-renames": lambda: stage(plain),
        "analyze": analyze,
    }
    best = {name: float("inf") for name in sides}
    for _ in range(args.repeat):
        for name, measure in sides.items():
            best[name] = min(best[name], measure())
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--no-merges", "--count", *revs],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"repo {root} HEAD {head}: {count} non-merge commits, jobs {jobs}, best of {args.repeat}")
    for name, seconds in best.items():
        print(f"  {name:<16}{seconds:8.2f} s")
    print(
        f"  history / git-numstat       = {best['history'] / best['git-numstat']:.2f} (goal <= 1.0)"
    )
    print(
        f"  git-numstat / names-only    = "
        f"{best['git-numstat'] / best['names-only']:.1f}x (goal >= 10)"
    )
    print(
        f"  git-numstat / names-no-renames = {best['git-numstat'] / best['names-no-renames']:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
