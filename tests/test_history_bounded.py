"""Temporal coupling with the changeset cap lifted: pairs only among files that can pass
the thresholds (exact), and a pair budget that bounds memory whatever the history."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import combinations
from pathlib import Path

from archscan.config import load_config
from archscan.history.codemaat.coupling import passes
from archscan.history.codemaat.model import Options
from archscan.history.native import CouplingCounts
from archscan.pipeline import RunOptions, run

ANN = "Ann <ann@example.com>"


def brute_force(changesets: list[list[str]], options: Options) -> dict[tuple[str, str], int]:
    """Every pair of every changeset, then code-maat's thresholds: the oracle."""
    revs: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for files in changesets:
        members = sorted(set(files))
        revs.update(members)
        shared.update(combinations(members, 2))
    return {p: n for p, n in shared.items() if passes(options, revs[p[0]], revs[p[1]], n)}


def test_mass_commits_make_no_pairs_and_the_same_coupling(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    many = [f"gen/f{i:03d}.py" for i in range(300)]
    for n in range(2):  # two mass commits: every file changes, together
        for path in many:
            repo.write(path, f"x = {n}\n")
        repo.commit(f"mass {n}", ANN, f"2024-01-0{n + 1}T12:00:00+00:00")
    for n in range(6):  # a real coupling: a.py and b.py change together six times
        repo.write("core/a.py", f"a = {n}\n")
        repo.write("core/b.py", f"b = {n}\n")
        repo.commit(f"pair {n}", ANN, f"2024-02-0{n + 1}T12:00:00+00:00")
    config = load_config(repo.root)
    config = replace(config, history=replace(config.history, max_changeset_size=100_000))
    analysis = run(repo.root, config, RunOptions(cache_dir=tmp_path / "c", jobs=1))
    assert analysis.history is not None
    pairs = {(p.entity, p.coupled): p.shared for p in analysis.history.coupling}
    history = analysis.history
    changesets = [list(c.files) for c in history.changesets]
    options = Options(min_revs=5, min_shared_revs=5, min_coupling=30, max_coupling=100)
    assert pairs == brute_force(changesets, options) == {("core/a.py", "core/b.py"): 6}
    assert not any(w.kind == "history-coupling-capped" for w in analysis.warnings)


def test_pairs_counted_only_among_files_that_can_pass() -> None:
    counts = CouplingCounts(max_changeset_size=100_000, min_shared=3)
    big = [f"f{i}" for i in range(2000)]
    counts.add(big)
    counts.add(big[:1000])
    for _ in range(3):
        counts.add(["a", "b"])
    counts.finish()
    assert dict(counts.shared) == {("a", "b"): 3}  # 2.5M pairs of 2-revision files: none
    assert counts.soc["f0"] == 1999 + 999


def test_pair_budget_drops_the_largest_changesets_and_says_so() -> None:
    counts = CouplingCounts(max_changeset_size=100_000, min_shared=1, pair_budget=100)
    counts.add([f"f{i}" for i in range(50)])  # 1225 pairs: over the budget
    counts.add(["a", "b", "c"])
    counts.finish()
    assert counts.capped == 1
    assert set(counts.shared) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert counts.revisions["f0"] == 1  # revisions still counted
