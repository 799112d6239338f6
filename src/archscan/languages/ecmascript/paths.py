"""Repository-relative POSIX path helpers shared by the configuration readers."""

from __future__ import annotations

import posixpath

from archscan.globs import Glob, compile_glob


def join(directory: str, relative: str) -> str:
    """``directory/relative`` normalised; ``..`` at the start means outside the repository."""
    if relative.startswith("/"):
        return "../" + relative.lstrip("/")  # absolute: never inside a checkout we analyse
    joined = posixpath.normpath(posixpath.join(directory or ".", relative))
    return "" if joined == "." else joined


def is_outside(path: str) -> bool:
    return path == ".." or path.startswith("../")


def parent(path: str) -> str:
    return posixpath.dirname(path)


def workspace_glob(pattern: str) -> Glob:
    """A workspace pattern (``packages/*``, ``apps/**``) over folder paths: the whole path,
    in linear time (the one glob matcher, archscan.globs)."""
    return compile_glob(pattern.strip().lstrip("./").rstrip("/"), exact=True)
