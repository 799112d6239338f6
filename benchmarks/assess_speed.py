"""How much the recommendation (teams, verdict, extraction plan) adds to `archscan analyze`.

    python benchmarks/assess_speed.py REPO [REPO ...] [--no-history] [--jobs N]

Runs the whole pipeline once per repository (parse cache on, so a second run measures
warm parsing) and prints the time of every phase; "Assessing" is what `archscan assess`
adds on top of the analysis. The goal: under 5 s on a 5,000-file repository.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archscan.config import load_config
from archscan.pipeline import RunOptions, run


class Timer:
    """A pipeline Progress that records how long each phase takes."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.phases[name] = time.perf_counter() - start

    def advance(self, amount: int = 1) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--no-history", action="store_true")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--runs", type=int, default=2, help="runs per repository (best kept)")
    args = parser.parse_args()
    for repo in args.repos:
        best: dict[str, float] = {}
        for _ in range(args.runs):
            timer = Timer()
            options = RunOptions(jobs=args.jobs, history=not args.no_history)
            analysis = run(repo, load_config(repo), options, timer)
            for name, seconds in timer.phases.items():
                best[name] = min(best.get(name, seconds), seconds)
        files = len(analysis.files)
        commits = analysis.history.commits if analysis.history else 0
        assessment = analysis.assessment
        plan = analysis.extraction_plan
        units = len(plan.candidates) + len(plan.kept) if plan else 0
        kind = plan.unit_kind if plan else "-"
        print(f"{repo}: {files} files, {commits} commits, {units} units ({kind})")
        for name, seconds in best.items():
            print(f"  {name:<24} {seconds:7.2f} s")
        verdict = assessment.verdict if assessment else "-"
        added = best.get("Assessing", 0.0)
        print(f"  assess adds {added:.2f} s (best of {args.runs}); verdict {verdict}")


if __name__ == "__main__":
    main()
