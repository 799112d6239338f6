"""Team structure from real git histories: groups, Conway alignment, coordination, bus factor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archscan.assess.rules import default_rules
from archscan.assess.units import Units, resolve_units
from archscan.config import Config, parse_config
from archscan.history.stage import load_team_map
from archscan.records import Analysis, Changeset, TeamsResult
from archscan.teams import (
    TeamsInput,
    _ownership,
    cluster_authors,
    core_contributors,
    cosine,
    run_teams,
)
from helpers import analyse

ALICE, BOB = "Alice <alice@example.com>", "Bob <bob@example.com>"
CAROL, DAN = "Carol <carol@example.com>", "Dan <dan@example.com>"
EVE, ZED = "Eve <eve@example.com>", "Zed <zed@example.com>"


def _day(n: int) -> str:
    return f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}T12:00:00+00:00"


def _two_teams(make_repo: Callable) -> object:  # type: ignore[type-arg]
    """billing by Alice and Bob, shipping by Carol and Dan, reports by Dan alone, Eve
    everywhere; Zed committed two years before HEAD only."""
    repo = make_repo()
    repo.write("core/util.py", "def util():\n    return 1\n")
    for unit in ("billing", "shipping", "reports"):
        repo.write(f"{unit}/__init__.py", "")
        repo.write(f"{unit}/a.py", "from core.util import util\n")
        repo.write(f"{unit}/b.py", f"from {unit} import a\n")
    repo.commit("start", author=ZED, date="2022-01-01T12:00:00+00:00")
    day = 0
    for round_ in range(4):
        for author, unit in ((ALICE, "billing"), (BOB, "billing"), (CAROL, "shipping")):
            day += 1
            repo.write(f"{unit}/a.py", f"from core.util import util\nX = {round_}{day}\n")
            repo.commit(f"{unit} {day}", author=author, date=_day(day))
        for unit in ("shipping", "reports"):
            day += 1
            body = "".join(f"Y{n} = {round_}{day}\n" for n in range(6))
            repo.write(f"{unit}/b.py", f"from {unit} import a\n{body}")
            repo.commit(f"{unit} {day}", author=DAN, date=_day(day))
    for unit in ("billing", "shipping", "core"):
        for _ in range(2):
            day += 1
            path = "core/util.py" if unit == "core" else f"{unit}/b.py"
            repo.write(
                path, f"Z = {day}\n" + ("def util():\n    return 1\n" if unit == "core" else "")
            )
            repo.commit(f"eve {day}", author=EVE, date=_day(day))
    return repo


def _package_teams(analysis: Analysis, config: Config | None = None) -> TeamsResult:
    """The teams stage over top-level packages (what the pipeline uses without contexts),
    so that the expectations can name the folders."""
    assert analysis.history is not None
    units = resolve_units(
        (f.path for f in analysis.structure.files),
        {f.path: f.role for f in analysis.files},
        analysis.view_roles,
        None,
        None,
    )
    config = config or Config()
    teams, _warnings = run_teams(
        TeamsInput(
            changesets=analysis.history.changesets,
            head_date=analysis.history.head_date,
            units=units,
            files=analysis.history.files,
            sloc={p: f.sloc for p, f in analysis.facts.items()},
            team_of=load_team_map(Path(analysis.repository.root), config.history),
            rules=default_rules().teams,
        )
    )
    return teams


def test_the_pipeline_runs_teams_over_its_units(make_repo) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(_two_teams(make_repo).root)
    assert analysis.teams is not None and analysis.assessment is not None
    assert analysis.teams.unit_kind == analysis.assessment.unit_kind
    assert analysis.teams.active_contributors == 5


def test_groups_alignment_coordination_and_bus_factor(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _two_teams(make_repo)
    teams = _package_teams(analyse(repo.root))
    assert teams is not None and teams.source == "clustering" and teams.unit_kind == "package"
    # Zed's only commit is two years before HEAD: not active
    assert teams.active_contributors == 5
    group_of = {a.name: a.group for a in teams.authors}
    assert group_of["Alice"] == group_of["Bob"]
    assert group_of["Carol"] == group_of["Dan"]
    assert group_of["Alice"] != group_of["Carol"]
    units = {u.name: u for u in teams.units}
    assert set(units) == {"billing", "shipping", "reports", "core"}
    # billing's window commits: 8 by Alice and Bob's group, 2 by Eve
    billing = units["billing"]
    assert billing.commits == 10
    assert billing.dominant_group == group_of["Alice"]
    assert billing.alignment is not None and billing.alignment >= 0.8
    # reports: Dan wrote most of its code after Zed's first commit: bus factor 1, Dan
    reports = units["reports"]
    assert (reports.bus_factor, reports.bus_factor_authors) == (1, ("Dan",))
    assert reports.knowledge_islands >= 1
    # owners by file changes: Dan changed b.py 4 times, Zed each of the 3 files once
    assert reports.owners == (("Dan", round(4 / 7, 4)), ("Zed", round(3 / 7, 4)))
    # Eve spreads her 6 commits evenly over 3 units: exp(ln 3) = 3 effective units
    eve = next(a for a in teams.authors if a.name == "Eve")
    assert (eve.units, eve.effective_units, eve.coordination) == (3, 3.0, True)
    assert teams.coordination_authors == ("Eve",)
    assert teams.alignment is not None and 0.5 < teams.alignment <= 1.0


def test_team_map_replaces_clustering(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _two_teams(make_repo)
    config = parse_config(
        {"history": {"teams": {"payments": ["Alice", "Carol"], "logistics": ["Bob", "Dan"]}}}
    )
    teams = _package_teams(analyse(repo.root, config), config)
    assert teams is not None and teams.source == "team-map"
    names = {g.name: set(g.authors) for g in teams.groups}
    assert names["payments"] == {"Alice", "Carol"}
    assert names["logistics"] == {"Bob", "Dan"}
    assert names["(unmapped)"] == {"Eve"}
    billing = next(u for u in teams.units if u.name == "billing")
    # Alice (payments) and Bob (logistics) split billing: the map shows the misalignment
    assert billing.alignment is not None and billing.alignment < 0.6


def test_one_author(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("lib/a.py", "X = 1\n")
    for n in range(3):
        repo.write("lib/a.py", f"X = {n}\n")
        repo.commit(f"c{n}", date=_day(n + 1))
    teams = analyse(repo.root).teams
    assert teams is not None
    assert (teams.active_contributors, teams.core_contributors) == (1, 1)
    assert [g.authors for g in teams.groups] == [("Alice",)]
    assert teams.units[0].bus_factor == 1


def test_clustering_is_deterministic_average_linkage() -> None:
    vectors = {
        "a": {"x": 4},
        "b": {"x": 3, "y": 1},
        "c": {"y": 5},
        "d": {"y": 4, "z": 1},
        "e": {"z": 2, "q": 2},
    }
    assert cosine(vectors["a"], vectors["c"]) == 0.0
    groups = cluster_authors(vectors, 0.5)
    assert groups == [["a", "b"], ["c", "d"], ["e"]]
    assert cluster_authors(dict(reversed(list(vectors.items()))), 0.5) == groups
    assert cluster_authors(vectors, 0.0) == [["a", "b", "c", "d", "e"]]


def test_core_contributors_cover_the_share() -> None:
    assert core_contributors({"a": 50, "b": 30, "c": 10, "d": 10}, 0.8) == 2
    assert core_contributors({"a": 50, "b": 29, "c": 11, "d": 10}, 0.8) == 3
    assert core_contributors({}, 0.8) == 0


def test_ownership_counts_each_files_commits_by_author_in_first_seen_order() -> None:
    # newest first, as the history gives them; a file outside every unit is left out
    changes = [
        Changeset("c4", "bob", 4, ("b/y.py", "a/x.py", "docs/readme.md")),
        Changeset("c3", "ann", 3, ("a/x.py",)),
        Changeset("c2", "bob", 2, ("a/z.py", "a/x.py")),
        Changeset("c1", "ann", 1, ("b/y.py",)),
    ]
    units = Units("package", {"a/x.py": "a", "a/z.py": "a", "b/y.py": "b"})
    data = TeamsInput(changes, "2024-01-01", units, (), {}, {}, default_rules().teams)
    owned = _ownership(data)
    assert {unit: list(files.items()) for unit, files in owned.items()} == {
        "b": [("b/y.py", {"bob": 1, "ann": 1})],
        "a": [("a/x.py", {"bob": 2, "ann": 1}), ("a/z.py", {"bob": 1})],
    }
    assert [list(counts) for counts in owned["a"].values()] == [["bob", "ann"], ["bob"]]
    assert run_teams(data)[0].units[0].owners == (("bob", 0.75), ("ann", 0.25))
