"""Resolution results cached by everything they depend on, for unchanged re-runs.

Resolution is the most expensive step of a warm run once parsing is cached (0.6 s of
1.5 s on a 4,700-file repository, measured). Its inputs are the parsed files (by path,
language and blob id), the files discovery left out (a resolver must not see them), the
resolver settings and archscan's parsers and resolvers (the parse cache's fingerprint
covers every language plugin's source). When all of them are unchanged, the stored
result is the result. Any change - one file edited - recomputes it whole: resolution is
global (a new file can capture an import elsewhere), so partial reuse is not safe.

A few entries (the last repositories / checkouts), least recently used dropped; an
unreadable entry or file is only a miss.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from archscan.cache import parser_fingerprint
from archscan.languages.base import ResolverSettings
from archscan.records import Resolution, SkippedFile, SourceFile

FILE_NAME = "resolutions.sqlite"
KEPT = 8


def resolution_key(
    files: Sequence[SourceFile],
    skipped: Sequence[SkippedFile],
    settings: ResolverSettings,
    scope: str = "",
) -> str:
    """A digest of every input; ``scope`` is what else scopes resolution (boundaries)."""
    text = f"resolution-v1\0{parser_fingerprint()}\0{settings!r}\0{scope}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape"))
    for file in sorted(files, key=lambda f: f.path):
        digest.update(
            f"\0f{file.path}\0{file.language}\0{file.blob_id}".encode("utf-8", "surrogateescape")
        )
    for item in sorted(skipped, key=lambda s: s.path):
        digest.update(f"\0s{item.path}\0{item.reason}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class ResolutionCache:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(directory / FILE_NAME), timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS resolutions (key TEXT PRIMARY KEY, value BLOB, used REAL)"
        )

    def get(self, key: str) -> Resolution | None:
        row = self._db.execute("SELECT value FROM resolutions WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        try:
            value = pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - a damaged entry is a miss
            return None
        if not isinstance(value, Resolution):
            return None
        self._db.execute("UPDATE resolutions SET used=? WHERE key=?", (time.time(), key))
        return value

    def put(self, key: str, resolution: Resolution) -> None:
        blob = pickle.dumps(resolution, protocol=pickle.HIGHEST_PROTOCOL)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO resolutions VALUES (?, ?, ?)", (key, blob, time.time())
            )
            self._db.execute(
                "DELETE FROM resolutions WHERE key NOT IN (SELECT key FROM resolutions"
                " ORDER BY used DESC LIMIT ?)",
                (KEPT,),
            )
            self._db.execute("COMMIT")
        except sqlite3.Error:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._db.close()


def open_resolution_cache(directory: Path) -> ResolutionCache | None:
    """None when the file cannot be used (the run resolves; nothing is stored)."""
    try:
        return ResolutionCache(directory)
    except sqlite3.DatabaseError:
        with suppress(OSError):
            (directory / FILE_NAME).unlink()
        try:
            return ResolutionCache(directory)
        except (OSError, sqlite3.Error):
            return None
    except OSError:
        return None
