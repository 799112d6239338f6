#!/usr/bin/env python3
"""What a resident process would save on a re-run after one new commit.

python benchmarks/inprocess_rerun.py REPO [--rounds 3] [--jobs 0]

On a throwaway clone of REPO (never REPO itself): one cold run to fill the caches, then
each round makes one new commit touching 3 source files (as benchmarks/speed.py does)
and times the re-run twice, both misses of the run cache:

  cli          `python -m archscan analyze` in a new process (what a user runs today)
  in-process   the same command's function called again in this process, which has
               already run it: modules imported, nothing else kept between the runs

The difference is what start-up costs a re-run; the rest is what a resident process
would still pay unless its stages kept their last inputs and outputs (README, "Re-runs").
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import new_commit  # the same commit as speed.py's


def _arguments(clone: Path, out: Path, cache: Path, jobs: int) -> list[str]:
    return [
        *("analyze", str(clone), "--out", str(out), "--cache-dir", str(cache)),
        *("--quiet", "--jobs", str(jobs)),
    ]


def _cli(clone: Path, out: Path, cache: Path, jobs: int) -> float:
    command = [sys.executable, "-m", "archscan", *_arguments(clone, out, cache, jobs)]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _in_process(clone: Path, out: Path, cache: Path, jobs: int) -> float:
    """The same command line, parsed and run by archscan's own command in this process."""
    import typer

    from archscan.cli import app

    command = typer.main.get_command(app)
    start = time.perf_counter()
    command.main(_arguments(clone, out, cache, jobs), standalone_mode=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="archscan-inprocess-"))
    try:
        clone, out, cache = work / "clone", work / "out", work / "cache"
        subprocess.run(["git", "clone", "-q", str(args.repo.resolve()), str(clone)], check=True)
        cold = _in_process(clone, out, cache, args.jobs)
        print(f"cold (in-process, fills the caches): {cold:.2f} s")
        timings: dict[str, list[float]] = {"cli": [], "in-process": []}
        for n in range(args.rounds):
            new_commit(clone)
            timings["cli"].append(_cli(clone, out, cache, args.jobs))
            new_commit(clone)
            timings["in-process"].append(_in_process(clone, out, cache, args.jobs))
            print(
                f"round {n + 1}/{args.rounds}: cli {timings['cli'][-1]:.2f} s, "
                f"in-process {timings['in-process'][-1]:.2f} s",
                flush=True,
            )
        for name, values in timings.items():
            print(f"{name:12} median {statistics.median(values):.2f} s  min {min(values):.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
