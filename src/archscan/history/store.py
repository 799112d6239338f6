"""The history cache: git's per-commit records in SQLite, beside the parse cache.

Each commit's name-status record and numstat record are stored as git wrote them (the
bytes after the record marker), keyed by the commit id and by a *shape*: a digest of
everything that changes what git writes for that commit (rename detection, full
messages, the analysed sub-folder, the ``.mailmap``, the line pass's exclude pathspec).
Commit ids name immutable content, so a record never goes stale; a re-run asks git only
for the commits it has not seen and replays every record through the aggregators.
Resolved names are never stored: one new rename remaps older history, and replaying
newest to oldest handles that exactly as a cold run does.

Safe under concurrent runs: WAL journal, a busy timeout, and every write in one
transaction (``INSERT OR IGNORE``: two runs storing the same commit agree). A file that
is not a database, is damaged, or was written by another format version is set aside
and rebuilt; the caller says so once. The size is bounded: records unused for
``MAX_AGE_DAYS`` go, and past ``max_bytes`` the least recently used go first.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "history-v4"
FILE_NAME = "history.sqlite"
MAX_AGE_DAYS = 90
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_BATCH = 900  # ids per query: below SQLite's oldest variable limit (999)
TABLES = ("names", "lines")  # the name pass and the line pass
PACKS_KEPT = 2  # whole-run packs per (table, shape): the last runs, e.g. two branches
# Saved states per key, the most recently used first (each a few MB: 4 MB on saleor).
# Three, so that two branches run in turn keep a state each: a branch's new state is
# written beside the one it was built on, and that one is used again when the user
# returns to its commit (``git reset``, a branch switch). With two, a commit on a
# feature branch dropped main's state and main's next run replayed all 19,000 commits
# (1.0 s instead of 0.13 s of history on saleor's re-run, measured).
STATES_KEPT = 3
_ALL = (*TABLES, "packs", "states", "filters")  # every table with a ``used`` day


def _today() -> int:
    return int(time.time() // 86400)


@dataclass(frozen=True)
class StoreInfo:
    path: str
    bytes: int
    records: Mapping[str, int]  # table -> rows
    shapes: int  # distinct option sets (repositories x options) stored
    format: str


class HistoryStore:
    """Records by (table, shape, commit id). Open with :func:`open_store`."""

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._aged_out = False  # records unused for MAX_AGE_DAYS deleted (once a run)
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._create()

    def _create(self) -> None:
        db = self._db
        with self._transaction():
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            found = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if found is None:
                db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
            elif found[0] != FORMAT:
                raise ForeignFormat(found[0])
            for table in TABLES:
                db.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (shape TEXT, id TEXT, record BLOB,"
                    " used INTEGER, PRIMARY KEY (shape, id)) WITHOUT ROWID"
                )
            # A pack: one run's parsed records of every commit, in history order, in one
            # blob (marshal): a re-run loads it at once instead of 20,000 rows to parse.
            db.execute(
                "CREATE TABLE IF NOT EXISTS packs (kind TEXT, shape TEXT, tip TEXT,"
                " count INTEGER, pack BLOB, used INTEGER, PRIMARY KEY (kind, shape, tip))"
            )
            # A state: one run's aggregate (history/state.py), so that a re-run after a
            # few new commits merges them in instead of replaying every record.
            db.execute(
                "CREATE TABLE IF NOT EXISTS states (key TEXT, tip TEXT, state BLOB,"
                " used INTEGER, PRIMARY KEY (key, tip))"
            )
            # The line filter (linefilter.py) the line records of a shape were read with.
            db.execute(
                "CREATE TABLE IF NOT EXISTS filters (shape TEXT PRIMARY KEY, items BLOB,"
                " used INTEGER)"
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def get_many(self, table: str, shape: str, ids: Sequence[str]) -> dict[str, bytes]:
        """Stored records of these commits; marks them used today (once a day per row)."""
        found: dict[str, bytes] = {}
        today = _today()
        for batch in _batches(ids):
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT id, record, used FROM {table} WHERE shape=? AND id IN ({marks})",
                (shape, *batch),
            )
            stale = []
            for commit, record, used in rows:
                found[commit] = record
                if used < today:
                    stale.append(commit)
            if stale:
                self._touch(table, shape, stale, today)
        return found

    def _touch(self, table: str, shape: str, ids: list[str], today: int) -> None:
        with self._transaction():
            self._db.executemany(
                f"UPDATE {table} SET used=? WHERE shape=? AND id=?",
                [(today, shape, commit) for commit in ids],
            )

    def put_many(self, table: str, shape: str, records: Mapping[str, bytes]) -> None:
        if not records:
            return
        today = _today()
        with self._transaction():
            self._db.executemany(
                f"INSERT OR IGNORE INTO {table} VALUES (?, ?, ?, ?)",
                [(shape, commit, record, today) for commit, record in records.items()],
            )
        self.evict()

    def get_pack(
        self, kind: str, shape: str, ids: Sequence[str]
    ) -> tuple[int, list[Any], set[str]] | None:
        """(start, entries, stale) of a stored pack whose commits are
        ``ids[start:start+n]`` exactly (the history the previous run saw, now below newer
        commits); ``stale``: its commits that were degraded or unreadable, to read again."""
        position = {commit: i for i, commit in enumerate(ids)}
        rows = self._db.execute(
            "SELECT tip, count FROM packs WHERE kind=? AND shape=? ORDER BY count DESC",
            (kind, shape),
        ).fetchall()
        for tip, count in rows:
            start = position.get(tip)
            if start is None or start + count > len(ids):
                continue
            blob = self._db.execute(
                "SELECT pack FROM packs WHERE kind=? AND shape=? AND tip=?", (kind, shape, tip)
            ).fetchone()
            try:
                packed_ids, entries, stale = marshal.loads(blob[0])
            except (TypeError, ValueError, EOFError):
                continue  # a damaged pack is only a miss
            if list(packed_ids) == list(ids[start : start + count]):
                self._touch_pack(kind, shape, tip)
                return start, entries, set(stale)
        return None

    def _touch_pack(self, kind: str, shape: str, tip: str) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE packs SET used=? WHERE kind=? AND shape=? AND tip=?",
                (_today(), kind, shape, tip),
            )

    def put_pack(
        self, kind: str, shape: str, ids: Sequence[str], entries: list[Any], stale: set[str]
    ) -> None:
        """Store this run's pack; only the newest PACKS_KEPT per (kind, shape) stay."""
        if not ids:
            return
        blob = marshal.dumps((tuple(ids), entries, tuple(sorted(stale))))
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO packs VALUES (?, ?, ?, ?, ?, ?)",
                (kind, shape, ids[0], len(ids), blob, _today()),
            )
            self._db.execute(
                "DELETE FROM packs WHERE kind=? AND shape=? AND tip NOT IN (SELECT tip FROM"
                " packs WHERE kind=? AND shape=? ORDER BY used DESC, rowid DESC LIMIT ?)",
                (kind, shape, kind, shape, PACKS_KEPT),
            )
        self.evict()

    def state_tips(self, key: str) -> list[str]:
        """The tips of the states stored under ``key``, most recently used first (the
        states themselves are megabytes: read one only when its tip is wanted)."""
        rows = self._db.execute(
            "SELECT tip FROM states WHERE key=? ORDER BY used DESC, rowid DESC", (key,)
        ).fetchall()
        return [str(row[0]) for row in rows]

    def get_state(self, key: str, tip: str) -> bytes | None:
        row = self._db.execute(
            "SELECT state FROM states WHERE key=? AND tip=?", (key, tip)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def touch_state(self, key: str, tip: str) -> None:
        with self._transaction():
            self._touch_state(key, tip)

    def _touch_state(self, key: str, tip: str) -> None:
        """Mark a state used now: ``used`` is a day, so within one the order of use is
        the rowid's, which a use moves to the newest (SQLite lets a rowid table's rowid
        change; no row refers to it)."""
        self._db.execute(
            "UPDATE states SET used=?, rowid=(SELECT MAX(rowid) + 1 FROM states)"
            " WHERE key=? AND tip=?",
            (_today(), key, tip),
        )

    def put_state(self, key: str, tip: str, state: bytes, base: str | None = None) -> None:
        """Store a state; ``base``: the tip of the state it was built on, used now too.
        Only the STATES_KEPT most recently used per key stay."""
        with self._transaction():
            if base is not None:
                self._touch_state(key, base)
            self._db.execute(
                "INSERT OR REPLACE INTO states VALUES (?, ?, ?, ?)", (key, tip, state, _today())
            )
            self._db.execute(
                "DELETE FROM states WHERE key=? AND tip NOT IN (SELECT tip FROM states"
                " WHERE key=? ORDER BY used DESC, rowid DESC LIMIT ?)",
                (key, key, STATES_KEPT),
            )
        self.evict()

    def get_filter(self, shape: str) -> bytes | None:
        row = self._db.execute("SELECT items, used FROM filters WHERE shape=?", (shape,)).fetchone()
        if row is None:
            return None
        if row[1] < _today():
            with self._transaction():
                self._db.execute("UPDATE filters SET used=? WHERE shape=?", (_today(), shape))
        return bytes(row[0])

    def put_filter(self, shape: str, items: bytes) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO filters VALUES (?, ?, ?)", (shape, items, _today())
            )

    def size(self) -> int:
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        page = self._db.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * page)

    def evict(self) -> None:
        """Old records first (unused for MAX_AGE_DAYS), then the least recently used, a
        day at a time, until the file is back under 3/4 of its bound (records used today
        stay: they are this run's)."""
        if not self._aged_out:
            # Once per store opened (a run puts three times): each DELETE scans its whole
            # table, 0.03-0.05 s on saleor's 19,000 commits, and finds nothing new the
            # second time that day.
            cutoff = _today() - MAX_AGE_DAYS
            with self._transaction():
                for table in _ALL:
                    self._db.execute(f"DELETE FROM {table} WHERE used < ?", (cutoff,))
            self._aged_out = True
        while self.size() > self.max_bytes * 3 // 4 and self._drop_oldest_day():
            pass

    def _drop_oldest_day(self) -> bool:
        oldest = [
            row[0]
            for table in _ALL
            for row in self._db.execute(f"SELECT MIN(used) FROM {table}")
            if row[0] is not None
        ]
        if not oldest or min(oldest) >= _today():
            return False  # what this run uses stays, even past the bound
        day = min(oldest)
        with self._transaction():
            for table in _ALL:
                self._db.execute(f"DELETE FROM {table} WHERE used <= ?", (day,))
        return True

    def info(self) -> StoreInfo:
        records = {
            table: self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in TABLES
        }
        shapes = self._db.execute(
            " UNION ".join(f"SELECT shape FROM {table}" for table in TABLES)
        ).fetchall()
        return StoreInfo(str(self.path), _file_bytes(self.path), records, len(shapes), FORMAT)

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._db.close()


class ForeignFormat(Exception):
    """The file was written by another format version of the history cache."""


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (the write lock up front: no deadlock between two
    readers that both want to write), ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, trace: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")


def _batches(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start : start + _BATCH]


def _file_bytes(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):
            total += os.stat(f"{path}{suffix}").st_size
    return total


def _set_aside(path: Path) -> None:
    """Remove a damaged or foreign file (and its WAL) so that a new one can be made."""
    for suffix in ("", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def _check(store: HistoryStore) -> None:
    """A damaged file can open fine and fail later: check the pages now (cheap: the file
    holds compact text records, tens of MB for a large repository)."""
    row = store._db.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise sqlite3.DatabaseError(f"quick_check: {row[0] if row else 'no answer'}")


def open_store(
    directory: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[HistoryStore, str | None]:
    """The store in ``directory`` and, when an unusable file had to be rebuilt, why."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAME
    try:
        store = HistoryStore(path, max_bytes)
        _check(store)
        return store, None
    except ForeignFormat as exc:
        reason = f"written by another version ({exc})"
    except sqlite3.DatabaseError as exc:
        reason = f"unreadable ({exc})"
    with suppress(NameError):
        store.close()
    _set_aside(path)
    return HistoryStore(path, max_bytes), reason


def clear(directory: Path) -> list[Path]:
    """Delete the history cache files in ``directory``; the paths removed."""
    removed = []
    for suffix in ("", "-wal", "-shm"):
        path = directory / f"{FILE_NAME}{suffix}"
        with suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def records_in_order(ids: Iterable[str], found: Mapping[str, bytes]) -> Iterator[bytes]:
    for commit in ids:
        record = found.get(commit)
        if record is not None:
            yield record
