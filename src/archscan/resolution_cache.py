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

Any other change resolves again, but not always every file: resolution is global (a new
file or definition can capture an import elsewhere), yet a resolver that declares what
its per-file ``resolve`` reads (``incremental_index()`` and ``lookups()``,
docs/languages.md: Python's is its index of module names) lets a file whose facts and
looked-up answers are unchanged keep its last result. The ``bases`` table keeps, per
repository root, the key of its last resolution, each file's facts digest by blob and
the incremental resolvers' indexes and lookups: a miss starts from it.

A few entries (the last repositories / checkouts), least recently used dropped; an
unreadable entry or file is only a miss.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from archscan.cache import parser_fingerprint, paused_gc
from archscan.languages.base import ResolverSettings
from archscan.records import (
    Dependency,
    ExternalDependency,
    FileFacts,
    Resolution,
    SkippedFile,
    SourceFile,
)
from archscan.resolve import FileResolution, Reusable

FILE_NAME = "resolutions.sqlite"
KEPT = 8


Known = Mapping[str, tuple[str, str | None, bytes]]  # path -> (blob, language, part digest)


@dataclass(frozen=True)
class ResolutionInputs:
    """The digest of every input (``key``); of what every resolver sees besides the
    files (``context``: archscan's parsers and resolvers, Python's version, the
    settings, the boundaries' configuration); of each parsed file's resolver-visible
    facts (``parts``), and those digests by blob for the next run (``known``)."""

    key: str
    context: str
    parts: Mapping[str, bytes]
    known: Known


def resolution_inputs(
    files: Sequence[SourceFile],
    skipped: Sequence[SkippedFile],
    settings: ResolverSettings,
    scope: str = "",
    facts: Mapping[str, FileFacts] | None = None,
    *,
    assignment: str = "",
    known: Known | None = None,
) -> ResolutionInputs:
    """``scope``: the boundaries' configuration; ``assignment``: each file's boundary
    (in the key, not the context: an incremental resolver's index holds the files'
    boundaries). Files with ``facts`` enter by what resolvers read of them, the others
    by blob id. ``known``: a previous run's digests, taken for a file whose blob and
    language are the same (its facts are: the parse cache keys them by blob)."""
    facts = facts or {}
    known = known or {}
    context = f"resolution-v3\0{parser_fingerprint()}\0{sys.version}\0{settings!r}\0{scope}"
    parts = [context, "\0a", assignment]
    digests: dict[str, bytes] = {}
    memo: dict[str, tuple[str, str | None, bytes]] = {}
    for file in sorted(files, key=_path):
        path, language, blob = file.path, file.language, file.blob_id
        found = facts.get(path)
        if found is None:
            parts.append(f"\0f{path}\0{language}\0{blob}")
            continue
        entry = known.get(path)
        if not (blob and _still(entry, blob, language)):
            entry = (blob, language, _digest(f"{language}\0{_resolved_part(found)}"))
        digests[path] = entry[2]
        memo[path] = entry
        parts.append(f"\0f{path}\0{language}\0{entry[2].hex()}")
    parts.extend(f"\0s{item.path}\0{item.reason}" for item in sorted(skipped, key=lambda s: s.path))
    key = hashlib.sha256("".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return ResolutionInputs(key, _digest(context).hex(), digests, memo)


def _path(file: SourceFile) -> str:
    return file.path


def _still(
    entry: object, blob: str, language: str | None
) -> TypeGuard[tuple[str, str | None, bytes]]:
    """Is a previous run's ``known`` entry (unpickled: any shape) the digest of a file of
    this blob and language? One test per part, no tuples built (4,600 files a run)."""
    return (
        isinstance(entry, tuple)
        and len(entry) == 3
        and entry[0] == blob
        and entry[1] == language
        and isinstance(entry[2], bytes)
    )


def _digest(text: str) -> bytes:
    # 16 bytes of BLAKE2b per file: 4,400 of them took 0.008 s on saleor
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).digest()


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


@dataclass(frozen=True)
class Base:
    """A repository root's last resolution: its key and the digests of its files' facts
    (read first: they make the next key cheap)."""

    key: str
    known: Known


class ResolutionCache:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(directory / FILE_NAME), timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS resolutions (key TEXT PRIMARY KEY, value BLOB, used REAL)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS bases (root TEXT PRIMARY KEY, key TEXT, known BLOB,"
            " reuse BLOB)"
        )

    def _entry(self, key: str) -> tuple[Resolution, tuple[tuple[str, str], ...]] | None:
        row = self._db.execute("SELECT value FROM resolutions WHERE key=?", (key,)).fetchone()
        value = _loaded(row[0]) if row else None
        if not (isinstance(value, tuple) and len(value) == 2):
            return None
        resolution, reads = value
        if not isinstance(resolution, Resolution) or not isinstance(reads, tuple):
            return None
        return resolution, reads

    def get(self, key: str, files: Sequence[SourceFile] = ()) -> Resolution | None:
        """The stored result, when the files its resolvers read are unchanged in ``files``.
        (A root's base stays what it was: its digests and per-file results hold for any
        later run, which compares them.)"""
        entry = self._entry(key)
        if entry is None:
            return None
        resolution, reads = entry
        if reads and read_blobs(files, (path for path, _ in reads)) != reads:
            return None  # a configuration file the resolvers read has changed
        # Marked used unless it is the newest already (no other entry as new): a re-run's
        # hit then writes nothing, where the write and the checkpoint at close took
        # 0.008 s; which entries are dropped (the oldest) is the same.
        self._db.execute(
            "UPDATE resolutions SET used=?1 WHERE key=?2"
            " AND used <= (SELECT MAX(used) FROM resolutions WHERE key != ?2)",
            (time.time(), key),
        )
        return resolution

    def base(self, root: str) -> Base | None:
        row = self._db.execute("SELECT key, known FROM bases WHERE root=?", (root,)).fetchone()
        known = _loaded(row[1]) if row else None
        return Base(row[0], known) if row and isinstance(known, dict) else None

    def reusable(self, root: str, base: Base) -> Reusable | None:
        """What ``base``'s resolution leaves for the next: its per-file results are its
        dependencies, externals and warnings grouped by file."""
        row = self._db.execute(
            "SELECT reuse FROM bases WHERE root=? AND key=?", (root, base.key)
        ).fetchone()
        reuse = _loaded(row[0]) if row else None
        if not _well_formed(reuse):  # none (no incremental resolver) or damaged
            return None
        entry = self._entry(base.key)
        if entry is None:
            return None
        context, indexes, lookups, warnings = reuse
        resolution = entry[0]
        dependencies: dict[str, list[Dependency]] = defaultdict(list)
        for dep in resolution.dependencies:
            dependencies[dep.source].append(dep)
        external: dict[str, list[ExternalDependency]] = defaultdict(list)
        for item in resolution.external:
            external[item.source].append(item)
        results = {
            path: FileResolution(
                tuple(dependencies.get(path, ())),
                tuple(external.get(path, ())),
                warnings.get(path, ()),
            )
            for path in lookups
        }
        parts = {
            path: known[2]
            for path, known in base.known.items()
            if isinstance(known, tuple) and len(known) == 3 and isinstance(known[2], bytes)
        }
        return Reusable(
            context=context, indexes=indexes, parts=parts, results=results, lookups=lookups
        )

    def put(
        self,
        key: str,
        resolution: Resolution,
        reads: tuple[tuple[str, str], ...] = (),
        *,
        root: str = "",
        known: Known | None = None,
        reusable: Reusable | None = None,
    ) -> None:
        blob = pickle.dumps((resolution, reads), protocol=pickle.HIGHEST_PROTOCOL)
        base = None
        if root and known is not None:
            known_blob = pickle.dumps(dict(known), protocol=pickle.HIGHEST_PROTOCOL)
            base = (root, key, known_blob, _reuse_blob(reusable))
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO resolutions VALUES (?, ?, ?)", (key, blob, time.time())
            )
            if base is not None:
                self._db.execute("INSERT OR REPLACE INTO bases VALUES (?, ?, ?, ?)", base)
            self._db.execute(
                "DELETE FROM resolutions WHERE key NOT IN (SELECT key FROM resolutions"
                " ORDER BY used DESC LIMIT ?)",
                (KEPT,),
            )
            self._db.execute("DELETE FROM bases WHERE key NOT IN (SELECT key FROM resolutions)")
            self._db.execute("COMMIT")
        except sqlite3.Error:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._db.close()


def _reuse_blob(reusable: Reusable | None) -> bytes | None:
    """The base's per-file part beside the resolution: the resolvers' indexes, each
    file's lookups and its warnings (its dependencies are the resolution's)."""
    if reusable is None:
        return None
    warnings = {path: r.warnings for path, r in reusable.results.items() if r.warnings}
    value = (reusable.context, reusable.indexes, reusable.lookups, warnings)
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


_Reuse = tuple[str, dict[str, dict[str, object]], dict[str, frozenset[str]], dict[str, tuple]]


def _well_formed(reuse: object) -> TypeGuard[_Reuse]:
    """Whether a base's per-file part has the shape ``_reuse_blob`` writes (a damaged
    or foreign one is no base, never an error later)."""
    if not (isinstance(reuse, tuple) and len(reuse) == 4):
        return False
    context, indexes, lookups, warnings = reuse
    return (
        isinstance(context, str)
        and isinstance(indexes, dict)
        and all(isinstance(index, dict) for index in indexes.values())
        and isinstance(lookups, dict)
        and all(isinstance(names, frozenset) for names in lookups.values())
        and isinstance(warnings, dict)
        and all(isinstance(found, tuple) for found in warnings.values())
    )


def _loaded(blob: object) -> object:
    """The unpickled value, or None for a damaged one (a miss, never an error)."""
    if not isinstance(blob, bytes):
        return None
    try:
        with paused_gc():
            return pickle.loads(blob)
    except Exception:  # noqa: BLE001
        return None


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
