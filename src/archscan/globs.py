"""Glob patterns over repo-relative POSIX paths (gitignore-like semantics).

* ``*`` matches within one path segment, ``?`` one character, ``**`` any number of
  segments.
* A pattern without ``/`` matches a file or directory name at any depth
  (``node_modules`` excludes every ``node_modules`` folder).
* A pattern that names a directory matches everything below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip()
    anchored = "/" in pattern.rstrip("/")
    body = _translate(pattern.strip("/"))
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


def matches(path: str, patterns: Iterable[str]) -> str | None:
    """The first pattern that matches ``path``, or None."""
    for pattern in patterns:
        if compile_glob(pattern).match(path):
            return pattern
    return None
