"""Resolution results cached by everything they depend on, for re-runs.

Resolution is the most expensive step of a warm run once parsing is cached (0.6 s of
1.5 s on a 4,700-file repository, measured). Its inputs are the parsed files' facts, the
files discovery left out (a resolver must not see them), the resolver settings,
archscan's parsers and resolvers (the parse cache's fingerprint covers every language
plugin's source) and the text of the files resolvers read (configuration files).

A parsed file enters the key by what resolvers read of its facts - path, language,
namespace, imports (with their lines: dependencies carry them), definitions in order
(names, kinds; not their lines), references, member calls - not by its blob: an edit
inside function bodies (the usual commit) changes the blob, SLOC, complexity and
definition lines, none of which a resolver reads, so the stored result is still the
result. Other files enter by their blob; the paths whose text resolvers read are stored
with the result, with their blobs, and a result whose read files changed is a miss.
Any other change recomputes it whole: resolution is global (a new file or definition
can capture an import elsewhere), so per-file reuse is not safe.

A few entries (the last repositories / checkouts), least recently used dropped; an
unreadable entry or file is only a miss.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from archscan.cache import parser_fingerprint, paused_gc
from archscan.languages.base import ResolverSettings
from archscan.records import FileFacts, Resolution, SkippedFile, SourceFile

FILE_NAME = "resolutions.sqlite"
KEPT = 8


def resolution_key(
    files: Sequence[SourceFile],
    skipped: Sequence[SkippedFile],
    settings: ResolverSettings,
    scope: str = "",
    facts: Mapping[str, FileFacts] | None = None,
) -> str:
    """A digest of every input; ``scope`` is what else scopes resolution (boundaries).
    Files with ``facts`` enter by what resolvers read of them, the others by blob id."""
    facts = facts or {}
    parts = [f"resolution-v2\0{parser_fingerprint()}\0{settings!r}\0{scope}"]
    for file in sorted(files, key=lambda f: f.path):
        found = facts.get(file.path)
        content = _resolved_part(found) if found is not None else file.blob_id
        parts.append(f"\0f{file.path}\0{file.language}\0{content}")
    parts.extend(f"\0s{item.path}\0{item.reason}" for item in sorted(skipped, key=lambda s: s.path))
    # one update of the whole text (the same digest as one per part): each update of a
    # part over 2 KiB releases the GIL, and taking it back from the history's thread
    # made 4,400 updates cost 0.065 s on saleor
    return hashlib.sha256("".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _resolved_part(facts: FileFacts) -> str:
    """The facts resolvers read, as text (the repr of str/int/bool tuples is canonical).
    Definitions keep their order (a resolver may take a file's first type) but not their
    lines; SLOC, functions, parse errors and the generated flag are no resolver input."""
    return repr(
        (
            facts.language,
            facts.namespace,
            tuple(
                (i.target, i.line, i.kind, i.names, i.level, i.type_checking, i.local)
                for i in facts.imports
            ),
            tuple((d.name, d.kind, d.abstract) for d in facts.definitions),
            facts.references,
            facts.member_calls,
        )
    )


def read_blobs(files: Sequence[SourceFile], reads: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(path, blob id) of the files resolvers read: stored with the result."""
    blob_of = {f.path: f.blob_id for f in files}
    return tuple(sorted((path, blob_of.get(path, "")) for path in reads))


class ResolutionCache:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(directory / FILE_NAME), timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS resolutions (key TEXT PRIMARY KEY, value BLOB, used REAL)"
        )

    def get(self, key: str, files: Sequence[SourceFile] = ()) -> Resolution | None:
        """The stored result, when the files its resolvers read are unchanged in ``files``."""
        row = self._db.execute("SELECT value FROM resolutions WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        try:
            with paused_gc():
                value = pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - a damaged entry is a miss
            return None
        if not (isinstance(value, tuple) and len(value) == 2):
            return None
        resolution, reads = value
        if not isinstance(resolution, Resolution) or not isinstance(reads, tuple):
            return None
        if reads and read_blobs(files, (path for path, _ in reads)) != reads:
            return None  # a configuration file the resolvers read has changed
        self._db.execute("UPDATE resolutions SET used=? WHERE key=?", (time.time(), key))
        return resolution

    def put(
        self, key: str, resolution: Resolution, reads: tuple[tuple[str, str], ...] = ()
    ) -> None:
        blob = pickle.dumps((resolution, reads), protocol=pickle.HIGHEST_PROTOCOL)
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
