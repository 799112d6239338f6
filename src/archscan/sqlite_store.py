"""What archscan's SQLite caches share: open a store and prove it usable, and delete a
damaged one so it can be built again.

A store is usable when its header reads, WAL can be switched on, every table exists with
the columns this version of archscan expects, and one row of each can be read. Anything
else raises ``sqlite3.DatabaseError``; the caller deletes the file (``delete``) and opens
it once more (``reopen``), or goes on without a cache: a cache can only cost time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # in order, as ``PRAGMA table_info`` lists them
    definition: str  # the body of CREATE TABLE: "(a TEXT, b BLOB, PRIMARY KEY (a))"
    probe: tuple[str, ...] = ()  # columns read to prove a page readable (default: all)


def connect(path: Path, tables: Sequence[Table], timeout: float = 30) -> sqlite3.Connection:
    """Open the store, create what is missing and check the shape of every table."""
    db = sqlite3.connect(str(path), timeout=timeout)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        for table in tables:
            db.execute(f"CREATE TABLE IF NOT EXISTS {table.name} {table.definition}")
            columns = tuple(row[1] for row in db.execute(f"PRAGMA table_info({table.name})"))
            if columns != table.columns:
                raise sqlite3.DatabaseError(f"unexpected table shape {list(columns)}")
            probe = ", ".join(table.probe or table.columns)
            db.execute(f"SELECT {probe} FROM {table.name} LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def text(path: str) -> str:
    """A file path as SQLite text: undecodable file-name bytes (surrogates) cannot be
    stored as text, so such a path is stored as its bytes' hex."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "hex:" + path.encode("utf-8", "surrogateescape").hex()
    return path


def delete(path: Path) -> None:
    """The database file and its journals (what is left of them)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(OSError):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def reopen(path: Path, tables: Sequence[Table], timeout: float = 30) -> sqlite3.Connection:
    """Delete a damaged store and open a new one (raises when even that is unusable)."""
    delete(path)
    return connect(path, tables, timeout)
