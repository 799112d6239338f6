#!/usr/bin/env python3
"""Two archscan installations' re-runs after one new commit, alternated (A/B).

python benchmarks/rerun_ab.py REPO --a PYTHON_A --b PYTHON_B [--rounds 6] [--jobs 0]
    [--touch PATH ... | --replay]

Each interpreter (say, a venv with the previous commit's archscan and one with this
one's) gets its own throwaway clone of REPO and its own cache folder, filled by one
cold run. Then each round makes one new commit touching 3 source files in both clones
(benchmarks/speed.py's commit, or the files given with --touch: say, three production
files, whose new co-change pairs make the contexts stage cluster anew; or, with
--replay, checks out the repository's next real commit, the clones having started
--rounds commits before HEAD: real edits, new imports and definitions included) and times
A's re-run, then B's: alternated, so that the
machine's load hits both alike, which a speed.py run per installation, minutes apart,
does not. Prints both medians and minima, and B/A. Both run with their bytecode cached
(PYTHONPYCACHEPREFIX per side), as installed copies do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import new_commit  # the same commit as speed.py's


def _run(python: str, clone: Path, work: Path, jobs: int) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    command = [python, "-m", "archscan", "analyze", str(clone), "--out", str(work / "out")]
    command += ["--cache-dir", str(work / "cache"), "--quiet", "--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def _replayed(repo: Path, count: int) -> list[str]:
    """The last ``count`` commits of HEAD's first-parent line, oldest first."""
    listed = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--first-parent", f"--max-count={count}", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return listed[::-1]


def _checkout(clone: Path, commit: str) -> None:
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--detach", commit], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--a", required=True, help="the first side's python")
    parser.add_argument("--b", required=True, help="the second side's python")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument(
        "--touch", nargs="+", metavar="PATH", help="files each commit appends a line to"
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="each round checks out the repository's next real commit (first parent),"
        " starting --rounds commits before its HEAD, instead of making one",
    )
    args = parser.parse_args()
    commits = _replayed(args.repo, args.rounds) if args.replay else []
    root = Path(tempfile.mkdtemp(prefix="archscan-ab-"))
    try:
        sides = {"A": args.a, "B": args.b}
        works = {name: root / name for name in sides}
        for name, work in works.items():
            clone = ["git", "clone", "-q", str(args.repo.resolve()), str(work / "clone")]
            subprocess.run(clone, check=True)
            if commits:
                _checkout(work / "clone", f"{commits[0]}~1")
            cold = _run(sides[name], work / "clone", work, args.jobs)
            print(f"{name} cold (fills its caches): {cold:.2f} s", flush=True)
        times: dict[str, list[float]] = {name: [] for name in sides}
        for n in range(args.rounds):
            for name, work in works.items():
                if commits:
                    _checkout(work / "clone", commits[n])
                else:
                    new_commit(work / "clone", args.touch)
                times[name].append(_run(sides[name], work / "clone", work, args.jobs))
            print(f"round {n + 1}: A {times['A'][-1]:.2f} s, B {times['B'][-1]:.2f} s", flush=True)
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name in sides:
            print(f"{name}: median {medians[name]:.2f} s, min {min(times[name]):.2f} s")
        print(f"B/A (medians): {medians['B'] / medians['A']:.3f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
