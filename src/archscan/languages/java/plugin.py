"""Java parsing with tree-sitter: package, imports, types, references, SLOC, complexity."""

from __future__ import annotations

from pathlib import Path

import tree_sitter as ts
import tree_sitter_java

from archscan.languages import treesitter as tsu
from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.java import SPEC
from archscan.languages.java.names import declared_package, dotted, qualified_reference
from archscan.records import Definition, FileFacts, Import

_QUERIES = Path(__file__).parent / "queries"
_TYPE_KINDS = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "enum_declaration": "enum",
    "record_declaration": "record",
    # An annotation type is an interface to the JVM (and to JDepend's abstractness).
    "annotation_type_declaration": "interface",
}
_TYPE_BODIES = {
    "class_body",
    "interface_body",
    "enum_body",
    "enum_body_declarations",
    "annotation_type_body",
}
_ANNOTATIONS = ("marker_annotation", "annotation")


def _import(node: ts.Node) -> Import | None:
    name = next(
        (c for c in node.named_children if c.type in ("scoped_identifier", "identifier")), None
    )
    if name is None:
        return None
    is_static = any(c.type == "static" for c in node.children)
    wildcard = any(c.type == "asterisk" for c in node.named_children)
    return Import(
        dotted(name),
        tsu.line(node),
        "static" if is_static else "import",
        ("*",) if wildcard else (),
    )


def _enclosing_types(node: ts.Node) -> list[str] | None:
    """Names of the types around a declaration, outermost first; None inside a body.

    A class declared in a method (local class) or an anonymous class body cannot be
    named from another file, so it is not a definition.
    """
    names: list[str] = []
    parent = node.parent
    while parent is not None and parent.type != "program":
        if parent.type in _TYPE_KINDS:
            names.append(tsu.text(parent.child_by_field_name("name")))
        elif parent.type not in _TYPE_BODIES:
            return None
        parent = parent.parent
    return list(reversed(names))


def _modifiers(node: ts.Node) -> ts.Node | None:
    return next((c for c in node.children if c.type == "modifiers"), None)


def _is_abstract(node: ts.Node) -> bool:
    if node.type in ("interface_declaration", "annotation_type_declaration"):
        return True
    modifiers = _modifiers(node)
    return modifiers is not None and any(c.type == "abstract" for c in modifiers.children)


def _definition(node: ts.Node) -> Definition | None:
    outer = _enclosing_types(node)
    if outer is None:
        return None
    name = ".".join([*outer, tsu.text(node.child_by_field_name("name"))])
    return Definition(name, _TYPE_KINDS[node.type], tsu.line(node), _is_abstract(node))


def _generated_annotation(types: list[ts.Node]) -> str:
    """`@Generated` (javax/jakarta/lombok, ...) on a top-level type marks generated code."""
    for node in types:
        if node.parent is None or node.parent.type != "program":
            continue
        modifiers = _modifiers(node)
        for child in modifiers.named_children if modifiers else ():
            if child.type in _ANNOTATIONS:
                name = dotted(child.child_by_field_name("name"))
                if name.rsplit(".", 1)[-1] == "Generated":
                    return f"@{name} on {tsu.text(node.child_by_field_name('name'))}"
    return ""


def _function_name(node: ts.Node) -> str:
    parts = [tsu.text(node.child_by_field_name("name"))]
    parent = node.parent
    while parent is not None:
        if parent.type in _TYPE_KINDS:
            parts.append(tsu.text(parent.child_by_field_name("name")))
        parent = parent.parent
    return ".".join(reversed(parts))


def _simple_references(nodes: list[ts.Node]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        parent = node.parent
        name = tsu.text(node)
        # In `Map.Entry` only `Map` is a name of its own (`Entry` is a member of it);
        # in `com.acme.Order` the first part is a package (qualified references).
        if (
            parent is not None
            and parent.type == "scoped_type_identifier"
            and (parent.named_children[0] != node or not name[:1].isupper())
        ):
            continue
        if node.type == "type_identifier" or name[:1].isupper():
            found.add(name)
    return found


def _qualified_references(nodes: list[ts.Node]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        parent = node.parent
        if parent is not None and parent.type == node.type:
            continue  # only the outermost part of a chain
        name = qualified_reference(dotted(node))
        if name:
            found.add(name)
    return found


class JavaPlugin:
    spec: LanguageSpec = SPEC

    def __init__(self) -> None:
        self._grammar = tsu.Grammar(tree_sitter_java.language, _QUERIES)

    def parse(self, path: str, source: bytes) -> FileFacts:
        tree, found = self._grammar.run(source)
        package = declared_package(found.get("package", []))
        imports = sorted(
            (i for i in map(_import, found.get("import", [])) if i is not None),
            key=lambda i: (i.line, i.target),
        )
        types = found.get("type", [])
        definitions = sorted(
            (d for d in map(_definition, types) if d is not None), key=lambda d: (d.line, d.name)
        )
        decisions = found.get("decision", [])
        functions = tsu.function_complexities(found.get("function", []), decisions, _function_name)
        references = _simple_references(found.get("ref", [])) | _qualified_references(
            found.get("qualified", [])
        )
        comments = found.get("comment", [])
        return FileFacts(
            path=path,
            language="java",
            sloc=tsu.sloc(source, comments),
            imports=tuple(imports),
            definitions=tuple(definitions),
            functions=functions,
            namespace=package,
            references=tuple(sorted(references)),
            errors=tsu.error_messages(tree),
            generated=tsu.generated_header(source, comments) or _generated_annotation(types),
        )

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.java.resolver import JvmResolver

        return JvmResolver(project, "java")
