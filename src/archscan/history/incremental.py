"""Both history passes through the history cache: git reads only the commits not seen.

The commit ids come from ``git rev-list`` (cheap: no diffs); the stored records of those
ids are read from the store, the rest from git in parallel chunks, stored, and every
record is handed back in history order for the aggregators to replay. What shapes a
record (options, sub-folder, ``.mailmap``, exclude pathspec) is part of its key.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sqlite3
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from archscan import gitio
from archscan.history.reader import (
    LogQuery,
    _in_order,
    name_records,
    numstat_of,
    numstat_records,
    parse_name_record,
    record_id,
)
from archscan.history.store import FORMAT, HistoryStore, open_store

Advance = Callable[[int], None]
T = TypeVar("T")


@dataclass(frozen=True)
class Shapes:
    names: str
    lines: str


def _mailmap_digest(root: Path) -> str:
    """What ``--use-mailmap`` reads: the top-level ``.mailmap`` (as a file, or the link
    text of a symlink: never followed) and the mailmap/diff settings of the repository."""
    top = gitio.run_git(root, ["rev-parse", "--show-toplevel"], check=False).strip()
    digest = hashlib.sha256()
    path = os.path.join(os.fsdecode(top), ".mailmap") if top else ""
    try:
        info = os.lstat(path) if path else None
    except OSError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        digest.update(b"link:" + os.fsencode(os.readlink(path)))
    elif info is not None and stat.S_ISREG(info.st_mode):
        with open(path, "rb") as handle:
            digest.update(handle.read(1 << 22))
    settings = gitio.run_git(root, ["config", "--get-regexp", r"^(mailmap|diff)\."], check=False)
    digest.update(b"\0config\0" + settings)
    return digest.hexdigest()


def shapes(root: Path, query: LogQuery, line_query: LogQuery) -> Shapes:
    """The keys of the records that these queries produce in this repository."""
    prefix = gitio.run_git(root, ["rev-parse", "--show-prefix"], check=False).strip()
    common = [FORMAT, prefix.decode("utf-8", "surrogateescape"), str(query.follow_renames)]
    names = [*common, "names", str(query.messages), _mailmap_digest(root), *query.pathspec]
    lines = [*common, "lines", *line_query.pathspec]
    return Shapes(_digest(names), _digest(lines))


def filtered_shape(lines_shape: str, excludes: Sequence[str]) -> str:
    """The key of line records read with the line filter's items on top."""
    return _digest([lines_shape, "filter", *excludes]) if excludes else lines_shape


def _digest(parts: Sequence[str]) -> str:
    text = "\0".join(parts).encode("utf-8", "surrogateescape")
    return hashlib.sha256(text).hexdigest()[:32]


ChunkReader = Callable[[Path, Sequence[str], LogQuery, list[str]], list[bytes]]


@dataclass
class CachedReader:
    """One run's view of the store (None when it became unusable during the run)."""

    store: HistoryStore | None
    root: Path
    jobs: int
    advance: Advance
    problem: str | None = None  # why the store was rebuilt or given up, said once
    # the saved state's write, when the caller makes it later (see :meth:`put_state`)
    deferred: list[Callable[[], None]] | None = None

    def read(
        self,
        table: str,
        shape: str,
        ids: Sequence[str],
        query: LogQuery,
        reader: ChunkReader,
        lost: list[str],
        parse: Callable[[bytes], Any],
        pack: bool = True,
    ) -> list[Any]:
        """Parsed records aligned with ``ids`` (None where git had none). The previous
        run's pack covers the commits it saw; the rest come from stored rows, then git.
        Commits in ``lost`` (degraded or unreadable) are never stored, so that a later
        run tries them again. ``pack=False``: a few new commits (a saved state covers
        the rest), read from rows or git and stored as rows only, the packs left alone."""
        start, packed, stale = self._get_pack(table, shape, ids) if pack else (0, [], set())
        end = start + len(packed)
        self.advance(len(packed) - len(stale))
        again = [commit for commit in ids[start:end] if commit in stale]
        rest = [*ids[:start], *again, *ids[end:]]
        found = self._get(table, shape, rest)
        self.advance(len(found))
        missing = [commit for commit in rest if commit not in found]

        def work(root: Path, chunk: Sequence[str], query: LogQuery) -> list[bytes]:
            return reader(root, chunk, query, lost)

        fresh: dict[str, bytes] = {}
        for records in _in_order(work, self.root, missing, query, self.jobs):
            for record in records:
                fresh[record_id(record)] = record
            self.advance(len(records))
        skip = set(lost)
        self._put(table, shape, {k: v for k, v in fresh.items() if k not in skip})
        found.update(fresh)
        entries = [parse(found[c]) if c in found else None for c in ids[:start]]
        entries += [
            (parse(found[c]) if c in found else None) if c in stale else packed[i]
            for i, c in enumerate(ids[start:end])
        ]
        entries += [parse(found[c]) if c in found else None for c in ids[end:]]
        if pack and len(packed) != len(ids):
            # degraded or unreadable commits are marked stale: read again next run
            self._put_pack(table, shape, ids, entries, set(lost))
        return entries

    def _get_pack(
        self, table: str, shape: str, ids: Sequence[str]
    ) -> tuple[int, list[Any], set[str]]:
        if self.store is None:
            return 0, [], set()
        try:
            found = self.store.get_pack(table, shape, ids)
        except sqlite3.DatabaseError as exc:
            self._give_up(f"unreadable ({exc})")
            return 0, [], set()
        return found or (0, [], set())

    def _put_pack(
        self, table: str, shape: str, ids: Sequence[str], entries: list[Any], stale: set[str]
    ) -> None:
        if self.store is None:
            return
        try:
            self.store.put_pack(table, shape, ids, entries, stale)
        except sqlite3.OperationalError as exc:
            self.problem = self.problem or f"not updated ({exc})"
        except sqlite3.DatabaseError as exc:
            self._give_up(f"unreadable ({exc})")

    def _get(self, table: str, shape: str, ids: Sequence[str]) -> dict[str, bytes]:
        if self.store is None:
            return {}
        try:
            return self.store.get_many(table, shape, ids)
        except sqlite3.DatabaseError as exc:
            self._give_up(f"unreadable ({exc})")
            return {}

    def _put(self, table: str, shape: str, records: dict[str, bytes]) -> None:
        if self.store is None:
            return
        try:
            self.store.put_many(table, shape, records)
        except sqlite3.OperationalError as exc:
            # locked past the timeout or a full disk: this run is right, only not stored
            self.problem = self.problem or f"not updated ({exc})"
        except sqlite3.DatabaseError as exc:
            self._give_up(f"unreadable ({exc})")

    def _give_up(self, reason: str) -> None:
        """A file damaged under a running analysis: read from git, rebuild next run."""
        assert self.store is not None
        path = self.store.path
        self.store.close()
        self.store = None
        self.problem = self.problem or reason
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{path}{suffix}")
            except OSError:
                continue

    def state_tips(self, key: str) -> list[str]:
        return self._query(lambda store: store.state_tips(key), [])

    def get_state(self, key: str, tip: str) -> bytes | None:
        return self._query(lambda store: store.get_state(key, tip), None)

    def _query(self, action: Callable[[HistoryStore], T], default: T) -> T:
        if self.store is None:
            return default
        try:
            return action(self.store)
        except sqlite3.DatabaseError as exc:
            self._give_up(f"unreadable ({exc})")
            return default

    def touch_state(self, key: str, tip: str) -> None:
        self._write(lambda store: store.touch_state(key, tip))

    def put_state(
        self, key: str, tip: str, state: Callable[[], bytes], base: str | None = None
    ) -> None:
        """Keep the state (``state()`` makes its bytes; ``base``: the state's it was built
        on); where ``deferred`` is a list, only once :meth:`flush` runs (the mining child
        dumps and writes it after sending the history: 0.05 s of writing on saleor that
        only the next run needs)."""
        write = partial(self._write, lambda store: store.put_state(key, tip, state(), base))
        if self.deferred is not None:
            self.deferred.append(write)
        else:
            write()

    def flush(self) -> None:
        """The deferred writes, then close."""
        for write in self.deferred or ():
            write()
        self.deferred = None
        self.close()

    def get_filter(self, lines_shape: str) -> tuple[str, ...] | None:
        """The line filter the last run of these records used (linefilter.py)."""
        if self.store is None:
            return None
        try:
            blob = self.store.get_filter(lines_shape)
        except sqlite3.DatabaseError as exc:
            self._give_up(f"unreadable ({exc})")
            return None
        try:
            items = marshal.loads(blob) if blob is not None else None
        except (EOFError, ValueError, TypeError):
            return None  # a damaged row: choose again
        if isinstance(items, tuple) and all(isinstance(i, str) for i in items):
            return items
        return None

    def put_filter(self, lines_shape: str, items: tuple[str, ...]) -> None:
        self._write(lambda store: store.put_filter(lines_shape, marshal.dumps(items)))

    def _write(self, action: Callable[[HistoryStore], None]) -> None:
        if self.store is None:
            return
        try:
            action(self.store)
        except sqlite3.OperationalError as exc:
            self.problem = self.problem or f"not updated ({exc})"
        except sqlite3.DatabaseError as exc:
            self._give_up(f"unreadable ({exc})")

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def open_reader(directory: Path, root: Path, jobs: int, advance: Advance) -> CachedReader:
    try:
        store, problem = open_store(directory)
    except (OSError, sqlite3.Error) as exc:
        return CachedReader(None, root, jobs, advance, f"unavailable ({exc})")
    return CachedReader(store, root, jobs, advance, problem and f"rebuilt: it was {problem}")


# Parsed records, as packs hold them (marshal: plain tuples of str and int only).
NameEntry = tuple[str, str, str, int, str, tuple[tuple[str, str, str], ...]]
LineEntry = tuple[str, tuple[tuple[str, str, int, int], ...]]


def name_entry(record: bytes) -> NameEntry | None:
    info = parse_name_record(record)
    if info is None:
        return None
    files = tuple((f.path, f.status, f.old_path) for f in info.files)
    return (info.id, info.author, info.email, info.timestamp, info.message, files)


def line_entry(record: bytes) -> LineEntry:
    return (record_id(record), tuple(numstat_of(record)))


def read_names(
    cached: CachedReader,
    shape: str,
    ids: Sequence[str],
    query: LogQuery,
    degraded: list[str],
    pack: bool = True,
) -> list[NameEntry | None]:
    return cached.read("names", shape, ids, query, name_records, degraded, name_entry, pack)


def read_lines(
    cached: CachedReader,
    shape: str,
    ids: Sequence[str],
    query: LogQuery,
    failed: list[str],
    pack: bool = True,
) -> list[LineEntry | None]:
    return cached.read("lines", shape, ids, query, numstat_records, failed, line_entry, pack)


def renames_in(entry: NameEntry) -> bool:
    """True when the commit renamed (or copied) a file: older names would resolve anew."""
    return any(status in ("R", "C") for _path, status, _old in entry[5])
