"""JSON text byte-identical to ``json.dumps(data, indent=2, ensure_ascii=True)``, fast.

``json.dumps`` with ``indent`` falls back to the pure-Python encoder (1.8 s for a
4,700-file analysis). orjson writes the same layout in C; two differences remain and are
rewritten here: orjson writes non-ASCII characters (and DEL) raw where ``ensure_ascii``
escapes them, and writes some floats without an exponent (``0.00001`` for ``1e-05``).
Anything orjson cannot encode the same way (lone surrogates from undecodable paths,
integers beyond 64 bits) falls back to ``json.dumps``. One deliberate difference: a NaN
or infinity (never produced by archscan's metrics) becomes ``null`` (valid JSON) where
``json.dumps`` wrote the invalid ``NaN``.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
# A float is a whole value on its line (orjson escapes newlines, so strings never span
# lines): after "key": or indentation, before an optional comma and the line end.
_FLOAT = re.compile(
    r"(?m)(^ *|: )(-?[0-9]+(?:\.[0-9]+(?:e[-+]?[0-9]+)?|e[-+]?[0-9]+))(?=,?$)",
)


def _escape(character: str) -> str:
    code = ord(character)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as json.dumps writes it
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def _escape_run(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler of decoding orjson's UTF-8 output as ASCII: the run of
    non-ASCII bytes at the error, decoded as the UTF-8 it is (orjson writes only valid
    UTF-8, and no ASCII byte occurs inside a multi-byte character), escaped as
    json.dumps escapes it; decoding resumes after the run."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    raw, end = error.object, error.start
    while end < len(raw) and raw[end] >= 0x80:
        end += 1
    text = bytes(raw[error.start : end]).decode("utf-8")
    return "".join(map(_escape, text)), end


# bytes.decode("ascii") with this handler copies the ASCII text in C and calls Python
# only for the non-ASCII runs, into an ASCII str (1 byte a character), where decoding
# it as UTF-8 first (a str of 2-4 bytes a character) and encoding that with an encode
# handler took 0.08 s on saleor's 17 MB, and a regex over bytes 0.15.
codecs.register_error("archscan-json-escape", _escape_run)

# Decoded a chunk at a time (cut after a newline, so never inside a character or an
# escape): each handler call grows the decoder's output to its exact new size, which
# can cost as much as the output so far. Of saleor's 17 MB (1,971 non-ASCII runs), in
# a fresh process as a run's first call: one decode 0.033 s, 64 KiB chunks 0.016
# (medians of 8; 16 KiB to 256 KiB measured the same), the ASCII chunks joined from
# views of ``raw``, not copies (copies, 17 MB more of new memory: 0.020).
_CHUNK = 1 << 16


def _ascii(raw: bytes) -> bytes:
    """``raw`` (orjson's UTF-8) with every non-ASCII character escaped as json.dumps
    escapes it."""
    view = memoryview(raw)
    parts: list[bytes | memoryview] = []
    kept = start = 0  # raw[kept:start] is ASCII, not in ``parts`` yet
    size = len(raw)
    while start < size:
        end = raw.find(b"\n", start + _CHUNK) + 1 or size
        part = raw[start:end]  # a copy, freed at once: the same few pages every time
        if not part.isascii():
            parts.append(view[kept:start])
            parts.append(part.decode("ascii", "archscan-json-escape").encode("ascii"))
            kept = end
        start = end
    parts.append(view[kept:])
    return b"".join(parts)


def _float(match: re.Match[str]) -> str:
    return match.group(1) + repr(float(match.group(2)))


def dumps(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=True)``, the same bytes."""
    return dumps_loads(data)[0].decode("ascii")


def dumps_compact(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)``, the
    same text (the HTML report's inline data: 0.0105 -> 0.0043 s of CPU for saleor's 1.2
    MB, medians of 21). orjson sorts keys by code point, as ``sorted`` does. Compact text
    has no lines for the float fix-up to rely on (a number may follow "[" or "," inside
    a string too): where a float may be written otherwise, json.dumps writes it all, as
    it writes what orjson cannot (non-string keys, which json sorts before converting).
    A NaN or infinity becomes ``null``, as in :func:`dumps_loads`."""
    try:
        raw: bytes | None = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        raw = None
    if raw is None or _may_differ(raw):
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    if not raw.isascii():
        raw = _ascii(raw)
    if b"\x7f" in raw:
        raw = raw.replace(b"\x7f", b"\\u007f")
    return raw.decode("ascii")


# sre finds the literal "e-" first, then tests the digit: 0.009 s on saleor's 17 MB,
# where a loop of bytes.find(b"e-") took 0.015 s ("e" is everywhere: memchr stops often)
_SHORT_EXPONENT = re.compile(rb"e-[5-9]")


def _may_differ(raw: bytes) -> bool:
    """Whether orjson may have written a float as repr would not: "0.0000..." or a
    one-digit negative exponent from 5 to 9 ("1.5e-7"). A superset test (the regex
    decides): "0.0000" anywhere, or "e-" before such a digit (a few hundred "e-" in 17
    MB of paths and messages). Two scans: six substring tests took 0.06 s on saleor."""
    return b"0.0000" in raw or _SHORT_EXPONENT.search(raw) is not None


def dumps_loads(data: Any, parse: bool = False, newline: bool = False) -> tuple[bytes, Any]:
    """The bytes of ``dumps(data)`` (ASCII), ended by a newline with ``newline`` (orjson
    writes it: appending it after would copy 17 MB again), and, with ``parse``, the value
    they read back as (``json.loads``: lists for tuples, string keys). Kept as bytes: decoding
    orjson's output to a str and encoding it back costs ~0.1 s on a 16 MB document, and
    orjson reads what it wrote 3x faster than ``json.loads``, building the same values
    (64-bit integers, floats correctly rounded both ways, strings); what orjson cannot
    write is written and read by ``json`` (orjson would read a huge integer as a float)."""
    try:
        raw = orjson.dumps(
            data, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE if newline else _OPTIONS
        )
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(data, indent=2, ensure_ascii=True) + ("\n" if newline else "")
        return text.encode("ascii"), json.loads(text) if parse else None
    if not raw.isascii():
        raw = _ascii(raw)
    if b"\x7f" in raw:  # ASCII, but json.dumps escapes DEL too (orjson escapes < 0x20)
        raw = raw.replace(b"\x7f", b"\\u007f")
    # orjson and repr differ only for 1e-10 < |x| < 1e-4, which orjson writes either as
    # "0.0000..." or with a one-digit exponent ("1.5e-7" for "1.5e-07"): the regex runs
    # only when such text may occur at all (rare).
    if _may_differ(raw):
        raw = _FLOAT.sub(_float, raw.decode("ascii")).encode("ascii")
    return raw, orjson.loads(raw) if parse else None
