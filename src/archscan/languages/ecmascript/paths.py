"""Repository-relative POSIX path helpers shared by the configuration readers."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache


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


@lru_cache(maxsize=1024)
def workspace_glob(pattern: str) -> re.Pattern[str]:
    """A workspace pattern (``packages/*``, ``apps/**``) as a regex over folder paths."""
    body = pattern.strip().lstrip("./").rstrip("/")
    out: list[str] = []
    index = 0
    while index < len(body):
        if body.startswith("**", index):
            out.append(".*")
            index += 2
        elif body[index] == "*":
            out.append("[^/]*")
            index += 1
        else:
            out.append(re.escape(body[index]))
            index += 1
    return re.compile("^" + "".join(out) + "$")
