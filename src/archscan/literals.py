"""String literals of source files, found by one careful scanner for C-like and scripting
languages (no grammar needed): comments are skipped, escapes honoured, adjacent literals
joined across ``+`` and whitespace (``"SELECT a " + "FROM t"``, Python's implicit
concatenation). Used for SQL in code (data access) and for names in code (service links).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Comment openers per language family; '#' is a comment in scripting languages only.
_HASH_COMMENTS = {"python", "ruby", "php", "shell", "yaml", "elixir", "perl", "r"}
_SLASH_COMMENTS_OFF = {"python", "ruby", "shell", "yaml", "elixir", "perl", "r"}
_SINGLE_QUOTE_STRINGS = {"python", "ruby", "php", "javascript", "typescript", "shell", "sql"}
_BACKTICK_STRINGS = {"javascript", "typescript", "go"}
_MAX_LITERAL = 100_000
_UNESCAPE = re.compile(r"\\([\"'`\\])")
_INTERESTING = re.compile(r"[\"'`/#-]")  # where a literal or a comment may start


@dataclass(frozen=True)
class Literal:
    text: str  # the literal's content, escapes left as written (except \" and \')
    line: int  # 1-based line where it starts


def _skip_to(source: str, index: int, end: str) -> int:
    found = source.find(end, index)
    return len(source) if found < 0 else found + len(end)


def _escaped(source: str, index: int, start: int) -> bool:
    """Is the character at ``index`` preceded by an odd number of backslashes?"""
    count = 0
    while index - count - 1 >= start and source[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _read_quoted(source: str, index: int, quote: str, escapes: bool) -> tuple[str, int]:
    """Content of a literal opened at index (after the quote) and the index after it.

    Jumps from one candidate closing quote to the next with str.find (a character loop
    in Python costs ten times more on large files)."""
    multiline = len(quote) == 3 or quote == "`"
    position = index
    while True:
        end = source.find(quote, position)
        stop = len(source) if end < 0 else end
        if not multiline:
            newline = source.find("\n", position, stop)
            if newline >= 0:  # unterminated on this line: stop there
                return _content(source[index:newline], escapes), newline
        if end < 0:
            return _content(source[index:], escapes), len(source)
        if escapes and _escaped(source, end, index):
            position = end + 1
            continue
        return _content(source[index:end], escapes), end + len(quote)


def _content(raw: str, escapes: bool) -> str:
    raw = raw[:_MAX_LITERAL]
    return _UNESCAPE.sub(r"\1", raw) if escapes and "\\" in raw else raw


def _opening(source: str, index: int, language: str) -> tuple[str, bool, int] | None:
    """(closing quote, escapes?, content start) when a literal opens at index."""
    char = source[index]
    if char == '"':
        if source.startswith('"""', index):
            return '"""', True, index + 3
        verbatim = index > 0 and source[index - 1] == "@" and language == "csharp"
        return '"', not verbatim, index + 1
    if char == "'" and language in _SINGLE_QUOTE_STRINGS:
        if source.startswith("'''", index):
            return "'''", True, index + 3
        return "'", True, index + 1
    if char == "`" and language in _BACKTICK_STRINGS:
        return "`", language != "go", index + 1
    return None


def _comment_end(source: str, index: int, language: str) -> int | None:
    """Index after a comment starting at index, or None when none starts there."""
    if language not in _SLASH_COMMENTS_OFF:
        if source.startswith("//", index):
            return _skip_to(source, index, "\n")
        if source.startswith("/*", index):
            return _skip_to(source, index + 2, "*/")
    if language in _HASH_COMMENTS and source[index] == "#":
        return _skip_to(source, index, "\n")
    if language == "sql" and source.startswith("--", index):
        return _skip_to(source, index, "\n")
    return None


def _joinable(source: str, index: int, language: str) -> int | None:
    """Index of the next literal's quote when only '+' and blanks separate it."""
    size = len(source)
    seen_plus = False
    while index < size and (source[index] in " \t\r\n" or source[index] == "+"):
        seen_plus = seen_plus or source[index] == "+"
        index += 1
    if index < size and source[index] in "\"'`" and (seen_plus or language == "python"):
        return index
    return None


def _skip_char_literal(source: str, index: int) -> int:
    """Past a character literal ('x', '\\'', '"'), or one character (a Rust lifetime)."""
    start = index + 1
    if source.startswith("\\", start):
        start += 2
    else:
        start += 1
    close = source.find("'", start, start + 8)
    return close + 1 if close >= 0 else index + 1


def string_literals(source: str, language: str) -> list[Literal]:
    """Every string literal of ``source`` (adjacent ones joined), in order."""
    found: list[Literal] = []
    index, size, line = 0, len(source), 1
    counted = 0  # source[:counted] has been counted into line
    while index < size:
        jump = _INTERESTING.search(source, index)
        if jump is None:
            break
        index = jump.start()
        char = source[index]
        if char in "/#-":
            end = _comment_end(source, index, language)
            if end is not None:
                index = end
                continue
        if char == "'" and language not in _SINGLE_QUOTE_STRINGS:
            index = _skip_char_literal(source, index)
            continue
        opening = _opening(source, index, language) if char in "\"'`" else None
        if opening is None:
            index += 1
            continue
        line += source.count("\n", counted, index)
        counted = index
        parts: list[str] = []
        while opening is not None:
            quote, escapes, start = opening
            content, index = _read_quoted(source, start, quote, escapes)
            parts.append(content)
            nxt = _joinable(source, index, language)
            opening = _opening(source, nxt, language) if nxt is not None else None
        found.append(Literal("".join(parts), line))
    return found
