"""The HTML report's layouts kept between runs, by their inputs.

The force layout of the aggregated graph (300 iterations over every pair of groups) and
the squarified treemap of the folder tree (paths and SLOC) are ~0.06 s of saleor's 0.2 s
HTML render, and a new commit seldom changes what they are computed from: a file's
SLOC, a dependency between two groups. So each is stored under a digest of exactly
what it reads (and of the code that computes it); an equal input gives the stored
layout, the same values to the last bit, and anything else computes it anew.

Files in ``CACHE_DIR/layouts``, at most ``KEPT`` per kind (the oldest go). Pickles,
like the other caches in the user's cache folder; one that does not load, or loads as
the wrong shape, is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

KEPT = 8  # per kind: a few repositories, or a few states of one
FOLDER = "layouts"


def _code() -> str:
    """The code the layouts depend on (a change to it is a miss by itself)."""
    from archscan import __version__
    from archscan.report import html, treemap

    digest = hashlib.sha256(__version__.encode())
    for module in (html, treemap):
        with suppress(OSError, TypeError):
            digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


class LayoutCache:
    """Layouts by kind and input, in ``directory`` (None: computed every time)."""

    def __init__(self, directory: Path | None) -> None:
        self._folder = directory / FOLDER if directory is not None else None
        self._code: str | None = None

    def get(
        self,
        kind: str,
        inputs: object,
        compute: Callable[[], T],
        valid: Callable[[object], bool],
    ) -> T:
        """The stored layout of ``inputs`` when there is one that ``valid`` accepts,
        else ``compute()``, stored (before the caller changes it)."""
        if self._folder is None:
            return compute()
        if self._code is None:
            self._code = _code()
        key = hashlib.sha256(pickle.dumps((self._code, kind, inputs), protocol=5)).hexdigest()
        path = self._folder / f"{kind}-{key[:32]}.pickle"
        found = _load(path)
        if found is not None and valid(found):
            return found  # type: ignore[return-value]
        value = compute()
        self._store(kind, path, pickle.dumps(value, protocol=5))
        return value

    def _store(self, kind: str, path: Path, data: bytes) -> None:
        assert self._folder is not None
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError:
            return  # a read-only or full cache folder: computed next time again
        finally:
            with suppress(OSError):
                temporary.unlink()
        _prune(self._folder, kind)


def stored_files(cache_dir: Path) -> list[Path]:
    """Every stored layout in ``cache_dir`` (``archscan cache info|clear``)."""
    return sorted((cache_dir / FOLDER).glob("*.pickle"))


def _load(path: Path) -> object | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged or foreign file of any kind: a miss
        return None


def _prune(folder: Path, kind: str) -> None:
    """At most KEPT files of ``kind``, the newest."""
    try:
        files = [(p.stat().st_mtime_ns, p) for p in folder.glob(f"{kind}-*.pickle")]
    except OSError:
        return
    for _stamp, old in sorted(files, reverse=True)[KEPT:]:
        with suppress(OSError):
            old.unlink()
