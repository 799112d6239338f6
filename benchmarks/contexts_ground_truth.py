"""MoJoFM and c2c of archscan's default context proposal against a published ground truth,
beside the one-cluster-per-package baseline and random partitions.

    python benchmarks/contexts_ground_truth.py REPO GROUND_TRUTH.rsf [--ablation] [--jobs N]

The ground truth is a CSV (member,cluster) or RSF (contain cluster member) file, members are
class names (fully qualified or simple) or paths. Nothing is tuned per repository: the run uses
archscan's default configuration and seed. ``--ablation`` re-runs with each signal's weight
set to 0 (one at a time) and prints the effect.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

from archscan.config import Config
from archscan.contexts.decomposition import read_decomposition
from archscan.contexts.production import is_production
from archscan.contexts.stage import score
from archscan.graph import package_of
from archscan.pipeline import RunOptions, run

SIGNALS = ("structure", "co_change", "vocabulary", "data", "package")
# steps of the method that can be switched off, one at a time
STEPS = ("platform", "absorb_private")


def _row(label: str, result: object) -> str:
    return (
        f"{label:<34} {result.mojofm:7.2f} {result.c2c_50:7.2f} "  # type: ignore[attr-defined]
        f"{result.c2c_33:7.2f} {result.c2c_10:7.2f}"  # type: ignore[attr-defined]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("ground_truth", type=Path)
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--random", type=int, default=100, help="random partitions to draw")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    truth = read_decomposition(args.ground_truth)
    options = RunOptions(jobs=args.jobs, ground_truths=(truth,))
    started = time.perf_counter()
    analysis = run(args.repo, Config(), options)
    elapsed = time.perf_counter() - started
    contexts = analysis.contexts
    assert contexts is not None
    proposal = contexts.scores[0]
    print(f"repository: {args.repo} @ {analysis.repository.head}")
    print(
        f"ground truth: {args.ground_truth} ({len(truth.labels())} members, "
        f"{len(set(truth.labels().values()))} clusters, duplicates: last kept: "
        f"{', '.join(truth.duplicates) or 'none'})"
    )
    print(f"unknown at HEAD: {', '.join(proposal.unknown) or 'none'}")
    print(
        f"signals: {', '.join(contexts.signals)}; resolution {contexts.resolution}; "
        f"{len(contexts.contexts)} contexts; pipeline {elapsed:.1f} s"
    )
    for context in contexts.contexts:
        names = ", ".join(p.rpartition("/")[2] for p in context.files)
        print(f"  {context.id} {context.name} [{context.confidence:.2f}]: {names}")
    print(f"{'decomposition':<34} {'MoJoFM':>7} {'c2c50':>7} {'c2c33':>7} {'c2c10':>7}")
    print(_row("archscan (default)", proposal))
    files = sorted(
        f.path
        for f in analysis.files
        if f.language and is_production(f, analysis.facts.get(f.path))
    )
    modules = analysis.resolution.modules
    packages = {p: package_of(p) for p in files}
    print(_row("package baseline", score("package", packages, truth, files, modules)))
    k = len(contexts.contexts)
    rng = random.Random(0)
    draws = [
        score("random", {p: str(rng.randrange(k)) for p in files}, truth, files, modules).mojofm
        for _ in range(args.random)
    ]
    print(
        f"{'random (k=' + str(k) + ', ' + str(args.random) + ' draws)':<34} "
        f"{sum(draws) / len(draws):7.2f} mean, {max(draws):.2f} max"
    )
    if args.ablation:
        for signal in SIGNALS:
            config = replace(Config(), contexts=replace(Config().contexts, **{signal: 0.0}))
            ablated = run(args.repo, config, options).contexts
            assert ablated is not None
            print(_row(f"without {signal} ({len(ablated.contexts)} ctx)", ablated.scores[0]))
        for step in STEPS:
            config = replace(Config(), contexts=replace(Config().contexts, **{step: False}))
            ablated = run(args.repo, config, options).contexts
            assert ablated is not None
            print(_row(f"without {step} ({len(ablated.contexts)} ctx)", ablated.scores[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
