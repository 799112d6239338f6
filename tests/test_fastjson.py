"""The fast JSON writer is byte-identical to json.dumps(indent=2, ensure_ascii=True)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from archscan.config import Config
from archscan.pipeline import RunOptions, run
from archscan.report import fastjson
from archscan.report.json_report import analysis_to_dict, dumps, json_bytes
from conftest import assert_json_native

TRICKY = [
    "plain",
    'caf\u00e9 \u2028 \U0001f600 \x7f \x00 \x1f \t\n\r\b\f " \\ /',
    "ratio: 0.5",
    "1e-05",
    "\udcff",  # a lone surrogate (an undecodable path): json.dumps writes it escaped
]
FLOATS = [0.0, -0.0, 1e-05, 1.5e-07, 0.1, 1 / 3, 1e16, 1e21, 123456.789, 5e-324, -2.5e-10]


def _value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return rng.choice(FLOATS) * rng.choice([1, -1, 10, 0.001])
    if kind == 1:
        return rng.choice([0, 1, -7, 2**40, True, False, None])
    if kind in (2, 3):
        return rng.choice(TRICKY) + str(rng.randrange(100))
    if kind == 4:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 5:
        return {rng.choice(TRICKY[:4]) + str(i): _value(rng, depth + 1) for i in range(3)}
    return {}


def test_random_documents_are_byte_identical() -> None:
    rng = random.Random(7)
    for _ in range(300):
        doc = {"root": _value(rng, 0), "list": [_value(rng, 1) for _ in range(3)]}
        assert fastjson.dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=True)


def test_archscan_json_bytes_end_with_one_newline() -> None:
    """archscan.json's bytes: orjson writes the newline (OPT_APPEND_NEWLINE), json.dumps'
    fallback (a lone surrogate) appends it; both are the text json.dumps writes, then it."""
    rng = random.Random(3)
    for _ in range(100):
        doc = {"root": _value(rng, 0), "list": [_value(rng, 1) for _ in range(3)]}
        expected = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
        assert json_bytes(doc) == expected.encode("ascii")
    for doc in ({"path": "caf\u00e9 \U0001f600"}, {"path": "\udcff"}, {"n": 2**70}):
        expected = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
        assert json_bytes(doc) == expected.encode("ascii")


def test_real_analysis_is_byte_identical(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for i in range(4):
        repo.write("core/a.py", "".join(f"def f{j}(x):\n    return x\n" for j in range(i + 1)))
        repo.write("core/caf\u00e9.py", f"from core import a\nname = 'h\u00e9llo {i}'\n")
        repo.write("web/b.py", f"import core.a\nb = {i}\n")
        repo.commit(f"c{i}", "Jos\u00e9 <jose@example.com>", f"2024-02-0{i + 1}T12:00:00+00:00")
    analysis = run(repo.root, Config(), RunOptions(cache_dir=tmp_path / "c", jobs=1))
    data = analysis_to_dict(analysis)
    assert_json_native(data)
    expected = json.dumps(data, indent=2, ensure_ascii=True) + "\n"
    assert "\\u00e9" in expected  # the analysis really has non-ASCII text
    assert dumps(analysis) == expected


def test_the_document_read_back_is_what_json_loads_reads() -> None:
    """analyze renders the reports from the bytes read back: orjson's reading of what it
    wrote equals json.loads, and what only json can write (a huge integer, which orjson
    would read as a float) is read by json too."""
    rng = random.Random(11)
    for _ in range(200):
        doc = {"root": _value(rng, 0), "keys": {1: "int key", 2.5: "float key"}}
        raw, back = fastjson.dumps_loads(doc, parse=True)
        expected = json.dumps(doc, indent=2, ensure_ascii=True)
        assert raw == expected.encode("ascii")
        assert back == json.loads(expected)
        assert repr(back) == repr(json.loads(expected))  # -0.0 stays -0.0, ints stay ints
    huge = {"n": 2**70}
    raw, back = fastjson.dumps_loads(huge, parse=True)
    assert back == {"n": 2**70} and isinstance(back["n"], int)


def test_every_small_float_is_written_as_repr_writes_it() -> None:
    """orjson writes 1e-10 < |x| < 1e-4 differently ("0.00005", "3e-6"): each such
    magnitude, alone and beside text holding "e-" before a digit, comes out as repr."""
    for exponent in range(-12, -2):
        for mantissa in (1.0, 1.5, 3.25, 9.999):
            value = mantissa * 10.0**exponent
            for doc in ([value], {"k": -value, "path": "file-5e-"}, ["type-9", value]):
                assert fastjson.dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=True)
    assert not fastjson._may_differ(b'["one-new", "e-", 0.001]')  # no rewrite needed
    assert fastjson._may_differ(b"[1e-7]") and fastjson._may_differ(b"[0.00005]")


def test_a_document_of_many_chunks_is_escaped_as_json_dumps_escapes_it() -> None:
    """Non-ASCII text is escaped a chunk of lines at a time (fastjson._CHUNK): a document
    of several chunks, with non-ASCII characters (1 to 4 UTF-8 bytes) on lines all over
    it, in ASCII-only chunks between, and a line longer than a chunk."""
    rng = random.Random(5)
    words = ["ascii", "caf\u00e9", "\u2028", "\U0001f600\u00e9", "na\u00efve\x7f"]
    rows = [
        {"path": f"{rng.choice(words)}/{i}", "n": i} if i % 700 < 300 else {"path": str(i)}
        for i in range(5000)
    ]
    doc = {"rows": rows, "long": "\u00e9" * (fastjson._CHUNK + 5), "tail": "\U0001f600"}
    raw = json_bytes(doc)
    assert len(raw) > 5 * fastjson._CHUNK
    assert raw == (json.dumps(doc, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)


def test_compact_sorted_text_is_json_dumps_text() -> None:
    """dumps_compact (the HTML report's inline data) writes json.dumps' compact sorted text:
    keys sorted by code point (ASCII, accented, astral, control characters), the small
    floats and what orjson cannot write (a lone surrogate, a huge integer, integer keys)
    written by json.dumps itself."""
    rng = random.Random(13)
    keys = ["b", "a", "B", "\u00e9", "e\u0301", "\U0001f600", "\uffff", "\x7f", "\x00", "a b"]
    for _ in range(300):
        doc = {
            "root": _value(rng, 0),
            "keyed": {rng.choice(keys) + str(rng.randrange(3)): _value(rng, 2) for _ in range(6)},
        }
        assert fastjson.dumps_compact(doc) == _compact(doc)
    for doc in ({"n": 2**70}, {"path": "\udcff"}, {2: "b", 1: "a"}, [1.5e-07, "x"], [0.5, "\x7f"]):
        assert fastjson.dumps_compact(doc) == _compact(doc)
