"""Dotted-name helpers shared by the JVM (Java, Kotlin) and C# plugins."""

from __future__ import annotations

import re

import tree_sitter as ts

from archscan.languages import treesitter as tsu

_SPACE = re.compile(r"\s+|/\*.*?\*/|//[^\n]*", re.DOTALL)
_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


def dotted(node: ts.Node | None) -> str:
    """A dotted name as written, without whitespace or comments (``a . b`` -> ``a.b``)."""
    return _SPACE.sub("", tsu.text(node))


def declared_package(packages: list[ts.Node]) -> str:
    """The dotted name of the first ``package`` declaration ("" for the default package)."""
    if not packages:
        return ""
    name = next((c for c in packages[0].named_children if "identifier" in c.type), None)
    return dotted(name)


def qualified_reference(written: str) -> str:
    """The package-qualified type name that an inline dotted name starts with, or "".

    ``com.acme.Order.Line.of`` -> ``com.acme.Order.Line``: lower-case package
    segments, then the type and its nested types (upper-case, the convention both
    Java and Kotlin code follows). ``order.items`` (a variable) gives "".
    """
    if not _NAME.fullmatch(written):
        return ""
    parts = written.split(".")
    if len(parts) < 2 or not parts[0][:1].islower() or parts[0] in ("this", "super"):
        return ""
    index = next((i for i, p in enumerate(parts) if p[:1].isupper()), None)
    if index is None or index == 0:
        return ""
    end = index + 1
    while end < len(parts) and parts[end][:1].isupper():
        end += 1
    return ".".join(parts[:end])


def package_part(name: str) -> str:
    """The package of a qualified name: its segments before the first upper-case one.

    ``org.slf4j.Logger`` -> ``org.slf4j``; ``kotlinx.coroutines.launch`` (a function,
    no type segment) -> ``kotlinx.coroutines``.
    """
    parts = name.split(".")
    index = next((i for i, p in enumerate(parts) if p[:1].isupper()), None)
    if index is None:
        index = max(len(parts) - 1, 1)
    return ".".join(parts[:index])
