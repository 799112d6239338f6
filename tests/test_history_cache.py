"""The history cache on real repositories: re-runs read only new commits from git and
give exactly the numbers (and raw changesets) of an uncached run."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from archscan.cli import app
from archscan.config import Config, load_config
from archscan.history import store
from archscan.history.reader import LogQuery, commit_ids, numstat_records, record_id
from archscan.pipeline import RunOptions, run
from archscan.records import Analysis
from archscan.report.json_report import dumps

ANN = "Ann <ann@example.com>"
BOB = "Bob <bob@example.com>"


def day(n: int) -> str:
    return f"2024-01-{n:02d}T12:00:00+00:00"


def cached(root: Path, cache: Path, config: Config | None = None) -> Analysis:
    return run(root, config or load_config(root), RunOptions(cache_dir=cache, jobs=2))


def uncached(root: Path, config: Config | None = None) -> Analysis:
    return run(root, config or load_config(root), RunOptions(use_cache=False, jobs=1))


def stored(cache: Path) -> dict[str, int]:
    opened, _problem = store.open_store(cache)
    try:
        return dict(opened.info().records)
    finally:
        opened.close()


def build(make_repo: Callable[..., object]):  # type: ignore[no-untyped-def]
    repo = make_repo()
    for i in range(1, 7):
        repo.write("core/a.py", "".join(f"a{j} = {j}\n" for j in range(i * 3)))
        repo.write("web/b.py", f"b = {i}\n")
        if i % 2:
            repo.write("web/c.py", f"c = {i}\n")
        repo.commit(f"change {i}", ANN if i % 3 else BOB, day(i))
    return repo


def test_rerun_reads_only_new_commits_and_equals_an_uncached_run(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    first = cached(repo.root, cache)
    assert dumps(first) == dumps(uncached(repo.root))
    assert stored(cache) == {"names": 6, "lines": 6}
    repo.write("web/b.py", "b = 99\nmore = 1\n")
    repo.commit("one more", BOB, day(9))
    again = cached(repo.root, cache)
    assert stored(cache) == {"names": 7, "lines": 7}  # one commit read from git
    fresh = uncached(repo.root)
    assert dumps(again) == dumps(fresh)
    assert again.history is not None and fresh.history is not None
    assert again.history.changesets == fresh.history.changesets
    assert again.history.changesets[0].files == ("web/b.py",)


def test_a_new_rename_remaps_the_cached_older_history(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    before = cached(repo.root, cache)
    assert before.history is not None
    assert {f.path for f in before.history.files} >= {"core/a.py"}
    repo.git("mv", "core/a.py", "core/renamed.py")
    repo.commit("rename", ANN, day(10))
    after = cached(repo.root, cache)
    assert after.history is not None
    revisions = {f.path: f.revisions for f in after.history.files}
    assert revisions["core/renamed.py"] == 7  # six older commits followed through the rename
    assert "core/a.py" not in revisions
    assert dumps(after) == dumps(uncached(repo.root))


def test_mailmap_change_is_a_new_shape(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    repo.write(".mailmap", "Robert <bob@example.com> Bob <bob@example.com>\n")
    repo.commit("mailmap", ANN, day(11))
    after = cached(repo.root, cache)
    assert after.history is not None
    assert "Robert" in {c.author for c in after.history.changesets}
    assert dumps(after) == dumps(uncached(repo.root))


def test_corrupt_and_foreign_files_are_rebuilt_and_said_once(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / store.FILE_NAME).write_bytes(b"this is not a database" * 100)
    first = cached(repo.root, cache)
    notes = [w for w in first.warnings if w.kind == "history-cache"]
    assert len(notes) == 1 and "rebuilt" in notes[0].message
    second = cached(repo.root, cache)
    assert not [w for w in second.warnings if w.kind == "history-cache"]
    assert second.history == first.history
    with sqlite3.connect(cache / store.FILE_NAME) as db:
        db.execute("UPDATE meta SET value='history-v0' WHERE key='format'")
    third = cached(repo.root, cache)
    notes = [w for w in third.warnings if w.kind == "history-cache"]
    assert len(notes) == 1 and "another version" in notes[0].message
    assert third.history == first.history


def test_size_bound_evicts_least_recently_used(tmp_path: Path) -> None:
    opened = store.HistoryStore(tmp_path / store.FILE_NAME, max_bytes=64 * 1024)
    try:
        old = {f"{i:040x}": os.urandom(2000) for i in range(40)}
        opened.put_many("names", "shape", old)
        full = opened.size()
        assert full > 64 * 1024  # today's rows stay past the bound
        # the old rows were last used long ago; new ones arrive today
        opened._db.execute("UPDATE names SET used = used - 10")
        new = {f"{i + 100:040x}": os.urandom(2000) for i in range(10)}
        opened.put_many("names", "shape", new)
        kept = opened.get_many("names", "shape", [*old, *new])
        assert set(kept) == set(new)  # every old row went, today's stayed
        assert opened.size() < full // 2
    finally:
        opened.close()


def test_records_unused_for_max_age_days_go_at_the_first_put_of_a_run(tmp_path: Path) -> None:
    path = tmp_path / store.FILE_NAME
    first = store.HistoryStore(path)
    try:
        first.put_many("names", "shape", {f"{i:040x}": b"old" for i in range(3)})
        first._db.execute("UPDATE names SET used = used - ?", (store.MAX_AGE_DAYS + 1,))
    finally:
        first.close()
    second = store.HistoryStore(path)
    deletes: list[str] = []
    second._db.set_trace_callback(lambda sql: deletes.append(sql) if "used <" in sql else None)
    try:
        second.put_many("names", "shape", {f"{i + 10:040x}": b"new" for i in range(2)})
        second.put_many("lines", "shape", {f"{i + 20:040x}": b"new" for i in range(2)})
        assert set(second.get_many("names", "shape", [f"{i:040x}" for i in range(3)])) == set()
        assert len(second.get_many("names", "shape", [f"{i + 10:040x}" for i in range(2)])) == 2
        assert len(deletes) == len(store._ALL)  # one age-out pass per table, not per put
    finally:
        second.close()


def test_line_pass_resumes_after_an_unreadable_commit(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    blob = repo.git("rev-parse", "HEAD~3:core/a.py").strip()
    os.remove(repo.root / ".git" / "objects" / blob[:2] / blob[2:])
    query = LogQuery()
    ids = commit_ids(repo.root, query)
    failed: list[str] = []
    records = numstat_records(repo.root, ids, query, failed)
    # the commit that wrote the blob and the one after it (which diffs against it) fail
    bad = {repo.git("rev-parse", f"HEAD~{n}").strip() for n in (2, 3)}
    assert set(failed) == bad
    assert [record_id(r) for r in records] == [i for i in ids if i not in bad]


def test_cache_info_and_clear(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    runner = CliRunner()
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert info.exit_code == 0, info.output
    assert "history" in info.output and "6" in info.output
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0, cleared.output
    assert not (cache / store.FILE_NAME).exists()
    assert not (cache / "facts.sqlite").exists()
    assert not (cache / "resolutions.sqlite").exists()
    assert not (cache / "stages.sqlite").exists()


def test_rewritten_history_does_not_reuse_the_old_pack(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    cache = tmp_path / "cache"
    cached(repo.root, cache)
    opened, _ = store.open_store(cache)
    try:
        ids = commit_ids(repo.root, LogQuery())
        found = opened.get_pack("names", _only_shape(opened), ids)
        assert found is not None and found[0] == 0 and len(found[1]) == 6
    finally:
        opened.close()
    repo.git("reset", "-q", "--hard", "HEAD~2")  # drop two commits, write two others
    for n in range(2):
        repo.write("core/a.py", f"rewritten = {n}\n")
        repo.commit(f"rewrite {n}", BOB, day(20 + n))
    assert dumps(cached(repo.root, cache)) == dumps(uncached(repo.root))


def _only_shape(opened: store.HistoryStore, kind: str = "names") -> str:
    query = "SELECT DISTINCT shape FROM packs WHERE kind=?"
    rows = opened._db.execute(query, (kind,)).fetchall()
    assert len(rows) == 1
    return str(rows[0][0])


def test_unreadable_commits_are_packed_as_stale_and_read_again(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(make_repo)
    blob = repo.git("rev-parse", "HEAD~3:core/a.py").strip()
    os.remove(repo.root / ".git" / "objects" / blob[:2] / blob[2:])
    cache = tmp_path / "cache"
    first = cached(repo.root, cache)
    assert any(w.kind == "history-missing-objects" for w in first.warnings)
    opened, _ = store.open_store(cache)
    try:
        ids = commit_ids(repo.root, LogQuery())
        found = opened.get_pack("lines", _only_shape(opened, "lines"), ids)
        assert found is not None and len(found[2]) == 2  # the two unreadable commits
    finally:
        opened.close()
    repo.write("web/b.py", "b = 100\n")
    repo.commit("after", ANN, day(12))
    again = cached(repo.root, cache)
    assert any(w.kind == "history-missing-objects" for w in again.warnings)
    assert dumps(again) == dumps(uncached(repo.root))
