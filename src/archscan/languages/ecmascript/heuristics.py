"""Files that should not be analysed as hand-written source: minified bundles.

A minified bundle is code squeezed onto very long lines: the long lines carry most of
the file, and the code on them has (almost) no space after its punctuation. A
hand-written file with one long line (a long string, a data table, a generated
constant) keeps spaces after its commas and semicolons, or has too little
punctuation on that line to be code at all; it is not minified. Generated files are
recognised by ``treesitter.generated_header``, shared by every language, and by
roles.py.
"""

from __future__ import annotations

_MIN_SIZE = 1024
_LONG_LINE = 1000
_LONG_SHARE = 0.5  # long lines hold at least half of the file
_MIN_PUNCTUATION = 20  # fewer ';,{' on the long lines: text or data, not code
_MAX_SPACED = 0.2  # share of ';,{' followed by a space or line end
_PUNCTUATION = (b";", b",", b"{")


def _spacing(lines: list[bytes]) -> tuple[int, int]:
    """(punctuation marks, those followed by white space) on the given lines."""
    marks = spaced = 0
    for line in lines:
        for mark in _PUNCTUATION:
            marks += line.count(mark)
            spaced += line.count(mark + b" ") + line.count(mark + b"\t")
            spaced += line.endswith(mark) or line.endswith(mark + b"\r")
    return marks, spaced


def minified_reason(source: bytes) -> str | None:
    """Why the file looks minified, or None when it looks hand-written."""
    if len(source) < _MIN_SIZE:
        return None
    lines = source.split(b"\n")
    long_lines = [line for line in lines if len(line) >= _LONG_LINE]
    if not long_lines:
        return None
    long_bytes = sum(len(line) for line in long_lines)
    if long_bytes < _LONG_SHARE * len(source):
        return None
    marks, spaced = _spacing(long_lines)
    if marks < _MIN_PUNCTUATION or spaced / marks > _MAX_SPACED:
        return None
    longest = max(len(line) for line in long_lines)
    return (
        f"minified bundle skipped: longest line {longest} chars, "
        f"{long_bytes / len(source):.0%} of the file on lines of {_LONG_LINE}+ chars, "
        f"{spaced / marks:.0%} of its ';,{{' followed by a space"
    )
