"""Shared tree-sitter machinery for language plugins.

Plugins keep their queries in ``queries/*.scm`` next to their code. This module loads
grammars and queries once per process, runs queries (the tree walk happens in C, which
is why archscan never walks every node in Python), counts SLOC and computes cyclomatic
complexity per function from two captures: ``@function`` and ``@decision``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import tree_sitter as ts

from archscan.records import FunctionInfo


@cache
def language(loader: Callable[[], object]) -> ts.Language:
    """A tree-sitter Language from a grammar wheel's ``language()`` function."""
    return ts.Language(loader())


@cache
def query(lang: ts.Language, path: Path) -> ts.Query:
    return ts.Query(lang, path.read_text(encoding="utf-8"))


def captures(q: ts.Query, node: ts.Node) -> dict[str, list[ts.Node]]:
    """Every capture by name, each list in source order. py-tree-sitter's own order is
    not stable (the same tree gives the comments in a different order from one call to
    the next), and what reads the lists (the leading comments, the first import)
    depends on it."""
    found = ts.QueryCursor(q).captures(node)
    return {name: sorted(nodes, key=_position) for name, nodes in found.items()}


def _position(node: ts.Node) -> tuple[int, int]:
    return node.start_byte, -node.end_byte


class Grammar:
    """A language's parser and its queries, loaded once per process.

    Every ``*.scm`` file of the plugin's ``queries/`` folder is compiled into one query,
    so a file's tree is walked once for facts and decision points alike (a single
    cursor pass costs ~40% less than one per file of patterns).
    """

    def __init__(self, loader: Callable[[], object], queries: Path) -> None:
        self.language = language(loader)
        self.parser = ts.Parser(self.language)
        sources = [p.read_text(encoding="utf-8") for p in sorted(queries.glob("*.scm"))]
        self.query = ts.Query(self.language, "\n".join(sources))

    def run(self, source: bytes) -> tuple[ts.Tree, dict[str, list[ts.Node]]]:
        """Parse ``source`` and return the tree with every capture by name."""
        tree = self.parser.parse(source)
        return tree, captures(self.query, tree.root_node)


def text(node: ts.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def line(node: ts.Node) -> int:
    """1-based line number of a node."""
    return node.start_point[0] + 1


def sloc(source: bytes, comments: Iterable[ts.Node]) -> int:
    """Source lines of code: non-blank lines that are not entirely comment.

    A line holding code and a trailing comment counts; a line holding only (part of)
    a comment does not. Docstrings are string expressions, hence code (as in radon's
    ``lloc``-free SLOC and cloc's default for most languages).
    """
    lines = source.split(b"\n")
    code = {i for i, raw in enumerate(lines) if raw.strip()}
    for node in comments:
        (start_row, start_col), (end_row, end_col) = node.start_point, node.end_point
        for row in range(start_row, min(end_row, len(lines) - 1) + 1):
            before = lines[row][:start_col] if row == start_row else b""
            after = lines[row][end_col:] if row == end_row else b""
            if not before.strip() and not after.strip():
                code.discard(row)
    return len(code)


def function_complexities(
    functions: list[ts.Node],
    decisions: list[ts.Node],
    name_of: Callable[[ts.Node], str],
    weight_of: Callable[[ts.Node], int] | None = None,
) -> tuple[FunctionInfo, ...]:
    """Cyclomatic complexity per function: 1 + the decision points it contains.

    A decision point belongs to the innermost function around it, so a nested
    function or lambda is measured on its own and does not inflate its parent
    (lizard's and radon's convention for closures). ``weight_of``: what one decision
    adds (1 when not given).
    """
    # (start, -end, order, node): outermost first among functions starting together, in
    # the order given on ties; plain tuples (a dataclass per function costs more than
    # the walk below).
    spans = sorted((f.start_byte, -f.end_byte, i, f) for i, f in enumerate(functions))
    counts = {id(node): 1 for *_, node in spans}
    stack: list[tuple[int, ts.Node]] = []  # (end, node) of the functions around
    index = 0
    for decision in sorted(decisions, key=_start_byte):
        position = decision.start_byte
        while index < len(spans) and spans[index][0] <= position:
            start, negative_end, _, node = spans[index]
            while stack and stack[-1][0] <= start:
                stack.pop()
            stack.append((-negative_end, node))
            index += 1
        while stack and stack[-1][0] <= position:
            stack.pop()
        if stack:
            counts[id(stack[-1][1])] += 1 if weight_of is None else weight_of(decision)
    return tuple(
        FunctionInfo(
            name=name_of(node),
            line=node.start_point[0] + 1,
            end_line=node.end_point[0] + 1,
            complexity=counts[id(node)],
        )
        for *_, node in spans
    )


def _start_byte(node: ts.Node) -> int:
    return node.start_byte


def error_messages(tree: ts.Tree, limit: int = 5) -> tuple[str, ...]:
    """Short descriptions of syntax errors tree-sitter recovered from."""
    if not tree.root_node.has_error:
        return ()
    found: list[str] = []
    stack = [tree.root_node]
    while stack and len(found) < limit:
        node = stack.pop()
        if not node.has_error:
            continue
        if node.is_error or node.is_missing:
            kind = "missing " + node.type if node.is_missing else "syntax error"
            found.append(f"{kind} at line {node.start_point[0] + 1}")
            continue
        stack.extend(reversed(node.children))
    return tuple(found) or ("syntax error",)


# Markers code generators put in a file's leading comment: .NET's `<auto-generated>`,
# protoc's and most JVM generators' "Generated by ... DO NOT EDIT", Go's convention.
_GENERATED_HEADER = re.compile(
    rb"<auto-generated|@generated\b|\bauto-?generated\b|\bgenerated by\b|\bdo not edit\b",
    re.IGNORECASE,
)
_HEADER_BYTES = 2048


def generated_header(source: bytes, comments: Iterable[ts.Node]) -> str:
    """Why a file looks generated from its leading comments ("" when it does not).

    Only the comment block the file starts with (after a shebang or byte-order mark) is
    read, and only up to 2 KB: a marker further down ("the fallback is always generated
    by the compiler") is prose about generated code, not a generator's stamp.
    """
    end = _after_shebang(source)
    for node in comments:
        if node.start_byte > _HEADER_BYTES or source[end : node.start_byte].strip():
            break
        found = _GENERATED_HEADER.search(source[node.start_byte : node.end_byte])
        if found:
            marker = found.group(0).decode("utf-8", "replace").strip()
            return f"generated-code marker '{marker}' in a leading comment (line {line(node)})"
        end = node.end_byte
    return ""


def _after_shebang(source: bytes) -> int:
    start = 3 if source.startswith(b"\xef\xbb\xbf") else 0
    if source.startswith(b"#!", start):
        newline = source.find(b"\n", start)
        return len(source) if newline < 0 else newline + 1
    return start
