"""Compatibility mode: code-maat's definitions on hand-computed fixtures.

Every expected figure below is computed by hand from the definitions in docs/history.md
(code-maat's source is the authority for them); the Clojure hash values were printed by
Clojure 1.11 itself (``(hash {:author "Adam Tornhill"})`` and friends).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archscan.cli import app
from archscan.history.codemaat import clojure_order, csvout
from archscan.history.codemaat.age import months_between
from archscan.history.codemaat.analyses import prepare, run_analysis
from archscan.history.codemaat.dataset import two_digit_ratio
from archscan.history.codemaat.log import parse_lines
from archscan.history.codemaat.model import Change, LogProblem, Options
from archscan.history.codemaat.transform import TransformError, sliding_windows


def commit(rev: str, day: str, author: str, *files: str | tuple[str, int, int]) -> str:
    rows = [f if isinstance(f, str) else f"{f[1]}\t{f[2]}\t{f[0]}" for f in files]
    rows = [r if "\t" in r else f"1\t0\t{r}" for r in rows]
    return "\n".join([f"--{rev}--{day}--{author}", *rows])


def log(*commits: str) -> list[str]:
    return "\n\n".join(commits).split("\n")


def rows_of(lines: list[str]) -> list[Change]:
    problems: list[LogProblem] = []
    rows = list(parse_lines(lines, problems))
    assert problems == []
    return rows


def table(name: str, lines: list[str], **options: object) -> list[tuple[object, ...]]:
    opts = Options(**options)  # type: ignore[arg-type]
    result = run_analysis(name, prepare(rows_of(lines), opts), opts)
    return list(result.rows)


# --- the log -------------------------------------------------------------------------


def test_parser_keeps_paths_literally_and_counts_binary_as_zero() -> None:
    lines = log(commit("a1", "2024-01-02", 'Ann, "the" <b>Dev</b>', ("x => y.py", 3, 4)))
    lines += ["-\t-\tlogo.png", '5\t0\t"quoted path.txt"']
    rows = rows_of(lines)
    assert [(r.entity, r.added, r.deleted) for r in rows] == [
        ("x => y.py", 3, 4),
        ("logo.png", 0, 0),
        ('"quoted path.txt"', 5, 0),
    ]
    assert rows[0].author == 'Ann, "the" <b>Dev</b>'


def test_header_without_rows_is_dropped_and_the_last_header_counts() -> None:
    # A merge prints a header with no files, directly followed by the next header.
    lines = ["--ab1--2024-01-03--Merger", "--b2--2024-01-02--Bob", "1\t1\ta.py", ""]
    lines += ["--e3--2024-01-01--Empty"]
    rows = rows_of(lines)
    assert [(r.rev, r.author, r.entity) for r in rows] == [("b2", "Bob", "a.py")]
    assert table("summary", lines)[0] == ("number-of-commits", 1)


def test_a_malformed_entry_is_skipped_and_the_rest_survives() -> None:
    lines = log(
        commit("a1", "2024-01-01", "Ann", "a.py"),
        "--zz--2024-01-01--not hex\n1\t1\tb.py",
        commit("c3", "2024-13-45", "Bad date", "c.py"),
        commit("d4", "2024-01-02", "Dan", "d.py"),
    )
    problems: list[LogProblem] = []
    rows = list(parse_lines(lines, problems))
    assert [r.entity for r in rows] == ["a.py", "d.py"]
    assert len(problems) == 2


# --- revisions, authors, summary, churn -----------------------------------------------

SMALL = log(
    commit("c4", "2024-03-01", "Cid", ("a.py", 10, 2), ("b.py", 1, 1)),
    commit("c3", "2024-02-01", "Bob", ("a.py", 5, 5)),
    commit("c2", "2024-01-15", "Ann", ("a.py", 20, 0), ("c.py", 7, 0)),
    commit("c1", "2024-01-01", "Ann", ("a.py", 3, 0), ("b.py", 2, 0)),
)


def test_revisions_authors_and_summary() -> None:
    assert table("revisions", SMALL) == [("a.py", 4), ("b.py", 2), ("c.py", 1)]
    assert table("authors", SMALL) == [("a.py", 3, 4), ("b.py", 2, 2), ("c.py", 1, 1)]
    assert table("summary", SMALL) == [
        ("number-of-commits", 4),
        ("number-of-entities", 3),
        ("number-of-entities-changed", 7),
        ("number-of-authors", 3),
    ]


def test_entity_churn_ownership_and_effort() -> None:
    assert table("entity-churn", SMALL)[0] == ("a.py", 38, 7, 4)
    owned = table("entity-ownership", SMALL)
    assert owned[:3] == [("a.py", "Cid", 10, 2), ("a.py", "Bob", 5, 5), ("a.py", "Ann", 23, 0)]
    effort = table("entity-effort", SMALL)
    assert effort[:3] == [("a.py", "Ann", 2, 4), ("a.py", "Cid", 1, 4), ("a.py", "Bob", 1, 4)]


def test_main_dev_variants() -> None:
    # a.py: Ann added 23 of 38 -> 0.605... -> two significant digits half-up: 0.61
    assert table("main-dev", SMALL)[0] == ("a.py", "Ann", 23, 38, 0.61)
    # deleted: Bob 5 of 7 -> 0.714 -> 0.71
    assert table("refactoring-main-dev", SMALL)[0] == ("a.py", "Bob", 5, 7, 0.71)
    assert table("main-dev-by-revs", SMALL)[0] == ("a.py", "Ann", 2, 4, 0.5)


def test_main_dev_ties_follow_code_maats_group_order() -> None:
    # Equal lines: code-maat takes the *last* author in group order (first appearance
    # for <= 8 authors); by revisions it takes the *first*.
    lines = log(
        commit("c2", "2024-01-02", "Zoe", ("f.py", 5, 0)),
        commit("c1", "2024-01-01", "Abe", ("f.py", 5, 0)),
    )
    assert table("main-dev", lines) == [("f.py", "Abe", 5, 10, 0.5)]
    assert table("main-dev-by-revs", lines) == [("f.py", "Zoe", 1, 2, 0.5)]


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(2, 3, 0.67), (1, 8, 0.13), (995, 1000, 1.0), (0, 1, 0.0), (1, 1, 1.0), (1, 3000, 0.00033)],
)
def test_ownership_is_rounded_to_two_significant_digits_half_up(
    numerator: int, denominator: int, expected: float
) -> None:
    assert two_digit_ratio(numerator, denominator) == expected


def test_values_print_like_java() -> None:
    assert csvout.java_double(0.00033) == "3.3E-4"
    assert csvout.java_double(1.0) == "1.0"
    assert csvout.java_double(0.67) == "0.67"
    assert csvout.cell('say "hi", ok') == '"say ""hi"", ok"'
    assert csvout.cell("line\rbreak") == '"line\rbreak"'


# --- coupling and soc ------------------------------------------------------------------


def _co_changes(n_shared: int, only_a: int, only_b: int) -> list[str]:
    commits = []
    day = 0

    def add(*files: str) -> None:
        nonlocal day
        day += 1
        commits.append(commit(f"{day:x}", f"2024-01-{day:02d}", "Ann", *files))

    for _ in range(n_shared):
        add("a.py", "b.py")
    for _ in range(only_a):
        add("a.py")
    for _ in range(only_b):
        add("b.py")
    return log(*commits)


def test_coupling_degree_is_truncated_and_average_rounded_up() -> None:
    # r(a) = 8, r(b) = 5, n = 5: avg 6.5 -> 7, degree 100 * 5 / 6.5 = 76.9 -> 76
    lines = _co_changes(5, 3, 0)
    assert table("coupling", lines) == [("a.py", "b.py", 76, 7)]
    verbose = table("coupling", lines, verbose_results=True)
    assert verbose == [("a.py", "b.py", 76, 7, 8, 5, 5)]


def test_coupling_thresholds_use_the_average_and_the_unrounded_degree() -> None:
    # r(a) = 5, r(b) = 4: avg 4.5 < min-revs 5 even though a has 5 revisions
    assert table("coupling", _co_changes(4, 1, 0), min_shared_revs=4) == []
    # n = 3, r(a) = r(b) = 10: degree 30.0 passes min 30; 29.99 would not
    assert table("coupling", _co_changes(3, 7, 7), min_shared_revs=3) == [("a.py", "b.py", 30, 10)]
    # r(a) = 11, r(b) = 10, n = 3: degree 28.57 < 30
    assert table("coupling", _co_changes(3, 8, 7), min_shared_revs=3) == []
    # max-coupling compares the truncated degree: 100.0 > 99
    assert table("coupling", _co_changes(5, 0, 0), max_coupling=99) == []


def test_changeset_size_filter_applies_to_coupling_only() -> None:
    big = [f"f{i:02d}.py" for i in range(31)]
    exact = log(*(commit(f"{i:x}", "2024-01-01", "Ann", *big[:30]) for i in range(1, 6)))
    over = log(*(commit(f"{i:x}", "2024-01-01", "Ann", *big) for i in range(1, 6)))
    assert len(table("coupling", exact)) == 30 * 29 // 2  # exactly 30 files is kept
    assert table("coupling", over) == []
    # soc has no size filter: 5 commits x 30 other files
    assert table("soc", over)[0] == ("f30.py", 150)


def test_soc_keeps_sums_strictly_greater_than_min_revs() -> None:
    lines = _co_changes(5, 2, 0)  # a and b each gain 1 per shared commit: 5
    assert table("soc", lines) == []  # 5 is not > 5
    assert table("soc", lines, min_revs=4) == [("b.py", 5), ("a.py", 5)]  # soc, entity desc


# --- age, communication ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2024-01-31", "2024-02-29", 1),  # last day of a shorter month reaches day 31
        ("2023-01-31", "2023-02-27", 0),
        ("2024-01-15", "2024-03-14", 1),
        ("2024-01-15", "2024-03-15", 2),
        ("2020-06-01", "2024-06-01", 48),
    ],
)
def test_age_counts_whole_calendar_months(start: str, end: str, months: int) -> None:
    from datetime import date

    assert months_between(date.fromisoformat(start), date.fromisoformat(end)) == months


def test_age_uses_the_last_change_strictly_before_now() -> None:
    lines = log(
        commit("c3", "2024-06-01", "Ann", "new.py"),
        commit("c2", "2024-05-31", "Ann", "a.py"),
        commit("c1", "2023-12-31", "Ann", "b.py"),
    )
    aged = table("age", lines, age_time_now="2024-06-01")
    assert aged == [("a.py", 0), ("b.py", 5)]  # new.py changed on "now" is not before it


def test_communication_strength() -> None:
    # Ann: a, b, c (3 entities); Bob: a (1). shared 1, average ceil(2) = 2, strength 50
    lines = log(
        commit("c2", "2024-01-02", "Bob", "a.py"),
        commit("c1", "2024-01-01", "Ann", "a.py", "b.py", "c.py"),
    )
    assert sorted(table("communication", lines)) == [
        ("Ann", "Bob", 1, 2, 50),
        ("Bob", "Ann", 1, 2, 50),
    ]


# --- transforms ------------------------------------------------------------------------


def test_temporal_period_merges_days_and_needs_a_full_window() -> None:
    rows = rows_of(
        log(
            commit("c2", "2024-01-02", "Bob", "b.py"),
            commit("c1", "2024-01-01", "Ann", "a.py"),
        )
    )
    windowed = sliding_windows(rows, 2)
    assert {(r.entity, r.rev) for r in windowed} == {("a.py", "2024-01-02"), ("b.py", "2024-01-02")}
    assert sliding_windows(rows, 3) == []  # two days of history, no 3-day window
    with pytest.raises(TransformError):
        sliding_windows(rows, 0)


def test_group_and_team_map(tmp_path: Path) -> None:
    groups = tmp_path / "groups.txt"
    groups.write_text("src/core => Core\n^test.*$ => Tests\n", encoding="utf-8")
    teams = tmp_path / "teams.csv"
    teams.write_text("author,team\nAnn,Red\nBob,Blue\n", encoding="utf-8")
    rows = rows_of(
        log(
            commit("c2", "2024-01-02", "Bob", "src/core/a.py", "tests/t.py", "docs/x.md"),
            commit("c1", "2024-01-01", "Ann", "src/core/b.py", "src/core/c.py"),
        )
    )
    prepared = prepare(rows, Options(), groups, teams)
    assert [(r.entity, r.author) for r in prepared] == [
        ("Core", "Blue"),
        ("Tests", "Blue"),
        ("Core", "Red"),
        ("Core", "Red"),
    ]
    revisions = run_analysis("revisions", prepared, Options())
    assert revisions.rows == (("Core", 3), ("Tests", 1))  # rows, not distinct commits


# --- Clojure order (values printed by Clojure 1.11) -------------------------------------


def _signed(value: int) -> int:
    return value - (1 << 32) if value & 0x80000000 else value


def test_clojure_hashes_match_clojure() -> None:
    assert _signed(clojure_order.string_hasheq("abc")) == 74834163
    assert _signed(clojure_order.keyword_hasheq("author")) == 2111686192
    assert _signed(clojure_order.submap_hasheq("author", "Adam Tornhill")) == -448140562
    assert _signed(clojure_order.pair_hasheq("a/b.c", "x/ü€😀.py")) == -632137203


def test_hash_map_order_matches_clojure_group_by() -> None:
    authors = [f"author{i}é" for i in range(20)]
    order = clojure_order.map_order(authors, lambda a: clojure_order.submap_hasheq("author", a))
    assert [int(a[6:-1]) for a in order] == [
        14, 5, 8, 2, 10, 3, 13, 17, 15, 16, 9, 18, 12, 0, 19, 4, 1, 7, 11, 6,
    ]  # fmt: skip
    assert clojure_order.map_order(authors[:8], lambda a: 0) == authors[:8]  # array map


# --- the command -------------------------------------------------------------------------


def test_history_command_writes_code_maat_csv(tmp_path: Path) -> None:
    git2 = tmp_path / "git2.log"
    git2.write_text("\n".join(SMALL) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app, ["history", "--log", str(git2), "-a", "revisions", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "entity,n-revs\na.py,4\nb.py,2\nc.py,1\n"
    bad = CliRunner().invoke(app, ["history", "--log", str(git2), "-a", "nonsense"])
    assert bad.exit_code != 0
