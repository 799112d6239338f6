"""The ``<script>`` blocks of Vue and Svelte single-file components.

Everything outside the script blocks is blanked (newlines kept), so that the script
parses on its own while every node keeps its line and column in the original file.
"""

from __future__ import annotations

import re

_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_LANG = re.compile(rb"""\blang\s*=\s*["']?([A-Za-z]+)""", re.IGNORECASE)


def _blank(chunk: bytes) -> bytes:
    return bytes(b if b in (0x0A, 0x0D) else 0x20 for b in chunk)


def script_source(source: bytes) -> tuple[bytes, str]:
    """(the source with only its script blocks left, the dialect: js, ts or tsx)."""
    pieces: list[bytes] = []
    dialect = "js"
    position = 0
    for match in _SCRIPT.finditer(source):
        lang = _LANG.search(match.group(1))
        if lang:
            name = lang.group(1).lower().decode("ascii")
            if name in ("ts", "typescript"):
                dialect = "ts" if dialect == "js" else dialect
            elif name == "tsx":
                dialect = "tsx"
        pieces.append(_blank(source[position : match.start(2)]))
        pieces.append(match.group(2))
        position = match.end(2)
    pieces.append(_blank(source[position:]))
    return b"".join(pieces), dialect
