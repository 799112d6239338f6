#!/usr/bin/env python3
"""A portfolio's wall time against the sum of its single runs, and Dask = local pool.

python benchmarks/portfolio_speed.py REPO... [--count 20] [--jobs 0] [--work DIR]

Makes ``--count`` throwaway clones, cycling over the given repositories (so a portfolio
of 20 needs no 20 real ones), then, all without caches (clones share commits and blobs,
which a shared cache would turn into hits):
  singles    each clone analysed alone, one after the other (``--jobs 1`` each)
  local      ``archscan portfolio`` with the local pool (``--jobs`` analyses at once)
  dask       the same portfolio through a dask.distributed LocalCluster (processes)
and prints: sum of singles, sum / cores, the local wall and its ratio to sum / cores
(goal: within 20%, i.e. <= 1.2), and whether the LocalCluster roll-up is identical.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _clones(repos: list[Path], count: int, work: Path) -> list[Path]:
    out = []
    for i in range(count):
        source = repos[i % len(repos)].resolve()
        target = work / "repos" / f"{source.name}-{i:02d}"
        if not target.exists():
            subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
        out.append(target)
    return out


def _single(repo: Path, out: Path) -> float:
    start = time.perf_counter()
    command = [sys.executable, "-m", "archscan", "analyze", str(repo), "--out", str(out)]
    subprocess.run([*command, "--quiet", "--no-cache", "--jobs", "1"], check=True)
    return time.perf_counter() - start


def _portfolio(listing: Path, out: Path, jobs: int, scheduler: str = "") -> float:
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "archscan", "portfolio", str(listing), "--out", str(out)]
    command += ["--no-cache", "--quiet", "--jobs", str(jobs)]
    if scheduler:
        command += ["--scheduler", scheduler]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", type=Path, nargs="+")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    cores = args.jobs or os.cpu_count() or 1
    work = Path(args.work or tempfile.mkdtemp(prefix="archscan-portfolio-")).resolve()
    clones = _clones(args.repos, args.count, work)
    listing = work / "repos.txt"
    listing.write_text("".join(f"{c}\n" for c in clones))
    print(f"{len(clones)} repositories; {cores} at once; load {os.getloadavg()[0]:.2f}")
    singles = [_single(c, work / "single-out") for c in clones]
    total = sum(singles)
    local = _portfolio(listing, work / "local", cores)
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True) as cluster:
        dask = _portfolio(listing, work / "dask", cores, cluster.scheduler_address)
    same = (work / "local" / "portfolio.json").read_bytes() == (
        work / "dask" / "portfolio.json"
    ).read_bytes()
    print(f"sum of single runs      {total:8.1f} s")
    print(f"sum / cores             {total / cores:8.1f} s")
    print(f"local pool portfolio    {local:8.1f} s  ratio {local / (total / cores):.2f}")
    print(f"LocalCluster portfolio  {dask:8.1f} s  ratio {dask / (total / cores):.2f}")
    print(f"LocalCluster roll-up identical to the local pool's: {same}")
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
