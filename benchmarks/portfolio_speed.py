#!/usr/bin/env python3
"""A portfolio's wall time against the sum of its single runs, and Dask = local pool.

python benchmarks/portfolio_speed.py REPO... [--count 20] [--jobs 0] [--repeat 2]
                                     [--work DIR]

Makes ``--count`` throwaway clones, cycling over the given repositories (so a portfolio
of 20 needs no 20 real ones). Then, ``--repeat`` rounds of (the order alternating from
round to round, so that a change of machine load hits both sides alike):
  singles    each clone analysed alone, one after the other, with exactly the command
             line a portfolio task runs for it (tasks.command: the same child process
             with its memory limit, ``--format json,md --jobs 1 --quiet``), in a fresh
             interpreter as a user's ``archscan analyze`` would be
  local      ``archscan portfolio`` with the local pool (``--jobs`` analyses at once)
  dask       the same portfolio through a dask.distributed LocalCluster (processes)
All without caches on every side (``--no-cache``: clones share commits and blobs, which
a shared cache would turn into hits), each writing into a new folder. Prints, per round,
the sum of the singles, sum / cores, each portfolio's wall time and its ratio to sum /
cores (goal: within 20%, i.e. <= 1.2), the CPU seconds of the singles and of the local
portfolio (its process tree), the load average, and whether the LocalCluster roll-up and
each repository's archscan.json are byte-identical to the local pool's and the singles'.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from archscan.portfolio.tasks import Task, command, report_dir_name


def _clones(repos: list[Path], count: int, work: Path) -> list[Path]:
    out = []
    for i in range(count):
        source = repos[i % len(repos)].resolve()
        target = work / "repos" / f"{source.name}-{i:02d}"
        if not target.exists():
            subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
        out.append(target)
    return out


# Runs a command and reports (wall, CPU seconds of its whole process tree). A child
# subreaper: processes orphaned in the tree (the portfolio's fork server outlives its
# parent by a moment) are reaped here, so their CPU time is counted too.
_WRAPPER = """
import ctypes, os, resource, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, code)
"""


def _timed(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU seconds of the process tree) of one command."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv], capture_output=True, text=True, check=True
    )
    wall, cpu, code = done.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"failed ({code}): {' '.join(argv)}")
    return float(wall), float(cpu)


def _singles(clones: list[Path], out: Path, memory_mb: int) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    wall = cpu = 0.0
    for clone in clones:
        # the portfolio's own task for this repository, minus the pool around it
        report_dir = str(out / report_dir_name(str(clone)))
        task = Task(str(clone), report_dir, 3600.0, memory_mb, use_cache=False)
        os.makedirs(task.report_dir)
        one_wall, one_cpu = _timed(command(task))
        wall, cpu = wall + one_wall, cpu + one_cpu
    return wall, cpu


def _portfolio(
    listing: Path, out: Path, jobs: int, memory_mb: int, scheduler: str = ""
) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    argv = [sys.executable, "-m", "archscan", "portfolio", str(listing), "--out", str(out)]
    argv += ["--no-cache", "--quiet", "--jobs", str(jobs), "--memory-mb", str(memory_mb)]
    if scheduler:
        argv += ["--scheduler", scheduler]
    return _timed(argv)


def _differing(clones: list[Path], work: Path) -> list[str]:
    """The files that are not byte-identical across singles, local pool and Dask."""
    pairs = [(Path("local/portfolio.json"), Path("dask/portfolio.json"))]
    for clone in clones:
        mine = Path(report_dir_name(str(clone))) / "archscan.json"
        pairs += [(Path("single") / mine, Path(side) / mine) for side in ("local", "dask")]
    return [
        f"{a} != {b}"
        for a, b in pairs
        if not (work / a).is_file() or (work / a).read_bytes() != (work / b).read_bytes()
    ]


def one_round(
    clones: list[Path], listing: Path, work: Path, args: argparse.Namespace, scheduler: str
) -> dict[str, float]:
    """The figures of one round (its differing files are printed at once)."""
    cores = args.jobs or os.cpu_count() or 1
    result: dict[str, float] = {"load_before": os.getloadavg()[0]}

    def singles() -> None:
        result["singles"], result["singles_cpu"] = _singles(clones, work / "single", args.memory_mb)

    def portfolios() -> None:
        result["local"], result["local_cpu"] = _portfolio(
            listing, work / "local", cores, args.memory_mb
        )
        result["dask"], _ = _portfolio(listing, work / "dask", cores, args.memory_mb, scheduler)

    steps = [singles, portfolios] if args.round % 2 == 0 else [portfolios, singles]
    for step in steps:
        step()
    result["load_after"] = os.getloadavg()[0]
    differing = _differing(clones, work)
    result["identical"] = float(not differing)
    for line in differing:
        print(f"  differs: {line}")
    return result


def _print_round(n: int, r: dict[str, float], cores: int) -> None:
    share = r["singles"] / cores
    print(f"round {n}: load {r['load_before']:.2f} -> {r['load_after']:.2f}")
    print(f"  sum of single runs      {r['singles']:8.1f} s  (CPU {r['singles_cpu']:.1f} s)")
    print(f"  sum / cores             {share:8.1f} s")
    print(
        f"  local pool portfolio    {r['local']:8.1f} s  ratio {r['local'] / share:.2f}"
        f"  (CPU {r['local_cpu']:.1f} s)"
    )
    print(f"  LocalCluster portfolio  {r['dask']:8.1f} s  ratio {r['dask'] / share:.2f}")
    print(f"  reports and roll-ups byte-identical: {bool(r['identical'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", type=Path, nargs="+")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--memory-mb", type=int, default=4096)  # the portfolio's default
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    cores = args.jobs or os.cpu_count() or 1
    work = Path(args.work or tempfile.mkdtemp(prefix="archscan-portfolio-")).resolve()
    clones = _clones(args.repos, args.count, work)
    listing = work / "repos.txt"
    listing.write_text("".join(f"{c}\n" for c in clones))
    print(f"{len(clones)} repositories; {cores} at once; {args.repeat} round(s)")
    from dask.distributed import LocalCluster

    rounds = []
    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True) as cluster:
        for n in range(args.repeat):
            args.round = n
            rounds.append(one_round(clones, listing, work, args, cluster.scheduler_address))
            _print_round(n + 1, rounds[-1], cores)
    for side in ("local", "dask"):
        ratios = [r[side] / (r["singles"] / cores) for r in rounds]
        print(f"median ratio {side:<5} {statistics.median(ratios):.2f} (goal <= 1.20)")
    cpu = [r["local_cpu"] / r["singles_cpu"] for r in rounds]
    print(f"median CPU local / singles {statistics.median(cpu):.2f}")


if __name__ == "__main__":
    main()
