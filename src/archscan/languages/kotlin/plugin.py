"""Kotlin parsing with tree-sitter: package, imports, declarations, references, complexity."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import tree_sitter as ts
import tree_sitter_kotlin

from archscan.languages import treesitter as tsu
from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.java.names import declared_package, dotted, qualified_reference
from archscan.languages.kotlin import SPEC
from archscan.records import Definition, FileFacts, Import

_QUERIES = Path(__file__).parent / "queries"
_TYPES = {"class_declaration", "object_declaration", "companion_object"}
_TYPE_BODIES = {"class_body", "enum_class_body"}
_ABSTRACT_MODIFIERS = {"abstract", "sealed"}


def _import(node: ts.Node) -> Import | None:
    name = next((c for c in node.named_children if c.type == "qualified_identifier"), None)
    if name is None:
        return None
    tokens = [c.type for c in node.children]
    alias = ""
    if "as" in tokens:
        alias = tsu.text(node.children[tokens.index("as") + 1])
    if "*" in tokens:
        names: tuple[str, ...] = ("*",)
    else:
        names = (alias,) if alias else ()
    return Import(dotted(name), tsu.line(node), "alias" if alias else "import", names)


def _type_name(node: ts.Node) -> str:
    name = node.child_by_field_name("name")
    if name is None and node.type == "companion_object":
        return "Companion"
    return tsu.text(name)


def _enclosing_types(node: ts.Node) -> list[str] | None:
    """Names of the types around a declaration, outermost first; None when local."""
    names: list[str] = []
    parent = node.parent
    while parent is not None and parent.type != "source_file":
        if parent.type in _TYPES:
            names.append(_type_name(parent))
        elif parent.type not in _TYPE_BODIES:
            return None
        parent = parent.parent
    return list(reversed(names))


def _modifier_words(node: ts.Node) -> set[str]:
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    if modifiers is None:
        return set()
    return {tsu.text(m) for m in modifiers.named_children}


def _type_definition(node: ts.Node) -> Definition | None:
    outer = _enclosing_types(node)
    if outer is None:
        return None
    words = _modifier_words(node)
    is_interface = any(c.type == "interface" for c in node.children)
    if node.type != "class_declaration":
        kind = "object"
    elif is_interface or "annotation" in words:
        kind = "interface"
    elif "enum" in words:
        kind = "enum"
    else:
        kind = "class"
    abstract = kind == "interface" or bool(words & _ABSTRACT_MODIFIERS)
    return Definition(".".join([*outer, _type_name(node)]), kind, tsu.line(node), abstract)


def _property_names(node: ts.Node) -> list[str]:
    declaration = next((c for c in node.named_children if c.type == "variable_declaration"), None)
    if declaration is None:
        return []
    return [tsu.text(c) for c in declaration.named_children if c.type == "identifier"][:1]


def _definitions(found: dict[str, list[ts.Node]]) -> list[Definition]:
    definitions = [d for d in map(_type_definition, found.get("type", [])) if d is not None]
    for node in found.get("toplevel", []):
        name = tsu.text(node.child_by_field_name("name"))
        definitions.append(Definition(name, "function", tsu.line(node)))
    for node in found.get("property", []):
        definitions.extend(Definition(n, "property", tsu.line(node)) for n in _property_names(node))
    for node in found.get("typealias", []):
        alias = next((c for c in node.named_children if c.type == "identifier"), None)
        definitions.append(Definition(tsu.text(alias), "typealias", tsu.line(node)))
    return sorted(definitions, key=lambda d: (d.line, d.name))


# Top-level declarations as formatted code writes them (at column 0). Used only for a
# file tree-sitter could not fully parse: the grammar lags the language (guards in
# `when`, `annotation class` after an annotation with arguments, ...), and an error
# node swallows the declarations after it.
_FALLBACK_MODIFIERS = r"(?:@\S+\s+)*(?:(?:[a-z]+)\s+)*"
_FALLBACK = (
    (re.compile(rf"^{_FALLBACK_MODIFIERS}(?:class|interface)\s+(\w+)", re.M), "class"),
    (re.compile(rf"^{_FALLBACK_MODIFIERS}object\s+(\w+)", re.M), "object"),
    (
        re.compile(rf"^{_FALLBACK_MODIFIERS}fun\s+(?:<[^(]*?>\s+)?(?:[^(=]*\.)?(\w+)\s*\(", re.M),
        "function",
    ),
    (
        re.compile(rf"^{_FALLBACK_MODIFIERS}va[lr]\s+(?:<[^(]*?>\s+)?(?:[^=:(]*\.)?(\w+)", re.M),
        "property",
    ),
    (re.compile(rf"^{_FALLBACK_MODIFIERS}typealias\s+(\w+)", re.M), "typealias"),
)


def _fallback_definitions(source: bytes, known: list[Definition]) -> list[Definition]:
    """Top-level declarations found by pattern that the partial syntax tree lost."""
    text = source.decode("utf-8", "replace")
    names = {d.name for d in known}
    found: list[Definition] = []
    for pattern, kind in _FALLBACK:
        for match in pattern.finditer(text):
            name = match.group(1)
            if name in names or name in ("class", "interface", "object", "fun"):
                continue
            names.add(name)
            line = text.count("\n", 0, match.start()) + 1
            found.append(Definition(name, kind, line, "abstract" in match.group(0).split()))
    return found


def _function_name(node: ts.Node) -> str:
    if node.type in ("getter", "setter"):
        own = "get" if node.type == "getter" else "set"
    elif node.type == "anonymous_function":
        own = "(anonymous)"
    else:
        own = tsu.text(node.child_by_field_name("name"))
    parts = [own]
    parent = node.parent
    while parent is not None:
        if parent.type in _TYPES:
            parts.append(_type_name(parent))
        parent = parent.parent
    return ".".join(reversed(parts))


def _weight(node: ts.Node) -> int:
    return -1 if node.type == "when_expression" else 1


def _references(found: dict[str, list[ts.Node]]) -> set[str]:
    names: set[str] = set()
    for node in found.get("ref", []):
        parent = node.parent
        # In `Map.Entry` only `Map` is a name of its own.
        if parent is not None and parent.type == "user_type" and parent.named_children[0] != node:
            continue
        names.add(tsu.text(node))
    for node in found.get("qualified", []):
        parent = node.parent
        if parent is not None and parent.type == node.type:
            continue
        if node.type == "user_type":
            written = ".".join(tsu.text(c) for c in node.named_children if c.type == "identifier")
        else:
            written = dotted(node)
        name = qualified_reference(written)
        if name:
            names.add(name)
    return names


class KotlinPlugin:
    spec: LanguageSpec = SPEC

    def __init__(self) -> None:
        self._grammar = tsu.Grammar(tree_sitter_kotlin.language, _QUERIES)

    def parse(self, path: str, source: bytes) -> FileFacts:
        tree, found = self._grammar.run(source)
        package = declared_package(found.get("package", []))
        imports = sorted(
            (i for i in map(_import, found.get("import", [])) if i is not None),
            key=lambda i: (i.line, i.target),
        )
        decisions = found.get("decision", [])
        functions = tuple(
            # A `when` whose branches tree-sitter could not parse would weigh below 1.
            replace(f, complexity=max(f.complexity, 1))
            for f in tsu.function_complexities(
                found.get("function", []), decisions, _function_name, _weight
            )
        )
        comments = found.get("comment", [])
        definitions = _definitions(found)
        # `@A(x)\nannotation class B` parses, wrongly, as an expression: no error node.
        if tree.root_node.has_error or b"annotation class" in source:
            definitions += _fallback_definitions(source, definitions)
            definitions.sort(key=lambda d: (d.line, d.name))
        return FileFacts(
            path=path,
            language="kotlin",
            sloc=tsu.sloc(source, comments),
            imports=tuple(imports),
            definitions=tuple(definitions),
            functions=functions,
            namespace=package,
            references=tuple(sorted(_references(found))),
            errors=tsu.error_messages(tree),
            generated=tsu.generated_header(source, comments),
        )

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.java.resolver import JvmResolver

        return JvmResolver(project, "kotlin")
