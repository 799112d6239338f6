#!/usr/bin/env python3
"""Compare ``archscan history --log`` with code-maat itself on the git2 log of a repository.

python benchmarks/history_codemaat_compare.py REPO --codemaat "java -jar code-maat.jar"
        [--analyses a,b] [--extra "--min-revs 1"]

REPO is a git repository (a bare mirror works). The git2 log is written to a temporary
file; each analysis runs in code-maat (``--codemaat``: the command that runs your
code-maat, e.g. its standalone jar; archscan ships no copy of code-maat nor a recipe to
build one) and in archscan with the same options. Reports per analysis: rows, identical
as sorted rows, byte-identical, and both run times.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANALYSES = (
    "revisions,coupling,soc,authors,entity-churn,entity-ownership,main-dev,"
    "refactoring-main-dev,entity-effort,main-dev-by-revs,age,communication,summary"
)
GIT2 = [
    "log",
    "--all",
    "--numstat",
    "--date=short",
    "--pretty=format:--%h--%ad--%aN",
    "--no-renames",
]


def missing_paths(repo: Path) -> list[str]:
    """Paths whose blobs are absent (a partial snapshot): numstat cannot diff them."""
    git = ["git", "-C", str(repo)]
    listing = subprocess.run(
        [*git, "rev-list", "--all", "--objects", "--missing=print"], capture_output=True, text=True
    ).stdout
    paths: set[str] = set()
    for line in listing.splitlines():
        if line.startswith("?"):
            found = subprocess.run(
                [*git, "log", "--all", "--format=", "--name-only", f"--find-object={line[1:]}"],
                capture_output=True,
                text=True,
            ).stdout
            paths.update(p for p in found.splitlines() if p)
    return sorted(paths)


def git2_log(repo: Path, target: Path) -> list[str]:
    """Write the git2 log; paths with missing objects are left out (and returned)."""
    excluded = missing_paths(repo)
    pathspec = ["--", ".", *(f":(exclude,literal){p}" for p in excluded)] if excluded else []
    with target.open("wb") as handle:
        subprocess.run(["git", "-C", str(repo), *GIT2, *pathspec], stdout=handle, check=True)
    return excluded


def timed(command: list[str]) -> tuple[str, float]:
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        return f"FAILED: {proc.stdout.decode()[-300:]} {proc.stderr.decode()[-300:]}", elapsed
    return proc.stdout.decode("utf-8"), elapsed


def compare(
    oracle: list[str], log: Path, analysis: str, extra: list[str]
) -> tuple[bool, bool, int, float, float]:
    options = ["-a", analysis, *extra]
    theirs, t_theirs = timed([*oracle, "-l", str(log), "-c", "git2", *options])
    archscan = [sys.executable, "-m", "archscan", "history", "--log", str(log), *options]
    ours, t_ours = timed(archscan)
    sorted_same = sorted(theirs.splitlines()) == sorted(ours.splitlines())
    if not sorted_same:
        diff_path = Path(tempfile.gettempdir()) / f"compare-{log.stem}-{analysis}"
        diff_path.with_suffix(".codemaat").write_text(theirs)
        diff_path.with_suffix(".archscan").write_text(ours)
    return sorted_same, theirs == ours, ours.count("\n") - 1, t_theirs, t_ours


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--codemaat", required=True, help="command that runs code-maat")
    parser.add_argument("--analyses", default=ANALYSES)
    parser.add_argument("--extra", default="", help="options for both tools")
    parser.add_argument("--log", type=Path, help="reuse this git2 log")
    args = parser.parse_args()
    log = args.log or Path(tempfile.gettempdir()) / f"git2-{args.repo.resolve().parent.name}.log"
    if not args.log:
        for path in git2_log(args.repo, log):
            print(f"left out of the log (objects missing from the snapshot): {path}")
    head = subprocess.run(
        ["git", "-C", str(args.repo), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"repo {args.repo} HEAD {head} log {log} ({log.stat().st_size} bytes)")
    print(f"options: {args.extra or '(defaults)'}")
    print(
        f"{'analysis':<22}{'rows':>7}{'sorted-equal':>14}{'byte-equal':>12}"
        f"{'code-maat s':>13}{'archscan s':>12}"
    )
    failures = 0
    for analysis in args.analyses.split(","):
        same, exact, rows, t_theirs, t_ours = compare(
            shlex.split(args.codemaat), log, analysis, shlex.split(args.extra)
        )
        failures += not same
        print(f"{analysis:<22}{rows:>7}{same!s:>14}{exact!s:>12}{t_theirs:>13.1f}{t_ours:>12.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
