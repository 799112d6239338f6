"""Saved history states: a re-run after new commits merges them into the previous run's
aggregate instead of replaying every record, and gives exactly an uncached run's output;
whatever could change older numbers (a rename, a dropped path, a path with older
history, an unreadable commit that became readable) falls back to the replay."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from archscan.config import load_config
from archscan.history import store
from archscan.report.json_report import dumps
from test_history_cache import ANN, BOB, build, cached, day, uncached


def pack_tips(cache: Path) -> set[str]:
    """The newest commit of each names pack: a replay rewrites it, a merged state not."""
    opened, _ = store.open_store(cache)
    try:
        rows = opened._db.execute("SELECT tip FROM packs WHERE kind='names'").fetchall()
        return {str(row[0]) for row in rows}
    finally:
        opened.close()


def state_tips(cache: Path) -> set[str]:
    opened, _ = store.open_store(cache)
    try:
        return {str(row[0]) for row in opened._db.execute("SELECT tip FROM states")}
    finally:
        opened.close()


def head(repo) -> str:  # type: ignore[no-untyped-def]
    return str(repo.git("rev-parse", "HEAD").strip())


def test_new_commits_are_merged_into_the_saved_state(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    first = head(repo)
    assert state_tips(cache) == {first}
    repo.write("web/b.py", "b = 99\nmore = 1\n")
    repo.write("core/a.py", "a = 1\n")
    repo.write("web/new.py", "n = 1\n")  # a new path without older history
    repo.commit("one more", BOB, day(9))
    repo.write("web/b.py", "b = 100\n")
    repo.commit("and another", ANN, day(10))
    again = cached(repo.root, cache)
    assert pack_tips(cache) == {first}  # no replay: the packs were not rewritten
    assert head(repo) in state_tips(cache)
    fresh = uncached(repo.root)
    assert dumps(again) == dumps(fresh)
    assert again.history is not None and fresh.history is not None
    assert again.history.changesets == fresh.history.changesets
    assert dumps(cached(repo.root, cache)) == dumps(fresh)  # nothing new: the state as is


def test_a_rename_replays_the_older_history(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    repo.git("mv", "core/a.py", "core/renamed.py")
    repo.commit("rename", ANN, day(10))
    after = cached(repo.root, cache)
    assert head(repo) in pack_tips(cache)  # replayed
    assert dumps(after) == dumps(uncached(repo.root))


def test_a_deleted_file_replays(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    repo.git("rm", "-q", "web/c.py")
    repo.commit("delete", ANN, day(10))
    after = cached(repo.root, cache)
    assert head(repo) in pack_tips(cache)
    assert dumps(after) == dumps(uncached(repo.root))


def test_a_recreated_path_with_older_history_replays(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    repo.git("rm", "-q", "web/c.py")
    repo.commit("delete", ANN, day(10))
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    repo.write("web/c.py", "c = 'again'\n")
    repo.commit("re-create", BOB, day(11))
    after = cached(repo.root, cache)
    assert head(repo) in pack_tips(cache)
    fresh = uncached(repo.root)
    assert dumps(after) == dumps(fresh)
    assert fresh.history is not None
    assert {f.path: f.revisions for f in fresh.history.files}["web/c.py"] == 5  # 3 + 2


def test_a_damaged_state_is_only_a_miss(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    opened, _ = store.open_store(cache)
    try:
        with opened._transaction():
            opened._db.execute("UPDATE states SET state=?", (b"\x00not marshal",))
    finally:
        opened.close()
    repo.write("web/b.py", "b = 7\n")
    repo.commit("one more", BOB, day(9))
    after = cached(repo.root, cache)
    assert head(repo) in pack_tips(cache)
    assert dumps(after) == dumps(uncached(repo.root))


def test_an_unreadable_commit_that_becomes_readable_replays(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    blob = repo.git("rev-parse", "HEAD~3:core/a.py").strip()
    path = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    kept = tmp_path / "object"
    shutil.copy(path, kept)
    os.chmod(path, 0o644)
    os.remove(path)
    cache = tmp_path / "cache"
    first = cached(repo.root, cache)
    assert any(w.kind == "history-missing-objects" for w in first.warnings)
    repo.write("web/b.py", "b = 100\n")
    repo.commit("after", ANN, day(12))
    again = cached(repo.root, cache)  # still unreadable: merged into the state
    assert any(w.kind == "history-missing-objects" for w in again.warnings)
    assert head(repo) not in pack_tips(cache)
    assert dumps(again) == dumps(uncached(repo.root))
    shutil.copy(kept, path)  # the object arrives (a fetch into a partial clone)
    restored = cached(repo.root, cache)
    assert not any(w.kind == "history-missing-objects" for w in restored.warnings)
    assert dumps(restored) == dumps(uncached(repo.root))


def test_a_rename_into_the_reported_paths_replays(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file moved from a left-out folder: the paths only grow, but the older history of
    its old name now belongs to it (the rename itself says so)."""
    repo = build(make_repo)
    for n in range(3):
        repo.write("legacy/x.py", "".join(f"x{i} = {i}\n" for i in range(n + 3)))
        repo.commit(f"legacy {n}", BOB, day(10 + n))
    config = load_config(repo.root).with_cli((), ("legacy/**",))
    cache = tmp_path / "cache"
    cached(repo.root, cache, config)
    repo.git("mv", "legacy/x.py", "web/x.py")
    repo.commit("move", ANN, day(20))
    after = cached(repo.root, cache, config)
    assert head(repo) in pack_tips(cache)
    fresh = uncached(repo.root, config)
    assert dumps(after) == dumps(fresh)
    assert fresh.history is not None
    assert {f.path: f.revisions for f in fresh.history.files}["web/x.py"] == 4


def test_two_branches_run_in_turn_keep_a_state_each(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """main, a feature branch built on it, main again, a second commit on the feature:
    main's state is still there (with two kept, the feature's second state dropped it
    and main's next run replayed the whole history), and merging into it gives an
    uncached run's output."""
    repo = build(make_repo)
    cache = tmp_path / "cache"
    main = str(repo.git("rev-parse", "--abbrev-ref", "HEAD").strip())
    cached(repo.root, cache)
    trunk = head(repo)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("web/b.py", "b = 'feature'\n")
    repo.commit("feature one", BOB, day(9))
    cached(repo.root, cache)
    first = head(repo)
    repo.git("checkout", "-q", main)
    cached(repo.root, cache)
    repo.git("checkout", "-q", "feature")
    repo.write("web/b.py", "b = 'feature two'\n")
    repo.commit("feature two", ANN, day(10))
    cached(repo.root, cache)
    assert state_tips(cache) == {trunk, first, head(repo)}
    repo.git("checkout", "-q", main)
    repo.write("core/a.py", "a = 'main moves on'\n")
    repo.commit("main two", ANN, day(11))
    after = cached(repo.root, cache)
    assert pack_tips(cache) == {trunk}  # merged into main's state: no replay
    assert head(repo) in state_tips(cache)
    assert dumps(after) == dumps(uncached(repo.root))
