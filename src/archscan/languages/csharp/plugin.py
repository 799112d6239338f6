"""C# parsing with tree-sitter: namespaces, usings, types, references, SLOC, complexity."""

from __future__ import annotations

import re
from pathlib import Path

import tree_sitter as ts
import tree_sitter_c_sharp

from archscan.languages import treesitter as tsu
from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.csharp import SPEC
from archscan.languages.java.names import dotted
from archscan.records import Definition, FileFacts, Import

_QUERIES = Path(__file__).parent / "queries"
_TYPE_KINDS = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "struct_declaration": "struct",
    "enum_declaration": "enum",
    "record_declaration": "record",
    "delegate_declaration": "delegate",
}
_NAMESPACES = {"namespace_declaration", "file_scoped_namespace_declaration"}
_CONTAINERS = {"declaration_list", "compilation_unit", *_NAMESPACES}
_GENERATED_NAMES = re.compile(
    r"\.(g|g\.i|designer|generated|AssemblyInfo|AssemblyAttributes)\.cs$", re.IGNORECASE
)
_USING_TARGETS = ("qualified_name", "identifier", "alias_qualified_name", "generic_name")
GLOBAL = "global::"
_MEMBER_SCOPES = ("property_declaration", "method_declaration")
_MAX_CHAIN = 6  # longer member chains are property walks, not type names


def strip_global(name: str) -> str:
    return name[len(GLOBAL) :] if name.startswith(GLOBAL) else name


def _using(node: ts.Node) -> Import | None:
    tokens = {c.type for c in node.children}
    alias = node.child_by_field_name("name")
    target = next(
        (c for c in reversed(node.named_children) if c != alias and c.type in _USING_TARGETS),
        None,
    )
    if target is None:
        return None
    kind = "using"
    if "static" in tokens:
        kind = "using-static"
    elif alias is not None:
        kind = "using-alias"
    if "global" in tokens:
        kind = "global-" + kind
    names = (tsu.text(alias),) if alias is not None else ()
    return Import(strip_global(dotted(target)), tsu.line(node), kind, names)


def _scope(node: ts.Node) -> tuple[list[str], list[str]] | None:
    """(namespace parts, enclosing type names) around a declaration; None when local."""
    namespace: list[str] = []
    types: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type in _TYPE_KINDS:
            types.append(tsu.text(parent.child_by_field_name("name")))
        elif parent.type in _NAMESPACES:
            namespace.append(dotted(parent.child_by_field_name("name")))
        elif parent.type not in _CONTAINERS:
            return None
        parent = parent.parent
    return list(reversed(namespace)), list(reversed(types))


def _file_scoped(root: ts.Node) -> str:
    """A file-scoped namespace covers the declarations that follow it, not its children."""
    for child in root.named_children:
        if child.type == "file_scoped_namespace_declaration":
            return dotted(child.child_by_field_name("name"))
    return ""


def _is_abstract(node: ts.Node) -> bool:
    if node.type == "interface_declaration":
        return True
    return any(c.type == "modifier" and tsu.text(c) == "abstract" for c in node.children)


def _declared_name(node: ts.Node, file_namespace: str, primary: str) -> str | None:
    """A type (or member) named relative to the file's (first) namespace, else as
    ``global::A.B.T``; None for a local declaration."""
    scope = _scope(node)
    if scope is None:
        return None
    namespace_parts, outer = scope
    namespace = ".".join(p for p in [file_namespace, *namespace_parts] if p)
    relative = ".".join([*outer, tsu.text(node.child_by_field_name("name"))])
    if namespace == primary:
        return relative
    return GLOBAL + ".".join(p for p in (namespace, relative) if p)


def _definitions(types: list[ts.Node], file_namespace: str, primary: str) -> list[Definition]:
    definitions = []
    for node in types:
        name = _declared_name(node, file_namespace, primary)
        if name is None:
            continue
        kind = _TYPE_KINDS[node.type]
        definitions.append(Definition(name, kind, tsu.line(node), _is_abstract(node)))
    return definitions


def _has_modifier(node: ts.Node, modifier: str) -> bool:
    return any(c.type == "modifier" and tsu.text(c) == modifier for c in node.children)


def _is_extension_method(node: ts.Node) -> bool:
    """A method whose first parameter is ``this T x``, in a static class (C# §15.6.10)."""
    if node.type != "method_declaration":
        return False
    parameters = node.child_by_field_name("parameters")
    first = next((c for c in parameters.named_children), None) if parameters else None
    if first is None or first.type != "parameter" or not _has_modifier(first, "this"):
        return False
    owner = node.parent.parent if node.parent is not None else None
    return (
        owner is not None and owner.type == "class_declaration" and _has_modifier(owner, "static")
    )


def _extension_methods(
    functions: list[ts.Node], file_namespace: str, primary: str
) -> list[Definition]:
    """Extension methods as ``Class.Method`` definitions, named like the class's members."""
    definitions = []
    for node in functions:
        if not _is_extension_method(node):
            continue
        name = _declared_name(node, file_namespace, primary)
        if name is not None:
            definitions.append(Definition(name, "extension-method", tsu.line(node)))
    return definitions


def _call_name(node: ts.Node) -> str:
    """``Name`` of ``x.Name`` or of the generic ``x.Name<T>``."""
    if node.type == "generic_name":
        node = next((c for c in node.named_children if c.type == "identifier"), node)
    return tsu.text(node) if node.type == "identifier" else ""


def _primary_namespace(namespaces: list[ts.Node], file_namespace: str) -> str:
    if file_namespace:
        return file_namespace
    for node in namespaces:
        parts = []
        current: ts.Node | None = node
        while current is not None:
            if current.type in _NAMESPACES:
                parts.append(dotted(current.child_by_field_name("name")))
            current = current.parent
        return ".".join(reversed(parts))
    return ""


def _generated(path: str, source: bytes, comments: list[ts.Node], types: list[ts.Node]) -> str:
    if _GENERATED_NAMES.search(path):
        return "generated file name (" + Path(path).name + ")"
    header = tsu.generated_header(source, comments)
    if header:
        return header
    for node in types:
        for attribute_list in (c for c in node.children if c.type == "attribute_list"):
            for attribute in attribute_list.named_children:
                name = dotted(attribute.child_by_field_name("name")).rsplit(".", 1)[-1]
                if name in ("GeneratedCode", "GeneratedCodeAttribute", "CompilerGenerated"):
                    return f"[{name}] on {tsu.text(node.child_by_field_name('name'))}"
    return ""


def _function_name(node: ts.Node) -> str:
    if node.type == "accessor_declaration":
        own = next((tsu.text(c) for c in node.children if not c.is_named), "accessor")
    elif node.type == "operator_declaration":
        own = "operator"
    else:
        own = tsu.text(node.child_by_field_name("name")) or node.type
    parts = [own]
    parent = node.parent
    while parent is not None:
        if parent.type in _TYPE_KINDS or parent.type in _MEMBER_SCOPES:
            parts.append(tsu.text(parent.child_by_field_name("name")))
        parent = parent.parent
    return ".".join(reversed(parts))


def _simple_references(nodes: list[ts.Node], attributes: list[ts.Node]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        parent = node.parent
        # A declared name, `x.Member`, or the `B` of `A.B` (but an attribute's name is a type).
        declared = parent is not None and parent.child_by_field_name("name") == node
        if declared and parent is not None and parent.type != "attribute":
            continue
        found.add(tsu.text(node))
    for node in attributes:
        name = dotted(node).rsplit(".", 1)[-1]
        if name and not name.endswith("Attribute"):
            found.add(name + "Attribute")
    return found


def _qualified_references(nodes: list[ts.Node]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        parent = node.parent
        if parent is not None and parent.type == node.type:
            continue
        written = strip_global(dotted(node))
        parts = written.split(".")
        if len(parts) < 2 or not all(p.isidentifier() for p in parts) or not parts[0][:1].isupper():
            continue
        found.add(".".join(parts[:_MAX_CHAIN]))
    return found


class CSharpPlugin:
    spec: LanguageSpec = SPEC

    def __init__(self) -> None:
        self._grammar = tsu.Grammar(tree_sitter_c_sharp.language, _QUERIES)

    def parse(self, path: str, source: bytes) -> FileFacts:
        tree, found = self._grammar.run(source)
        file_namespace = _file_scoped(tree.root_node)
        namespace = _primary_namespace(found.get("namespace", []), file_namespace)
        imports = sorted(
            (i for i in map(_using, found.get("using", [])) if i is not None),
            key=lambda i: (i.line, i.target),
        )
        types = found.get("type", [])
        decisions = found.get("decision", [])
        functions = tsu.function_complexities(found.get("function", []), decisions, _function_name)
        references = _simple_references(
            found.get("ref", []), found.get("attribute", [])
        ) | _qualified_references(found.get("qualified", []))
        comments = found.get("comment", [])
        definitions = _definitions(types, file_namespace, namespace) + _extension_methods(
            found.get("function", []), file_namespace, namespace
        )
        calls = {_call_name(node) for node in found.get("call", [])} - {""}
        return FileFacts(
            path=path,
            language="csharp",
            sloc=tsu.sloc(source, comments),
            imports=tuple(imports),
            definitions=tuple(sorted(definitions, key=lambda d: (d.line, d.name))),
            functions=functions,
            namespace=namespace,
            references=tuple(sorted(references)),
            errors=tsu.error_messages(tree),
            generated=_generated(path, source, comments, types),
            member_calls=tuple(sorted(calls)),
        )

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.csharp.resolver import CSharpResolver

        return CSharpResolver(project)
