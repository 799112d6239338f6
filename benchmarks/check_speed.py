#!/usr/bin/env python3
"""``archscan check --diff-base REF`` in a pull request: cold versus warm cache.

python benchmarks/check_speed.py REPO [--config FILE] [--diff-base HEAD~1] [--repeat 3]

Each run is the real command in its own process (what CI pays), with its own cache
folder so the user's cache is not touched:
  cold             a fresh, empty parse cache (first CI run, or a cache miss)
  warm             the same cache again (every later run: only changed blobs parse)
  warm-history     warm, with the history pack added (a rule reads the git history):
                   check mines the history only when a rule reads it
Warm times are the best of --repeat. The whole graph is computed each time; only the
report is narrowed to the change. The exit code of check (0 or 1) is not a failure here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _check(repo: Path, cache: Path, extra: list[str]) -> tuple[float, int]:
    command = [sys.executable, "-m", "archscan", "check", str(repo), "--cache-dir", str(cache)]
    start = time.perf_counter()
    done = subprocess.run([*command, *extra], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"archscan check failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.returncode


def _files(repo: Path) -> int:
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], capture_output=True)
    return out.stdout.count(b"\0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--diff-base", default="HEAD~1")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    extra = ["--diff-base", args.diff_base]
    if args.config:
        extra += ["--config", str(args.config)]
    head = subprocess.run(
        ["git", "-C", str(args.repo), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"{args.repo} at {head}: {_files(args.repo)} tracked files, --diff-base {args.diff_base}")
    with tempfile.TemporaryDirectory(prefix="archscan-check-speed-") as tmp:
        cache = Path(tmp) / "cache"
        cold, code = _check(args.repo, cache, extra)
        warm = min(_check(args.repo, cache, extra)[0] for _ in range(args.repeat))
        # The same configuration plus the history pack (its rules read the git history).
        history = Path(tmp) / "history.toml"
        base = args.config.read_text() if args.config else ""
        history.write_text(base + '\n[check]\npacks = ["ci-defaults", "history"]\n')
        mined_args = ["--diff-base", args.diff_base, "--config", str(history)]
        mined = min(_check(args.repo, cache, mined_args)[0] for _ in range(args.repeat))
    print(f"{'cold':<16} {cold:7.2f} s   (exit {code})")
    print(f"{'warm':<16} {warm:7.2f} s   (best of {args.repeat})")
    print(f"{'warm-history':<16} {mined:7.2f} s   (best of {args.repeat})")


if __name__ == "__main__":
    main()
