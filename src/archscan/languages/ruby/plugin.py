"""Ruby parsing with tree-sitter: requires, class/module definitions, constant references.

A constant reference is recorded as written (``Tax::Rate``, ``::Payment``) together with
its lexical scope, ``Module.nesting`` at that point (innermost first), so that the
resolver can look it up the way Ruby does: ``Invoice`` inside ``module Billing`` is
``Billing::Invoice`` if that exists, else the top-level ``Invoice``. A compact
``class Admin::UsersController`` opens only ``Admin::UsersController``, not ``Admin``.
"""

from __future__ import annotations

from pathlib import Path

import tree_sitter as ts
import tree_sitter_ruby

from archscan.languages import treesitter as tsu
from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.ruby import SPEC
from archscan.records import Definition, FileFacts, Import

_QUERIES = Path(__file__).parent / "queries"
_REQUIRES = {
    "require": "require",
    "require_dependency": "require",
    "load": "require",
    "require_relative": "require_relative",
}
_SCOPES = ("class", "module")


def _literal(node: ts.Node | None) -> str | None:
    """Text of a plain string literal; None for interpolated or non-string arguments."""
    if node is None or node.type != "string":
        return None
    parts = node.named_children
    if all(p.type == "string_content" for p in parts):
        return "".join(tsu.text(p) for p in parts)
    return None


def _require(call: ts.Node, method: str, arguments: ts.Node) -> Import | None:
    values = arguments.named_children
    if method == "autoload" and len(values) >= 2:
        target = _literal(values[1])
        return Import(target, tsu.line(call), "require") if target else None
    kind = _REQUIRES.get(method)
    target = _literal(values[0]) if kind and values else None
    return Import(target, tsu.line(call), kind) if kind and target else None


def _name(node: ts.Node | None) -> str:
    return "".join(tsu.text(node).split()) if node is not None else ""


def _in_body(scope: ts.Node, node: ts.Node) -> bool:
    """True when ``node`` lies in the scope's body (not its name or superclass)."""
    body = scope.child_by_field_name("body")
    return body is not None and body.start_byte <= node.start_byte < body.end_byte


def nesting(node: ts.Node) -> tuple[str, ...]:
    """``Module.nesting`` at ``node``: full names of the enclosing scopes, innermost first."""
    chain: list[ts.Node] = []
    parent = node.parent
    while parent is not None:
        if parent.type in _SCOPES and _in_body(parent, node):
            chain.append(parent)
        parent = parent.parent
    names: list[str] = []
    current = ""
    for scope in reversed(chain):  # outermost first, to build full names
        written = _name(scope.child_by_field_name("name"))
        if written.startswith("::"):
            current = written[2:]
        else:
            current = f"{current}::{written}" if current else written
        names.append(current)
    return tuple(reversed(names))


def _full_name(scope: ts.Node) -> str:
    written = _name(scope.child_by_field_name("name"))
    if written.startswith("::"):
        return written[2:]
    outer = nesting(scope)
    return f"{outer[0]}::{written}" if outer else written


def _is_reference(node: ts.Node) -> bool:
    """A constant or A::B that is neither part of a longer A::B::C nor a definition's name."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "scope_resolution":
        return False
    return not (parent.type in _SCOPES and parent.child_by_field_name("name") == node)


def _function_name(node: ts.Node) -> str:
    name = tsu.text(node.child_by_field_name("name"))
    scopes = nesting(node)
    owner = scopes[0] if scopes else ""
    if node.type == "singleton_method":
        return f"{owner}.{name}" if owner else f"self.{name}"
    return f"{owner}::{name}" if owner else name


def _references(found: dict[str, list[ts.Node]]) -> list[Import]:
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for node in found.get("const", []) + found.get("scoped", []):
        if not _is_reference(node):
            continue
        written = _name(node)
        if node.type == "scope_resolution" and node.child_by_field_name("scope") is None:
            written = "::" + written.lstrip(":")
        key = (written, nesting(node))
        line = tsu.line(node)
        if key not in seen or line < seen[key]:
            seen[key] = line
    return [Import(w, line, "constant", scopes) for (w, scopes), line in seen.items()]


class RubyPlugin:
    spec: LanguageSpec = SPEC

    def __init__(self) -> None:
        self._grammar = tsu.Grammar(tree_sitter_ruby.language, _QUERIES)

    def parse(self, path: str, source: bytes) -> FileFacts:
        tree, found = self._grammar.run(source)
        imports: list[Import] = []
        for call in found.get("call", []):
            method, args = call.child_by_field_name("method"), call.child_by_field_name("arguments")
            item = _require(call, tsu.text(method), args) if args is not None else None
            if item is not None:
                imports.append(item)
        imports.extend(_references(found))
        imports.sort(key=lambda i: (i.line, i.kind, i.target, i.names))
        definitions = sorted(
            {
                Definition(_full_name(n), n.type, tsu.line(n))
                for n in found.get("class", [])
                if _name(n.child_by_field_name("name"))
            },
            key=lambda d: (d.line, d.name),
        )
        decisions = found.get("decision", [])
        functions = tsu.function_complexities(found.get("function", []), decisions, _function_name)
        return FileFacts(
            path=path,
            language="ruby",
            sloc=tsu.sloc(source, found.get("comment", [])),
            imports=tuple(imports),
            definitions=tuple(definitions),
            functions=functions,
            errors=tsu.error_messages(tree),
        )

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.ruby.resolver import RubyResolver

        return RubyResolver(project)
