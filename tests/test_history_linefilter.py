"""The line pass planned from the name pass (history/linefilter.py): commits and paths
whose lines never count are not diffed, and the numbers stay those of an unfiltered
pass, renames into left-out folders included."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from archscan.history import linefilter, store
from archscan.report.json_report import dumps
from test_history_cache import ANN, BOB, cached, day, uncached

BOT = "renovate[bot] <bot@example.com>"


def stored_filters(cache: Path) -> list[tuple[str, ...]]:
    opened, _ = store.open_store(cache)
    try:
        rows = opened._db.execute("SELECT items FROM filters").fetchall()
        return [marshal.loads(row[0]) for row in rows]
    finally:
        opened.close()


def line_rows(cache: Path) -> int:
    opened, _ = store.open_store(cache)
    try:
        return int(opened.info().records["lines"])
    finally:
        opened.close()


def no_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linefilter, "MAX_LITERALS", 0)
    monkeypatch.setattr(linefilter, "MAX_WILDCARDS", 0)


def body(lines: int, tag: str) -> str:
    return "".join(f"{tag} line {i}\n" for i in range(lines))


def legacy_repo(make_repo):  # type: ignore[no-untyped-def]
    """app/ lives on; legacy/ and a lock file were heavy, churned, and are gone."""
    repo = make_repo()
    for i in range(1, 9):
        repo.write("app/core.py", body(5 + i, "core"))
        repo.write("legacy/big.txt", body(400 + i, f"v{i}"))
        repo.write("deps.lock", body(300, f"lock{i}"))
        repo.commit(f"change {i}", ANN if i % 2 else BOB, day(i))
    repo.write("legacy/big.txt", body(500, "only legacy"))
    repo.commit("legacy only", ANN, day(10))  # a commit nothing reported changed
    repo.write("app/core.py", body(40, "bot"))
    repo.commit("bump", BOT, day(11))  # a bot's: its lines never count
    repo.remove("legacy/big.txt")
    repo.remove("deps.lock")
    repo.write("app/core.py", body(12, "core"))
    repo.commit("drop legacy", ANN, day(12))
    return repo


def test_left_out_paths_and_commits_change_no_number(
    make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    repo = legacy_repo(make_repo)
    cache = tmp_path / "cache"
    filtered = cached(repo.root, cache)
    (items,) = stored_filters(cache)
    assert ":(exclude,literal)legacy" in items
    assert any(item.endswith("deps.lock") or item.endswith(".lock") for item in items)
    assert line_rows(cache) == 9  # 11 commits: the legacy-only and the bot's not diffed
    assert dumps(filtered) == dumps(uncached(repo.root))
    no_filter(monkeypatch)
    plain = uncached(repo.root)
    assert dumps(filtered) == dumps(plain)
    assert plain.history is not None
    core = next(f for f in plain.history.files if f.path == "app/core.py")
    assert core.deleted > 0 and core.added > 0


def test_a_rename_into_a_left_out_folder_is_diffed_again(
    make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("a.py", body(30, "first a"))
    repo.write("x.py", "x = 1\n")
    repo.commit("add", ANN, day(1))
    (repo.root / "old").mkdir()
    repo.git("mv", "a.py", "old/a.py")
    repo.write("x.py", "x = 2\n")
    repo.commit("move a away", ANN, day(2))
    for i in range(3, 9):
        repo.write("old/a.py", body(300 + i, f"old {i}"))
        repo.write("x.py", f"x = {i}\n")
        repo.commit(f"old {i}", BOB, day(i))
    repo.git("rm", "-rq", "old")
    repo.write("a.py", body(7, "second a"))
    repo.commit("a new a.py", ANN, day(10))
    cache = tmp_path / "cache"
    filtered = cached(repo.root, cache)
    assert ":(exclude,literal)old" in stored_filters(cache)[0]
    # filtered, git shows the move's source as a deletion of 30 lines of a.py; the name
    # pass saw a rename, so that commit is diffed again without the filter
    assert filtered.history is not None
    a = next(f for f in filtered.history.files if f.path == "a.py")
    assert (a.added, a.deleted) == (7, 0)
    no_filter(monkeypatch)
    assert dumps(filtered) == dumps(uncached(repo.root))


def test_a_stored_filter_is_kept_until_a_path_it_leaves_out_counts(
    make_repo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    repo = legacy_repo(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    (first,) = stored_filters(cache)
    repo.write("app/core.py", body(3, "core"))
    repo.commit("small", BOB, day(13))
    cached(repo.root, cache)
    assert stored_filters(cache) == [first]
    repo.write("legacy/big.txt", body(2, "back"))  # its older history now counts
    repo.commit("legacy is back", ANN, day(14))
    again = cached(repo.root, cache)
    (now,) = stored_filters(cache)
    assert not any("legacy" in item for item in now)
    assert dumps(again) == dumps(uncached(repo.root))
    assert again.history is not None
    big = next(f for f in again.history.files if f.path == "legacy/big.txt")
    assert big.revisions == 11 and big.deleted > 0


def test_no_item_matches_a_counted_path_in_any_case() -> None:
    guard = linefilter._Guard(["Docs/Guide.MD", "src/app.py"])
    items = linefilter._candidates("docs/old/notes.md", guard)
    assert ":(exclude,literal)docs/old" in items  # the folder nothing counted lies in
    assert ":(exclude)*.md" not in items  # Guide.MD counts
    assert not guard.allows(":(exclude,literal)DOCS")
    assert not guard.allows(":(exclude)*/guide.md")
    assert guard.allows(":(exclude)*/notes.md")
    assert not guard.allows(":(exclude,glob)**/*.x")  # a form it never writes
    assert linefilter.pathspec([":(exclude)*/x.lock"]) == [
        ":(exclude)*/x.lock",
        ":(exclude,literal)x.lock",
    ]
