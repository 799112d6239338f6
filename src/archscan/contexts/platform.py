"""Bootstrap and configuration code (application entry points, Spring ``@Configuration``,
DI wiring, Django settings/wsgi/manage): gathered into one shared ``platform`` context,
because it depends on every feature and would otherwise glue them together."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from pathlib import Path

_JVM_SUFFIXES = (".java", ".kt")
_SPRING = re.compile(
    rb"@(Configuration|SpringBootApplication|EnableAutoConfiguration|ImportRuntimeHints)\b"
)
_HEAD_BYTES = 65536


def _named(path: str, patterns: Sequence[str]) -> bool:
    """A glob matches the file name, or the tail of the path when it has a slash."""
    name = path.rpartition("/")[2]
    for pattern in patterns:
        tail = "/".join(path.split("/")[-(pattern.count("/") + 1) :])
        if fnmatchcase(name if "/" not in pattern else tail, pattern):
            return True
    return False


def _spring_configuration(root: Path | None, path: str) -> bool:
    """A JVM class annotated as configuration (read from the repository, first 64 KiB)."""
    if root is None or not path.endswith(_JVM_SUFFIXES):
        return False
    try:
        with (root / path).open("rb") as handle:
            return bool(_SPRING.search(handle.read(_HEAD_BYTES)))
    except OSError:
        return False


def platform_files(
    paths: Iterable[str], patterns: Sequence[str], root: Path | None
) -> frozenset[str]:
    return frozenset(p for p in paths if _named(p, patterns) or _spring_configuration(root, p))
