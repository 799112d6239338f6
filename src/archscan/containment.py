"""Is a path inside the repository once symlinks are resolved? Discovery asks it of every
tracked path, ``ProjectView`` of every file a stage reads."""

from __future__ import annotations

import os
from stat import S_ISLNK


class Containment:
    """Is a path inside the repository once symlinks are resolved? Cached per folder,
    because a file can only escape through a linked folder above it (files that are
    links themselves are skipped before this check).

    A folder's real path is its parent's real path plus its name unless the folder is a
    link: one ``lstat`` per folder instead of ``realpath``'s one per path component."""

    def __init__(self, root: str) -> None:
        self._root = os.path.realpath(root)
        self._real: dict[str, str] = {root: self._root}

    def _real_path(self, folder: str) -> str:
        # up to the nearest folder already known (iteratively: nesting can be deep) ...
        pending: list[str] = []
        while folder not in self._real:
            parent, name = os.path.split(folder)
            if parent == folder or not name or name in (".", ".."):
                self._real[folder] = os.path.realpath(folder)
                break
            pending.append(folder)
            folder = parent
        # ... then down again, one lstat per folder
        real = self._real[folder]
        for below in reversed(pending):
            try:
                linked = S_ISLNK(os.lstat(below).st_mode)
            except OSError:
                linked = True  # realpath decides what a missing folder is
            name = os.path.basename(below)
            real = os.path.realpath(below) if linked else os.path.join(real, name)
            self._real[below] = real
        return real

    def contains(self, full_path: str) -> bool:
        folder = full_path.rpartition(os.sep)[0] or os.sep  # os.path.dirname, 3x faster
        real = self._real.get(folder) or self._real_path(folder)
        return real == self._root or real.startswith(self._root + os.sep)
