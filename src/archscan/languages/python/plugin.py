"""Python parsing with tree-sitter: imports, definitions, SLOC, complexity."""

from __future__ import annotations

import re
from pathlib import Path

import tree_sitter as ts
import tree_sitter_python

from archscan.languages import treesitter as tsu
from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.python import SPEC
from archscan.records import Definition, FileFacts, Import

_QUERIES = Path(__file__).parent / "queries"
_ABSTRACT_BASES = ("ABC", "ABCMeta", "Protocol")
_FUNCTION_SCOPES = {"function_definition", "lambda"}


# A dotted name written plainly (ASCII names and dots only): its text is the name, no
# need to visit its children (most imports; the others are joined from their names).
_PLAIN_DOTTED = re.compile(rb"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", re.ASCII)


def _dotted(node: ts.Node | None) -> str:
    """Text of a dotted_name without whitespace or comments (``a . b`` -> ``a.b``)."""
    if node is None:
        return ""
    if node.type == "aliased_import":
        node = node.child_by_field_name("name")
        if node is None:
            return ""
    raw = node.text
    if raw is not None and not node.has_error and _PLAIN_DOTTED.fullmatch(raw):
        return raw.decode("ascii")
    return ".".join(tsu.text(c) for c in node.named_children if c.type == "identifier")


def _context(node: ts.Node) -> tuple[bool, bool]:
    """(inside `if TYPE_CHECKING:`, inside a function body) for an import node."""
    type_checking = local = False
    child, parent = node, node.parent
    while parent is not None:
        if parent.type in _FUNCTION_SCOPES:
            local = True
        if parent.type == "if_statement" and parent.child_by_field_name("consequence") == child:
            condition = tsu.text(parent.child_by_field_name("condition"))
            if condition.endswith("TYPE_CHECKING"):
                type_checking = True
        child, parent = parent, parent.parent
    return type_checking, local


def _plain_imports(node: ts.Node) -> list[Import]:
    type_checking, local = _context(node)
    return [
        Import(_dotted(name), tsu.line(node), "import", (), 0, type_checking, local)
        for name in node.children_by_field_name("name")
        if _dotted(name)
    ]


def _from_import(node: ts.Node) -> Import | None:
    module = node.child_by_field_name("module_name")
    if module is None:
        return None
    level = 0
    if module.type == "relative_import":
        prefix = next((c for c in module.children if c.type == "import_prefix"), None)
        level = len(tsu.text(prefix).strip())
        dotted = next((c for c in module.named_children if c.type == "dotted_name"), None)
        target = _dotted(dotted)
    else:
        target = _dotted(module)
    named = node.children_by_field_name("name")
    # `import *` has no names; only a tree with errors could hold both (looked at in full)
    if (not named or node.has_error) and any(c.type == "wildcard_import" for c in node.children):
        names: tuple[str, ...] = ("*",)
    else:
        names = tuple(n for n in map(_dotted, named) if n)
    type_checking, local = _context(node)
    return Import(target, tsu.line(node), "from", names, level, type_checking, local)


def _qualified_name(node: ts.Node) -> str:
    parts = [tsu.text(node.child_by_field_name("name"))]
    parent = node.parent
    while parent is not None:
        if parent.type in ("class_definition", "function_definition"):
            parts.append(tsu.text(parent.child_by_field_name("name")))
        parent = parent.parent
    return ".".join(reversed(parts))


def _is_top_level(node: ts.Node) -> bool:
    parent = node.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    return parent is not None and parent.type == "module"


def _is_abstract(node: ts.Node) -> bool:
    bases = tsu.text(node.child_by_field_name("superclasses"))
    if any(base in bases for base in _ABSTRACT_BASES):
        return True
    body = node.child_by_field_name("body")
    return body is not None and b"abstractmethod" in (body.text or b"")


def _python2(nodes: list[ts.Node]) -> tuple[str, ...]:
    if not nodes:
        return ()
    first = min(nodes, key=lambda n: n.start_byte)
    return (f"Python 2 syntax ({first.type.replace('_', ' ')}) at line {tsu.line(first)}",)


class PythonPlugin:
    spec: LanguageSpec = SPEC

    def __init__(self) -> None:
        self._grammar = tsu.Grammar(tree_sitter_python.language, _QUERIES)

    def parse(self, path: str, source: bytes) -> FileFacts:
        tree, found = self._grammar.run(source)
        imports: list[Import] = []
        for node in found.get("import", []):
            imports.extend(_plain_imports(node))
        for node in found.get("from", []):
            item = _from_import(node)
            if item is not None:
                imports.append(item)
        imports.sort(key=lambda i: (i.line, i.target, i.names))
        definitions = [
            Definition(
                tsu.text(n.child_by_field_name("name")),
                "class" if n.type == "class_definition" else "function",
                tsu.line(n),
                n.type == "class_definition" and _is_abstract(n),
            )
            for n in found.get("class", []) + found.get("function", [])
            if _is_top_level(n)
        ]
        definitions.sort(key=lambda d: (d.line, d.name))
        decisions = found.get("decision", [])
        functions = tsu.function_complexities(found.get("function", []), decisions, _qualified_name)
        return FileFacts(
            path=path,
            language="python",
            sloc=tsu.sloc(source, found.get("comment", [])),
            imports=tuple(imports),
            definitions=tuple(definitions),
            functions=functions,
            errors=tsu.error_messages(tree) + _python2(found.get("python2", [])),
        )

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.python.resolver import PythonResolver

        return PythonResolver(project)
