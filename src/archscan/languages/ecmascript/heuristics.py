"""Files that should not be analysed as hand-written source: minified bundles.

Minified bundles are recognised by their shape (a very long line together with a high
mean line length or a low share of whitespace). Generated files are recognised by
``treesitter.generated_header``, shared by every language.
"""

from __future__ import annotations

_MIN_SIZE = 1024
_LONG_LINE = 1000
_MEAN_LINE = 250
_MAX_WHITESPACE = 0.1


def minified_reason(source: bytes) -> str | None:
    """Why the file looks minified, or None when it looks hand-written."""
    if len(source) < _MIN_SIZE:
        return None
    lines = source.split(b"\n")
    longest = max(len(line) for line in lines)
    if longest < _LONG_LINE:
        return None
    mean = len(source) / len(lines)
    whitespace = sum(source.count(c) for c in (b" ", b"\t", b"\n", b"\r")) / len(source)
    if mean >= _MEAN_LINE or whitespace < _MAX_WHITESPACE:
        return (
            f"minified bundle skipped: longest line {longest} chars, "
            f"mean line {mean:.0f} chars, {whitespace:.0%} whitespace"
        )
    return None
