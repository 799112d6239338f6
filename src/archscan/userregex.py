"""Regular expressions written by someone else (a repository's ``ticket_pattern``).

A backtracking engine spends exponential time on ``(a+)+$`` against 34 ``a`` and a ``!``;
a repository's configuration must not be able to hang archscan that way. RE2
(``google-re2``, BSD) matches in time linear in the text whatever the pattern; it has no
backreferences or lookaround, so those patterns are refused as invalid. Where the RE2
wheel is not installed, Python's engine is the fallback (cost then unbounded; README).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Protocol

try:
    import re2 as _re2
except ImportError:  # pragma: no cover - google-re2 has wheels for the usual platforms
    _re2 = None


class TextMatch(Protocol):
    def group(self, index: int = 0) -> Any: ...


class TextPattern(Protocol):
    def finditer(self, text: str) -> Iterator[Any]: ...

    def search(self, text: str) -> Any: ...


LINEAR_TIME = _re2 is not None


def compile_user_regex(pattern: str) -> TextPattern:
    """The pattern compiled with bounded (linear) matching cost; ValueError when invalid."""
    if _re2 is None:
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise ValueError(str(exc)) from exc
    options = _re2.Options()
    options.log_errors = False  # the error is reported once, by the caller
    try:
        compiled: TextPattern = _re2.compile(pattern, options)
    except _re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        raise ValueError(f"{text} (RE2 syntax: no backreferences or lookaround)") from exc
    return compiled
