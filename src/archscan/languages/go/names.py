"""Unqualified names a Go file uses, for edges between files of the same package.

Files of one package see each other's top-level names without an import, so the
parser records every plain identifier and type name the file uses (once each) minus:

* the file's own top-level names (they add no edge);
* the type name of ``pkg.Type`` (it names another package's type);
* the keys of a literal of a named type (``T{Name: x}``): field names, assuming ``T``
  is a struct (a named map type's constant keys are missed, a rare false negative);
* Go's predeclared names (``int``, ``len``, ``nil``, ...), which a package rarely redeclares;
* a name used inside a function that declares it as a parameter, receiver, result,
  type parameter, with ``:=`` (``select`` cases included), ``var``/``const``/``type``,
  or in a ``range`` clause (the cheap
  shadowing cases). Scopes are whole functions, closures included: a local declared
  in one block hides the name in the rest of its function too (a rare false negative).

What stays a false-positive risk (a name read as a use of a sibling's top-level name):
a key in a nested literal whose type is elided (``[]T{{Name: x}}``), and the type
parameters of a generic *type* (``type List[T any]``, ``func (l *List[T])``), which
have no function scope here. Telling them apart needs type information.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable

import tree_sitter as ts

# https://go.dev/ref/spec#Predeclared_identifiers
PREDECLARED = frozenset(
    [
        "any",
        "bool",
        "byte",
        "comparable",
        "complex64",
        "complex128",
        "error",
        "float32",
        "float64",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "rune",
        "string",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "true",
        "false",
        "iota",
        "nil",
        "append",
        "cap",
        "clear",
        "close",
        "complex",
        "copy",
        "delete",
        "imag",
        "len",
        "make",
        "max",
        "min",
        "new",
        "panic",
        "print",
        "println",
        "real",
        "recover",
        "_",
    ]
)

_Span = tuple[int, int]
_PREDECLARED_BYTES = frozenset(name.encode() for name in PREDECLARED)


def _innermost(spans: list[_Span], starts: list[int], position: int) -> _Span | None:
    """The innermost function span around ``position`` (spans nest, sorted by start)."""
    index = bisect_right(starts, position) - 1
    while index >= 0:
        start, end = spans[index]
        if start <= position < end:
            return spans[index]
        index -= 1
    return None


def _disjoint(spans: list[_Span]) -> tuple[list[int], list[int]]:
    """Nested or repeated spans merged into disjoint (starts, ends), sorted."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(set(spans)):
        if ends and start < ends[-1]:  # nested in the previous span (spans never overlap)
            continue
        starts.append(start)
        ends.append(end)
    return starts, ends


def _local_scopes(
    functions: list[ts.Node], locals_: list[ts.Node]
) -> dict[bytes, tuple[list[int], list[int]]]:
    """Per locally declared name, the function spans in which it is shadowed."""
    spans = sorted({(f.start_byte, f.end_byte) for f in functions})
    starts = [start for start, _ in spans]
    scopes: dict[bytes, list[_Span]] = defaultdict(list)
    for node in locals_:
        scope = _innermost(spans, starts, node.start_byte)
        if scope is not None and node.text is not None:  # package-level: no local
            scopes[node.text].append(scope)
    return {name: _disjoint(found) for name, found in scopes.items()}


def used_names(
    uses: Iterable[ts.Node],
    locals_: list[ts.Node],
    functions: list[ts.Node],
    not_uses: Iterable[ts.Node],
    declared: set[str],
) -> set[str]:
    """Names the file uses that another file of its package may declare.

    Works on bytes and decodes only the names found: this loop sees every identifier
    of the file, so it is most of the cost names add to parsing.
    """
    scopes = _local_scopes(functions, locals_) if locals_ else {}
    skipped = {node.start_byte for node in not_uses}
    ignored = _PREDECLARED_BYTES | {name.encode() for name in declared}
    seen = set(ignored)  # one lookup per identifier: found or ignored
    for node in uses:
        name = node.text
        if name in seen or name is None:
            continue
        position = node.start_byte
        if position in skipped:
            continue
        scope = scopes.get(name)
        if scope is not None:
            index = bisect_right(scope[0], position) - 1
            if index >= 0 and position < scope[1][index]:
                continue
        seen.add(name)
    return {name.decode("utf-8", "replace") for name in seen - ignored}
