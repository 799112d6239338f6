"""Text that reaches a terminal: hostile names stay inert, long paths keep their end.

File names, author names and messages come from the analysed repository. They are
printed as rich ``Text`` (never parsed as markup, so a folder named ``[/]`` is just
text) after removing escape sequences and control characters (so a name holding
``ESC[2J`` cannot clear the screen or forge output).
"""

from __future__ import annotations

import re

# CSI/OSC/other ESC sequences first (so their parameters go too), then every C0/C1
# control character except tab; newlines become spaces.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])")
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """A printable one-line version of ``value``: no escape sequences, no controls."""
    text = _ESCAPES.sub("", str(value))
    return _CONTROLS.sub(lambda m: " " if m.group() in "\n\r" else "", text)


def shorten_path(path: str, width: int) -> str:
    """Keep the distinguishing end of a path: ``…/orders/service.py`` rather than
    ``src/main/java/org/…``. Cuts at a ``/`` when one is close enough."""
    if width <= 1 or len(path) <= width:
        return path
    tail = path[-(width - 1) :]
    slash = tail.find("/")
    if 0 <= slash < len(tail) // 2:
        tail = tail[slash:]
    return "…" + tail
