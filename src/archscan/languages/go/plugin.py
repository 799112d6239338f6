"""Go parsing with tree-sitter: package, imports, top-level names, references.

``FileFacts.references`` holds ``pkg.Name`` selectors (for import edges) and the plain
names the file uses (no dot, for edges inside its package, see names.py).
"""

from __future__ import annotations

from pathlib import Path

import tree_sitter as ts
import tree_sitter_go

from archscan.languages import treesitter as tsu
from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.go import SPEC
from archscan.languages.go.names import used_names
from archscan.records import Definition, FileFacts, Import

_QUERIES = Path(__file__).parent / "queries"
_DEFINITION_CAPTURES = {
    "def.function": "function",
    "def.type": "type",
    "def.var": "var",
    "def.const": "const",
}


def is_test_file(path: str) -> bool:
    """``go build`` leaves ``*_test.go`` out of a package; ``go test`` adds them."""
    return path.endswith("_test.go")


def _import(node: ts.Node) -> Import | None:
    path_node = node.child_by_field_name("path")
    target = tsu.text(path_node).strip('"`')
    if not target:
        return None
    name = node.child_by_field_name("name")
    names = (tsu.text(name),) if name is not None else ()
    return Import(target, tsu.line(node), "import", names)


def _type_kind(name_node: ts.Node) -> tuple[str, bool]:
    """(kind, abstract) of a type declaration: interfaces are Go's abstractions."""
    spec = name_node.parent
    body = spec.child_by_field_name("type") if spec is not None else None
    if body is not None and body.type == "interface_type":
        return "interface", True
    if body is not None and body.type == "struct_type":
        return "struct", False
    return "type", False


def _definitions(found: dict[str, list[ts.Node]]) -> tuple[Definition, ...]:
    out: list[Definition] = []
    for capture, kind in _DEFINITION_CAPTURES.items():
        for node in found.get(capture, []):
            item_kind, abstract = _type_kind(node) if capture == "def.type" else (kind, False)
            out.append(Definition(tsu.text(node), item_kind, tsu.line(node), abstract))
    out.sort(key=lambda d: (d.line, d.name))
    return tuple(out)


def _selector_text(node: ts.Node) -> str:
    """``pkg.Name`` for a selector or qualified type (whitespace and comments dropped)."""
    if node.type == "qualified_type":
        left, right = node.child_by_field_name("package"), node.child_by_field_name("name")
    else:
        left, right = node.child_by_field_name("operand"), node.child_by_field_name("field")
    return f"{tsu.text(left)}.{tsu.text(right)}"


def _function_name(node: ts.Node) -> str:
    if node.type == "func_literal":
        return "(anonymous)"
    name = tsu.text(node.child_by_field_name("name"))
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return name
    # (r *Type[T]) -> Type: the receiver's base type qualifies the method name.
    raw = tsu.text(receiver).strip("()").split()
    base = raw[-1].lstrip("*").split("[")[0] if raw else ""
    return f"{base}.{name}" if base else name


class GoPlugin:
    spec: LanguageSpec = SPEC

    def __init__(self) -> None:
        self._grammar = tsu.Grammar(tree_sitter_go.language, _QUERIES)

    def parse(self, path: str, source: bytes) -> FileFacts:
        tree, found = self._grammar.run(source)
        imports = [item for item in map(_import, found.get("import", [])) if item is not None]
        imports.sort(key=lambda i: (i.line, i.target))
        package = next((tsu.text(n) for n in found.get("package", [])), "")
        definitions = _definitions(found)
        references = {_selector_text(n) for n in found.get("selector", [])}
        function_nodes = found.get("function", [])
        references |= used_names(
            found.get("use", []),
            found.get("local", []),
            function_nodes,
            found.get("not_use", []),
            {d.name for d in definitions},
        )
        decisions = found.get("decision", [])
        functions = tsu.function_complexities(function_nodes, decisions, _function_name)
        return FileFacts(
            path=path,
            language="go",
            sloc=tsu.sloc(source, found.get("comment", [])),
            imports=tuple(imports),
            definitions=definitions,
            functions=functions,
            namespace=package,
            references=tuple(sorted(references)),
            errors=tsu.error_messages(tree),
        )

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.go.resolver import GoResolver

        return GoResolver(project)
