"""Per-file results of the later stages (data access, service links), keyed by content.

A stage that scans every file (data access, service links) stores what it learned from
each file under (stage, the stage's code fingerprint, the file's git blob id, its path),
so a re-run after one commit scans only the files whose blob changed; the cross-file
assembly after the scan always runs. The fingerprint covers archscan's version and the
source of the modules that compute the results, so a change to a scanner invalidates
its entries by itself (old ones are dropped on the next write).

One SQLite file (``stages.sqlite``) in the cache directory, beside the parse cache.
Bounded: at most ``KEPT`` entries per stage (the oldest stored go first). A cache that
fails in any way (damaged, locked, another table shape, an entry that does not unpickle
to the expected type) is a miss, never an error: a damaged file is deleted and rebuilt.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sqlite3
import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, TypeVar

from archscan import __version__, sqlite_store
from archscan.cache import base_drifted, paused_gc
from archscan.sqlite_store import Table

FILE_NAME = "stages.sqlite"
KEPT = 200_000  # per stage: a few large repositories' files
_SCHEMA = "stages-v1"
_CHUNK = 500  # keys per query (under SQLite's bound-parameter limit)

V = TypeVar("V")


def code_fingerprint(stage: str, *modules: ModuleType, extra: str = "") -> str:
    """A digest of archscan's version and the source of ``modules`` (a package: all of
    its ``.py`` files), plus ``extra`` (versions of libraries the results depend on)."""
    digest = hashlib.sha256(f"{_SCHEMA}\0{stage}\0{__version__}\0{extra}".encode())
    for module in modules:
        path = Path(module.__file__ or "")
        sources = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
        for source in sources:
            digest.update(source.name.encode() + b"\0")
            with suppress(OSError):
                digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


@cache
def library_version(distribution: str, module: str) -> str:
    """The installed version of ``distribution`` (whose top-level package is ``module``),
    for a fingerprint, without importing either: the name of the ``.dist-info`` folder
    beside the package (``sqlglot-30.31.0.dist-info``), as pip installs it. Only where
    there is not exactly one such folder, ``importlib.metadata`` (whose import alone,
    the ``email`` package with it, costs ~10 ms of every re-run, measured)."""
    spec = importlib.util.find_spec(module)  # finds, never imports, a top-level name
    folder = spec.submodule_search_locations if spec is not None else None
    if folder:
        parent = os.path.dirname(next(iter(folder)))
        prefix = distribution.replace("-", "_").lower() + "-"
        with suppress(OSError):
            found = [
                name[len(prefix) : -len(".dist-info")]
                for name in os.listdir(parent)
                if name.lower().startswith(prefix) and name.endswith(".dist-info")
            ]
            if len(found) == 1 and found[0]:
                return found[0]
    from importlib.metadata import version

    return version(distribution)


class StageCache(Generic[V]):
    """The entries of one stage: ``get_many`` and ``put_many`` by (path, blob id)."""

    def __init__(
        self,
        db: sqlite3.Connection,
        stage: str,
        fingerprint: str,
        kind: type[V],
        empty: V | None,
        kept: int = KEPT,
    ) -> None:
        self._db: sqlite3.Connection | None = db
        self._kept = kept
        self._stage = stage
        self._fingerprint = fingerprint
        self._kind = kind  # what an entry must unpickle to (else it is a miss)
        # What most files yield (nothing): stored as an empty value, not unpickled (two
        # thirds of a Django repository's entries). Callers only read the values.
        self._empty = empty

    def _key(self, path: str, blob: str) -> str:
        return f"{self._fingerprint}:{blob}:{sqlite_store.text(path)}"

    def get_many(self, files: Iterable[tuple[str, str]]) -> dict[str, V]:
        """path -> stored value, for the (path, blob id) pairs that have one."""
        by_key = {self._key(path, blob): path for path, blob in files if blob}
        keys = list(by_key)
        found: dict[str, V] = {}
        try:
            with paused_gc():
                for start in range(0, len(keys), _CHUNK):
                    found.update(self._chunk(keys[start : start + _CHUNK], by_key))
        except sqlite3.Error:
            return {}
        return found

    def _chunk(self, keys: list[str], by_key: dict[str, str]) -> dict[str, V]:
        if self._db is None:
            return {}
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT key, value FROM entries WHERE stage=? AND key IN ({marks})",
            [self._stage, *keys],
        )
        found: dict[str, V] = {}
        for key, value in rows:
            if not value and self._empty is not None:
                found[by_key[key]] = self._empty
                continue
            try:
                item = pickle.loads(value)
            except Exception:  # noqa: BLE001 - a damaged entry is a miss
                continue
            if isinstance(item, self._kind):
                found[by_key[key]] = item
        return found

    def put_many(self, items: Mapping[str, tuple[str, V]]) -> None:
        """Store path -> (blob id, value); drop other code versions' entries and the
        oldest beyond ``KEPT``. A failing write is only a lost entry."""
        if self._db is None or not items:
            return
        now = time.time()
        rows = [
            (self._stage, self._key(path, blob), self._encode(value), now)
            for path, (blob, value) in items.items()
            if blob
        ]
        with suppress(sqlite3.Error), self._db:
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)
            self._db.execute(
                "DELETE FROM entries WHERE stage=? AND substr(key, 1, ?) != ?",
                (self._stage, len(self._fingerprint) + 1, self._fingerprint + ":"),
            )
            self._db.execute(
                "DELETE FROM entries WHERE stage=? AND key IN (SELECT key FROM entries"
                " WHERE stage=? ORDER BY stored DESC LIMIT -1 OFFSET ?)",
                (self._stage, self._stage, self._kept),
            )

    def _encode(self, value: V) -> bytes:
        if self._empty is not None and value == self._empty:
            return b""
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
            self._db = None


_TABLES = (
    Table(
        "entries",
        ("stage", "key", "value", "stored"),
        "(stage TEXT, key TEXT, value BLOB, stored REAL, PRIMARY KEY (stage, key)) WITHOUT ROWID",
    ),
)


def open_stage_cache(
    directory: Path | None,
    stage: str,
    fingerprint: str,
    kind: type[V],
    empty: V | None = None,
    kept: int = KEPT,
) -> StageCache[V] | None:
    """The stage's entries in ``directory``, or None (no directory, or a file that cannot
    be used even after deleting it: the stage scans every file, nothing is stored).
    ``kept``: entries kept for the stage (a stage storing one large entry per run keeps
    a few)."""
    if directory is None:
        return None
    path = directory / FILE_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
        db = sqlite_store.connect(path, _TABLES)
    except sqlite3.DatabaseError:
        try:  # damaged or another layout: built again
            db = sqlite_store.reopen(path, _TABLES)
        except (OSError, sqlite3.Error):
            return None
    except (OSError, sqlite3.Error):
        return None
    return StageCache(db, stage, fingerprint, kind, empty, kept)


SNAPSHOTS_KEPT = 64  # per stage: one snapshot per repository (checkout) recently analysed
_SNAPSHOT = "files"  # the blob-id slot of a snapshot's key (its path slot: the root)

Snapshot = dict[str, tuple[str, Any]]  # path -> (blob id, the stage's value for it)


def load_snapshot(directory: Path | None, stage: str, fingerprint: str, root: str) -> Snapshot:
    """What a cheap per-file stage (discovery's sniffing, the roles) found for each file
    of ``root`` last time, as one entry: one query and one unpickling, where an entry per
    file costs ~0.09 s on saleor's 4,600 files, more than the stage itself saves. A
    caller reuses a file's value only when its blob id is the same (same content, same
    path: same result under the same code, which the fingerprint covers). Empty when
    there is none or the cache fails."""
    store = open_stage_cache(directory, stage, fingerprint, dict, kept=SNAPSHOTS_KEPT)
    if store is None:
        return {}
    try:
        found = store.get_many([(root, _SNAPSHOT)]).get(root)
    finally:
        store.close()
    return found or {}


def save_snapshot(
    directory: Path | None, stage: str, fingerprint: str, root: str, entries: Snapshot
) -> None:
    """Keep ``entries`` as the snapshot of ``root`` (the previous one is replaced)."""
    store = open_stage_cache(directory, stage, fingerprint, dict, kept=SNAPSHOTS_KEPT)
    if store is None:
        return
    try:
        store.put_many({root: (_SNAPSHOT, entries)})
    finally:
        store.close()


def keep_if_drifted(
    directory: Path | None,
    stage: str,
    fingerprint: str,
    root: str,
    last: Snapshot,
    entries: Snapshot,
    fresh: int,
    *,
    first: bool = False,
) -> None:
    """Keep ``entries`` as ``root``'s snapshot when they drifted from ``last``: ``fresh``
    of them not given by ``last`` as they are, plus ``last``'s entries now gone
    (``cache.base_drifted``: a commit's few files leave the snapshot as it was).
    ``first``: also keep the first snapshot of ``root`` whatever its size (a small
    repository's too), so that a commit's few files are looked at again next time, where
    rewriting 4,600 entries took 0.02-0.04 s of saleor's every re-run."""
    if (first and not last and entries) or base_drifted(
        fresh + len(last.keys() - entries.keys()), len(entries)
    ):
        save_snapshot(directory, stage, fingerprint, root, entries)


def reused(snapshot: Snapshot, path: str, blob: str | None) -> tuple[bool, Any]:
    """(True, value) when ``snapshot`` holds ``path`` with the same blob id."""
    entry = snapshot.get(path)
    if blob and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == blob:
        return True, entry[1]
    return False, None
