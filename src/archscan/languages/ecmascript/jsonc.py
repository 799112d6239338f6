"""JSON with comments and trailing commas (tsconfig.json, jsconfig.json), read leniently.

The TypeScript compiler accepts ``//`` and ``/* */`` comments and trailing commas in its
configuration files; Python's json module accepts neither, so they are removed first
by a small scanner that knows where strings begin and end.
"""

from __future__ import annotations

from typing import Any

from archscan.repofiles import loads_json


def _string_end(text: str, start: int) -> int:
    """Index just past the JSON string that opens at ``start`` (escapes skipped)."""
    end = start + 1
    while end < len(text) and text[end] != '"':
        end += 2 if text[end] == "\\" else 1
    return end + 1


def _strip(text: str) -> str:
    """The text with comments blanked out (strings left intact)."""
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == '"':
            end = _string_end(text, index)
            out.append(text[index:end])
            index = end
        elif text.startswith("//", index):
            end = text.find("\n", index)
            index = length if end < 0 else end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = length if end < 0 else end + 2
            out.append(" ")
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _drop_trailing_commas(text: str) -> str:
    """Remove a comma that only whitespace separates from a closing ``}`` or ``]``."""
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == '"':
            end = _string_end(text, index)
            out.append(text[index:end])
            index = end
            continue
        if char == ",":
            ahead = index + 1
            while ahead < length and text[ahead] in " \t\r\n":
                ahead += 1
            if ahead < length and text[ahead] in "}]":
                index += 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def loads(text: str) -> Any:
    """Parse JSONC; raises ValueError (json.JSONDecodeError) when it is not even that."""
    return loads_json(_drop_trailing_commas(_strip(text.lstrip("\ufeff"))))
