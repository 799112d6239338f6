#!/usr/bin/env python3
"""Cold, warm and incremental runs side by side with git alone (and grimp), interleaved.

python benchmarks/speed.py REPO [--repeat 3] [--grimp-package NAME] [--jobs 0] [--json OUT]
                              [--git-exclude PATHSPEC]...

Works on a throwaway clone of REPO (never on REPO itself). Each round runs, in order:
  git-numstat        git log -z --no-merges --numstat -M (archscan's line pass, whole)
  git-name-only      git log -z --no-merges --name-only
  cold               archscan analyze, empty caches (parse, history, resolution, runs)
  warm               the same again, nothing changed (the run cache answers)
  warm-no-history    archscan analyze --no-history, nothing changed since the same
                     command ran (that run, not measured, comes right before it)
  one-new-commit     after a commit touching 3 source files (undone after the round)
  grimp-cold/-warm   grimp.build_graph(PACKAGE) without / with its cache (--grimp-package)
and reports the median wall time over the rounds (the phases interleaved, so machine
load hits all alike), the peak RSS (the largest process of each run, git included:
getrusage(RUSAGE_CHILDREN) of a wrapper) and the ratios the goals are stated in.

archscan runs with its bytecode cached (PYTHONPYCACHEPREFIX in the work folder, even
when PYTHONDONTWRITEBYTECODE is set), as an installed archscan runs: compiling every
module of the source on each run would otherwise be measured as start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall} {usage.ru_maxrss} {code} {usage.ru_utime + usage.ru_stime}")
"""


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MiB of the largest process in the run's tree, CPU
    seconds of the whole tree: less sensitive than wall time to a loaded machine)."""
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=_ENV or None,
    ).stdout.split()
    wall, peak, code, cpu = float(out[0]), int(out[1]), int(out[2]), float(out[3])
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}")
    return wall, peak / 1024, cpu


def _archscan(clone: Path, out: Path, cache: Path, jobs: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "archscan",
        "analyze",
        str(clone),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--quiet",
        "--jobs",
        str(jobs),
        *extra,
    ]


def _source_files(clone: Path, count: int) -> list[str]:
    """Three tracked source files, spread over the tree (deterministic)."""
    listed = subprocess.run(
        ["git", "-C", str(clone), "ls-files", "*.py", "*.js", "*.ts", "*.java", "*.go"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    step = max(len(listed) // count, 1)
    return listed[::step][:count]


def new_commit(clone: Path, paths: list[str] | None = None) -> None:
    """A commit appending a comment line to ``paths`` (default: three source files
    spread over the tree, _source_files)."""
    for path in paths or _source_files(clone, 3):
        with open(clone / path, "a", encoding="utf-8") as handle:
            handle.write("\n# edit\n" if path.endswith(".py") else "\n// edit\n")
    git = ["git", "-C", str(clone), "-c", "user.name=bench", "-c", "user.email=b@example.com"]
    subprocess.run([*git, "commit", "-qam", "benchmark: one new commit"], check=True)


def _undo_commit(clone: Path) -> None:
    subprocess.run(["git", "-C", str(clone), "reset", "-q", "--hard", "HEAD~1"], check=True)


def _grimp(clone: Path, package: str, cache: Path) -> list[str]:
    code = (
        "import sys, grimp; sys.path.insert(0, sys.argv[1]); "
        "grimp.build_graph(sys.argv[2], cache_dir=sys.argv[3])"
    )
    return [sys.executable, "-c", code, str(clone), package, str(cache)]


Round = dict[str, tuple[float, float, float]]
_ENV: dict[str, str] = {}  # the environment of every measured run (set by main)


def one_round(clone: Path, work: Path, args: argparse.Namespace) -> Round:
    cache, out = work / "cache", work / "out"
    git = ["git", "-C", str(clone), "log", "-z", "--no-merges"]
    paths = ["--", *args.git_exclude] if args.git_exclude else []
    results = {
        "git-numstat": measure([*git, "--numstat", "-M", "--format=%H", *paths]),
        "git-name-only": measure([*git, "--name-only", "--format=%H", *paths]),
    }
    shutil.rmtree(cache, ignore_errors=True)
    results["cold"] = measure(_archscan(clone, out, cache, args.jobs))
    results["warm"] = measure(_archscan(clone, out, cache, args.jobs))
    no_history = _archscan(clone, out, cache, args.jobs, "--no-history")
    measure(no_history)  # the same command once before: "nothing changed" since it
    results["warm-no-history"] = measure(no_history)
    new_commit(clone)
    try:
        results["one-new-commit"] = measure(_archscan(clone, out, cache, args.jobs))
    finally:
        _undo_commit(clone)
    if args.grimp_package:
        grimp_cache = work / "grimp-cache"
        shutil.rmtree(grimp_cache, ignore_errors=True)
        results["grimp-cold"] = measure(_grimp(clone, args.grimp_package, grimp_cache))
        results["grimp-warm"] = measure(_grimp(clone, args.grimp_package, grimp_cache))
    return results


def _ratio(medians: dict[str, float], a: str, b: str) -> float | None:
    return medians[a] / medians[b] if a in medians and b in medians and medians[b] else None


def report(rounds: list[dict[str, tuple[float, float, float]]]) -> dict[str, object]:
    phases = list(rounds[0])
    medians = {p: statistics.median(r[p][0] for r in rounds) for p in phases}
    cpu = {p: statistics.median(r[p][2] for r in rounds) for p in phases}
    rows = {
        p: {
            "median_s": round(medians[p], 3),
            "min_s": round(min(r[p][0] for r in rounds), 3),
            "max_s": round(max(r[p][0] for r in rounds), 3),
            "cpu_s": round(cpu[p], 3),
            "peak_mib": round(max(r[p][1] for r in rounds), 1),
        }
        for p in phases
    }
    goals = (
        ("cold / git-numstat (goal <= 0.7)", "cold", "git-numstat"),
        ("one-new-commit / cold (goal <= 0.10, 0.05)", "one-new-commit", "cold"),
        ("warm / cold", "warm", "cold"),
        ("warm-no-history / grimp-warm (goal <= 2)", "warm-no-history", "grimp-warm"),
    )
    ratios = {name: _ratio(medians, a, b) for name, a, b in goals}
    cpu_ratios = {name: _ratio(cpu, a, b) for name, a, b in goals}
    print(f"{'phase':<18} {'median s':>9} {'min':>8} {'max':>8} {'CPU s':>8} {'peak MiB':>9}")
    for p, row in rows.items():
        print(
            f"{p:<18} {row['median_s']:9.2f} {row['min_s']:8.2f} {row['max_s']:8.2f}"
            f" {row['cpu_s']:8.2f} {row['peak_mib']:9.0f}"
        )
    print(f"{'ratio':<45} {'wall':>7} {'CPU':>7}")
    for name, value in ratios.items():
        other = cpu_ratios[name]
        print(
            f"{name:<45} {'-' if value is None else f'{value:7.3f}'}"
            f" {'-' if other is None else f'{other:7.3f}'}"
        )
    return {"phases": rows, "ratios": ratios, "cpu_ratios": cpu_ratios, "rounds": len(rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--grimp-package", default="")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--git-exclude",
        action="append",
        default=[],
        help="pathspec for the git-alone runs, e.g. ':(exclude)big.png' when a blob is "
        "missing from the clone (git alone stops at it; archscan resumes past it)",
    )
    parser.add_argument("--work", type=Path, help="folder for the clone (default: a temp dir)")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="archscan-speed-"))
    _ENV.update(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"))
    _ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    clone = work / "clone"
    if not clone.exists():
        subprocess.run(["git", "clone", "-q", str(args.repo.resolve()), str(clone)], check=True)
    head = subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    commits = subprocess.run(
        ["git", "-C", str(clone), "rev-list", "--count", "--no-merges", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"{args.repo} at {head} ({commits} commits); load {os.getloadavg()[0]:.2f}")
    rounds = []
    for n in range(args.repeat):
        rounds.append(one_round(clone, work, args))
        print(f"round {n + 1}/{args.repeat} done; load {os.getloadavg()[0]:.2f}", flush=True)
    figures = report(rounds)
    figures.update({"repository": str(args.repo), "head": head, "commits": int(commits)})
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
