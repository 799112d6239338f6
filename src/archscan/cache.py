"""The parse cache: FileFacts keyed by (parser fingerprint, path, git blob id).

It lives in the user's cache directory (or ``--cache-dir``), never in the analysed
repository. A re-run after one commit re-parses only the files whose blob changed.
The fingerprint covers archscan's version and the source of every language plugin
and query, so a change to a parser invalidates its entries by itself.

Beside the entries, a **base** per repository root: the facts of every file its last
analysis used, as one pickle. Unpickling 4,400 entries one by one costs 0.21 s on
saleor, one pickle of the same facts 0.10 s (one memo, no per-row class lookups): a
re-run takes what it can from the base and only the rest entry by entry. In the base
each file's imports and definitions are pickled apart, unpickled when first read
(``records.PACKED_FIELDS``: most re-runs read few of them), and the whole is behind a
CRC-32 (a damaged inner pickle would otherwise fail only when read, in a later stage).
The base is rewritten only when it has drifted (see ``keep_base``), so a re-run after a
commit that changed three files writes nothing more than those three entries.
"""

from __future__ import annotations

import copyreg
import gc
import hashlib
import io
import pickle
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from archscan import __version__, sqlite_store
from archscan.records import AnalysisWarning, FileFacts, packed_state
from archscan.sqlite_store import Table

_SCHEMA = "facts-v2"  # v2: the base packs imports and definitions
BASES_KEPT = 16  # bases (one per repository root) kept: the most recently written
# A base is rewritten when this many of a run's files are not in it, or are in it and
# no longer used (changed, deleted), and at least _DRIFT_SHARE of them: a commit that
# touches a few files costs nothing, a branch switch or a parser upgrade rewrites it.
_DRIFT_MIN = 64
_DRIFT_SHARE = 0.02


def base_drifted(drift: int, total: int) -> bool:
    """Whether a base of ``total`` files, ``drift`` of which it no longer gives as they
    are, is to be written again (the rule of every per-root base: parse, data access,
    the contexts' terms)."""
    return drift >= max(_DRIFT_MIN, _DRIFT_SHARE * total)


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


class _BasePickler(pickle.Pickler):
    """Pickles each FileFacts by its packed state (``records.packed_state``); it
    unpickles as pickle builds any record (``__new__``, then the state)."""

    def reducer_override(
        self, obj: object
    ) -> tuple[Callable[..., object], tuple[type[FileFacts]], dict[str, object]]:
        if type(obj) is FileFacts:
            return _NEWOBJ, (FileFacts,), packed_state(obj)
        return NotImplemented  # every other object as pickle does it


# pickle writes a reduction by copyreg.__newobj__ as its NEWOBJ opcode: cls.__new__(cls)
_NEWOBJ: Callable[..., object] = copyreg.__newobj__  # type: ignore[attr-defined]


def pack_base(used: Mapping[str, FileFacts]) -> bytes:
    """A base's stored value: the CRC-32 of the pickle of key -> facts, then the pickle."""
    buffer = io.BytesIO()
    _BasePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(dict(used))
    data = buffer.getvalue()
    return zlib.crc32(data).to_bytes(4, "big") + data


def unpack_base(value: object) -> dict[str, FileFacts]:
    """key -> facts of a stored base; {} for a damaged or foreign one (its files are then
    read entry by entry). The CRC is checked first (1 ms for saleor's 5 MB): the packed
    fields are unpickled only when read, a damaged one must be caught here."""
    if not isinstance(value, bytes) or len(value) < 4:
        return {}
    data = memoryview(value)[4:]
    if zlib.crc32(data) != int.from_bytes(value[:4], "big"):
        return {}
    try:
        held = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged base is read entry by entry
        return {}
    return held if isinstance(held, dict) else {}


def default_cache_dir() -> Path:
    """The user's cache folder for archscan (platformdirs)."""
    # imported here: with --cache-dir (CI, the benchmarks) no run needs it, and it costs
    # every start-up 2.5-4 ms (platformdirs, tempfile, shutil, bz2, lzma; measured)
    import platformdirs

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
        self._held: frozenset[str] = frozenset()  # the keys of the base get_many read
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
        return f"{self._fingerprint}:{blob}:{sqlite_store.text(path)}"

    def get_many(self, keys: Iterable[str], base: str | None = None) -> dict[str, FileFacts]:
        """key -> facts for the ``keys`` stored; ``base``: the repository root whose base
        is read first (see the module's docstring)."""
        found: dict[str, FileFacts] = {}
        wanted = list(keys)
        try:
            with paused_gc():
                held = self._read_base(base) if base is not None else {}
                rest = [key for key in wanted if key not in held]
                found.update((key, held[key]) for key in wanted if key in held)
                self._held = frozenset(held)
                for start in range(0, len(rest), 500):
                    found.update(self._get_chunk(rest[start : start + 500]))
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            return {}
        return found

    def _read_base(self, root: str) -> dict[str, FileFacts]:
        if self._db is None:
            return {}
        row = self._db.execute(
            "SELECT value FROM bases WHERE root=?", (sqlite_store.text(root),)
        ).fetchone()
        return unpack_base(row[0]) if row else {}

    def keep_base(self, root: str, used: Mapping[str, FileFacts]) -> bool:
        """Make ``used`` (key -> facts: everything this run of ``root`` parsed or took
        from the cache) the base of ``root`` when the one ``get_many`` read has drifted
        from it; True when it was written. A failing write only costs the next run time."""
        drift = len(self._held.symmetric_difference(used))
        if not base_drifted(drift, len(used)) or self._db is None:
            return False
        value = pack_base(used)
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO bases VALUES (?, ?, ?)",
                    (sqlite_store.text(root), value, time.time()),
                )
                self._db.execute(
                    "DELETE FROM bases WHERE root IN (SELECT root FROM bases"
                    " ORDER BY stored DESC LIMIT -1 OFFSET ?)",
                    (BASES_KEPT,),
                )
        except sqlite3.DatabaseError:
            return False
        self._held = frozenset(used)
        return True

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


_TABLES = (
    Table("facts", ("key", "value"), "(key TEXT PRIMARY KEY, value BLOB)"),
    Table(
        "bases",
        ("root", "value", "stored"),
        "(root TEXT PRIMARY KEY, value BLOB, stored REAL)",
        probe=("root", "stored"),  # not the base itself: it is read when used
    ),
)
