"""The parse cache: FileFacts keyed by (parser fingerprint, path, git blob id).

It lives in the user's cache directory (or ``--cache-dir``), never in the analysed
repository. A re-run after one commit re-parses only the files whose blob changed.
The fingerprint covers archscan's version and the source of every language plugin
and query, so a change to a parser invalidates its entries by itself.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import platformdirs

from archscan import __version__
from archscan.records import FileFacts

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


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("archscan"))


class FactsCache:
    """A small sqlite key-value store; all writes happen in the main process."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(directory / "facts.sqlite"), timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, value BLOB)")
        self._fingerprint = parser_fingerprint()

    def key(self, path: str, blob: str) -> str:
        return f"{self._fingerprint}:{blob}:{path}"

    def get_many(self, keys: Iterable[str]) -> dict[str, FileFacts]:
        found: dict[str, FileFacts] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, value FROM facts WHERE key IN ({marks})", chunk)
            for key, value in rows:
                try:
                    found[key] = pickle.loads(value)
                except Exception:  # noqa: BLE001 - a corrupt entry is a cache miss
                    continue
        return found

    def put_many(self, items: Mapping[str, FileFacts]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO facts VALUES (?, ?)",
                [(k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()
