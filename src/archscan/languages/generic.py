"""Languages archscan counts but does not parse: SLOC by a line-based counter.

These files take part in discovery, totals and history mining; they have no imports
or functions. Comment syntax per language keeps the SLOC honest.
"""

from __future__ import annotations

from archscan.records import FileFacts

_LINE_COMMENTS: dict[str, tuple[str, ...]] = {
    "shell": ("#",),
    "perl": ("#",),
    "r": ("#",),
    "elixir": ("#",),
    "powershell": ("#",),
    "sql": ("--",),
    "lua": ("--",),
    "haskell": ("--",),
    "erlang": ("%",),
    "clojure": (";",),
    "visual-basic": ("'",),
    "html": (),
    "css": (),
}
_BLOCK_COMMENTS: dict[str, tuple[str, str]] = {
    "html": ("<!--", "-->"),
    "lua": ("--[[", "]]"),
    "haskell": ("{-", "-}"),
    "powershell": ("<#", "#>"),
}
_C_STYLE = (("//",), ("/*", "*/"))


def _syntax(language: str) -> tuple[tuple[str, ...], tuple[str, str] | None]:
    if language in _LINE_COMMENTS:
        return _LINE_COMMENTS[language], _BLOCK_COMMENTS.get(language, ("/*", "*/"))
    return _C_STYLE


def count_sloc(language: str, text: str) -> int:
    """Non-blank lines that are not only comment (block comments tracked across lines)."""
    line_markers, block = _syntax(language)
    count = 0
    in_block = False
    for raw in text.splitlines():
        line = raw.strip()
        if in_block:
            if block and block[1] in line:
                in_block = False
                line = line.split(block[1], 1)[1].strip()
            else:
                continue
        if block and line.startswith(block[0]):
            rest = line[len(block[0]) :]
            if block[1] in rest:
                line = rest.split(block[1], 1)[1].strip()
            else:
                in_block = True
                continue
        if line and not any(line.startswith(marker) for marker in line_markers):
            count += 1
    return count


def parse_generic(path: str, language: str, source: bytes) -> FileFacts:
    return FileFacts(
        path=path, language=language, sloc=count_sloc(language, source.decode("utf-8", "replace"))
    )
