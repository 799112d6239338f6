"""The history metrics on a hand-made aggregate: each figure against its definition."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

from archscan.history import metrics
from archscan.history.native import Aggregator, CouplingCounts, FileStats, iso_date
from archscan.records import FileFacts, FileHistory
from archscan.userregex import compile_user_regex

HEAD = date(2024, 3, 31)


def _stamp(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=timezone.utc).timestamp())


def _stats(first: int, last: int, commits: dict[str, int], added: dict[str, int]) -> FileStats:
    return FileStats(
        revisions=sum(commits.values()),
        first=first,
        last=last,
        commits_by=Counter(commits),
        added=sum(added.values()),
        added_by=Counter(added),
    )


def _context(files: dict[str, FileStats], author_last: dict[str, int]) -> metrics.HistoryContext:
    aggregator = Aggregator(
        keep=lambda path: True,
        is_bot=lambda name, email: False,
        coupling_by="commit",
        window_days=1,
        ticket=compile_user_regex("[A-Z]+-[0-9]+"),
        coupling=CouplingCounts(max_changeset_size=30),
        files=files,
        author_last=author_last,
    )
    facts = {path: FileFacts(path, "python", 10) for path in files}
    return metrics.HistoryContext(
        aggregator,
        facts,
        lambda path: path.split("/")[0],
        HEAD,
        True,
        metrics.MetricSettings(),
        {},
    )


def _by_path(context: metrics.HistoryContext) -> dict[str, FileHistory]:
    return {row.path: row for row in metrics.file_histories(context)}


def test_main_developer_most_lines_then_name_else_commits() -> None:
    day = _stamp(2024, 1, 10)
    rows = _by_path(
        _context(
            {
                "a/tie.py": _stats(
                    day, day, {"zoe": 5, "bob": 1, "amy": 1}, {"zoe": 4, "bob": 4, "amy": 2}
                ),
                "a/lines.py": _stats(day, day, {"zoe": 5, "bob": 1}, {"zoe": 1, "bob": 3}),
                "a/nolines.py": _stats(day, day, {"zoe": 1, "bob": 3}, {}),
                "a/none.py": _stats(day, day, {}, {}),
            },
            {},
        )
    )
    assert (rows["a/tie.py"].main_developer, rows["a/tie.py"].ownership) == ("bob", 0.4)
    assert (rows["a/lines.py"].main_developer, rows["a/lines.py"].ownership) == ("bob", 0.75)
    assert (rows["a/nolines.py"].main_developer, rows["a/nolines.py"].ownership) == ("bob", 0.75)
    assert (rows["a/none.py"].main_developer, rows["a/none.py"].ownership) == (None, 0.0)


def test_dates_ages_and_knowledge_islands() -> None:
    # two commits on one day (its first and its last minute), a day before, a month-end
    early, late = _stamp(2024, 2, 29, 0, 0), _stamp(2024, 2, 29, 23, 59)
    before, old = _stamp(2024, 2, 28, 23, 59), _stamp(2023, 1, 31, 12)
    rows = _by_path(
        _context(
            {
                "a/early.py": _stats(old, early, {"ann": 1}, {"ann": 1}),
                "a/late.py": _stats(before, late, {"ann": 1}, {"ann": 1}),
                "a/before.py": _stats(early, before, {"ann": 1}, {"ann": 1}),
                "a/old.py": _stats(old, old, {"old": 1}, {"old": 1}),
            },
            {"ann": late, "old": old},
        )
    )
    assert [rows[p].last_change for p in ("a/early.py", "a/late.py", "a/before.py")] == [
        "2024-02-29",
        "2024-02-29",
        "2024-02-28",
    ]
    assert rows["a/late.py"].first_change == iso_date(before) == "2024-02-28"
    assert rows["a/early.py"].first_change == "2023-01-31"
    # Joda's months: Feb 29 -> Mar 31 is one month, Feb 28 -> Mar 31 one, Jan 31 2023 -> 14
    assert [rows[p].age_months for p in ("a/early.py", "a/before.py", "a/old.py")] == [1, 1, 14]
    # one author owns each file; only the one active within 180 days is an island
    assert rows["a/early.py"].knowledge_island and not rows["a/old.py"].knowledge_island


def test_temporal_coupling_needs_enough_shared_revisions() -> None:
    day = _stamp(2024, 1, 10)
    context = _context({p: _stats(day, day, {"ann": 1}, {"ann": 1}) for p in "abcd"}, {})
    counts = context.aggregator.coupling
    counts.revisions.update({"a": 6, "b": 6, "c": 4, "d": 20})
    counts.shared.update({("a", "b"): 5, ("a", "c"): 4, ("b", "d"): 5})
    pairs = metrics.temporal_coupling(context)
    # a-c shares too few revisions, b-d is under 30% coupled (200 * 5 // 26 = 38 passes)
    assert [(p.entity, p.coupled, p.degree) for p in pairs] == [("a", "b", 83), ("b", "d", 38)]


def test_component_bus_factor_weighs_each_file_by_its_code() -> None:
    day = _stamp(2024, 1, 10)
    context = _context(
        {
            "a/big.py": _stats(day, day, {"ann": 1, "bob": 1}, {"ann": 3, "bob": 1}),
            "a/small.py": _stats(day, day, {"bob": 1, "cat": 1}, {"bob": 1, "cat": 1}),
        },
        {},
    )
    facts = dict(context.facts)
    facts["a/big.py"] = FileFacts("a/big.py", "python", 100)  # ann: 75, bob: 25 + 5, cat 5
    facts["a/small.py"] = FileFacts("a/small.py", "python", 10)
    context = metrics.HistoryContext(
        context.aggregator, facts, context.component_of, HEAD, True, context.settings, {}
    )
    rows, repository = metrics.components(context, metrics.file_histories(context), [])
    assert [(r.name, r.bus_factor, r.bus_factor_authors, r.authors) for r in rows] == [
        ("a", 1, ("ann",), 3)
    ]
    assert repository == (1, ("ann",))
