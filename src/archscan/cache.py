"""The parse cache: FileFacts keyed by (parser fingerprint, path, git blob id).

It lives in the user's cache directory (or ``--cache-dir``), never in the analysed
repository. A re-run after one commit re-parses only the files whose blob changed.
The fingerprint covers archscan's version and the source of every language plugin
and query, so a change to a parser invalidates its entries by itself.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import platformdirs

from archscan import __version__, sqlite_store
from archscan.records import AnalysisWarning, FileFacts
from archscan.sqlite_store import Table

_SCHEMA = "facts-v1"


def blob_id(content: bytes) -> str:
    """git's blob id (sha1 of ``blob <size>\\0<content>``): equal to ``git hash-object``."""
    digest = hashlib.sha1(b"blob %d\0" % len(content), usedforsecurity=False)
    digest.update(content)
    return digest.hexdigest()


@cache
def parser_fingerprint() -> str:
    import archscan.languages as languages

    digest = hashlib.sha256(f"{_SCHEMA}:{__version__}".encode())
    base = Path(languages.__file__).parent
    for path in sorted(base.rglob("*")):
        if path.suffix in (".py", ".scm"):
            digest.update(path.relative_to(base).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while many records are unpickled, and what exists
    then is frozen (``gc.freeze``: left out of later collections). The records are
    long-lived and hold no cycles (reference counting still frees them), yet the
    collector would scan them again and again as the run allocates: unpickling saleor's
    4,400 FileFacts, then allocating as a run does, costs 0.52 s of CPU with the
    collector, the same when it is only paused, 0.18-0.35 s frozen (measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("archscan"))


class FactsCache:
    """A small sqlite key-value store; all writes happen in the main process.

    A cache that is damaged (a corrupt header or page: ``file is not a database``,
    ``database disk image is malformed``) or written by another version (another table
    shape: ``no such column``) is deleted and rebuilt, once per run, and ``warnings`` says
    so: a cache can only cost time, never the analysis.
    """

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._path = directory / "facts.sqlite"
        self._fingerprint = parser_fingerprint()
        self.warnings: list[AnalysisWarning] = []
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite_store.connect(self._path, _TABLES)
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)

    def _rebuild(self, problem: Exception) -> None:
        """Delete the damaged database and start an empty one (or go without a cache)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self.warnings:  # rebuilt once already: this run goes on without a cache
            return
        try:
            self._db = sqlite_store.reopen(self._path, _TABLES)
            message = f"parse cache {self._path} was unusable ({problem}): rebuilt"
        except sqlite3.DatabaseError as exc:
            message = f"parse cache {self._path} is unusable ({exc}): not cached"
        self.warnings.append(AnalysisWarning("", "cache", message))

    def key(self, path: str, blob: str) -> str:
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            # undecodable file-name bytes (surrogates) cannot be sqlite text: their hex
            path = "hex:" + path.encode("utf-8", "surrogateescape").hex()
        return f"{self._fingerprint}:{blob}:{path}"

    def get_many(self, keys: Iterable[str]) -> dict[str, FileFacts]:
        found: dict[str, FileFacts] = {}
        wanted = list(keys)
        try:
            with paused_gc():
                for start in range(0, len(wanted), 500):
                    found.update(self._get_chunk(wanted[start : start + 500]))
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            return {}
        return found

    def _get_chunk(self, chunk: list[str]) -> dict[str, FileFacts]:
        found: dict[str, FileFacts] = {}
        if self._db is None:
            return found
        marks = ",".join("?" * len(chunk))
        rows = self._db.execute(f"SELECT key, value FROM facts WHERE key IN ({marks})", chunk)
        for key, value in rows:
            try:
                found[key] = pickle.loads(value)
            except Exception:  # noqa: BLE001 - a corrupt entry is a cache miss
                continue
        return found

    def put_many(
        self, items: Mapping[str, FileFacts], pickled: Mapping[str, bytes] | None = None
    ) -> None:
        """Store ``items``; ``pickled``: some of them pickled already (by a worker)."""
        done = pickled or {}
        rows = [
            (k, done.get(k) or pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL))
            for k, v in items.items()
        ]
        for _attempt in range(2):
            if self._db is None:
                return
            try:
                with self._db:
                    self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?)", rows)
                return
            except sqlite3.DatabaseError as exc:
                self._rebuild(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


_TABLES = (Table("facts", ("key", "value"), "(key TEXT PRIMARY KEY, value BLOB)"),)
