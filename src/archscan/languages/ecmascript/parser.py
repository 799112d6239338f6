"""JavaScript/TypeScript parsing with tree-sitter: imports, definitions, SLOC, complexity.

One parser serves both plugins; the grammar follows the file: ``.ts/.mts/.cts`` the
TypeScript grammar, ``.tsx`` TSX, ``.js/.jsx/.mjs/.cjs`` JavaScript (which parses JSX),
and Vue/Svelte components the dialect their ``<script lang=...>`` names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import tree_sitter as ts
import tree_sitter_javascript
import tree_sitter_typescript

from archscan.languages import treesitter as tsu
from archscan.languages.ecmascript import heuristics, sfc
from archscan.records import Definition, FileFacts, FunctionInfo, Import

_QUERIES = Path(__file__).parent / "queries"
_TS_SUFFIXES = {".ts", ".mts", ".cts"}
_SFC_SUFFIXES = {".vue", ".svelte"}
_FUNCTION_SCOPES = {
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "generator_function",
    "arrow_function",
    "method_definition",
}
# An `import("x")` below one of these is a type (`type T = import("x").T`).
_TYPE_CONTEXTS = {
    "type_alias_declaration",
    "type_annotation",
    "interface_declaration",
    "type_arguments",
    "type_query",
    "ambient_declaration",
}
_TOP_LEVEL_PARENTS = {"program", "export_statement"}
_TRIPLE_SLASH = re.compile(r"^///\s*<reference\s+(path|types)\s*=\s*[\"']([^\"']+)[\"']")
_DEFINITION_KINDS = {
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "interface_declaration": "interface",
    "enum_declaration": "enum",
    "type_alias_declaration": "type",
}


def _literal(node: ts.Node | None) -> str | None:
    """The value of a string literal, or of a template literal without substitutions."""
    if node is None:
        return None
    if node.type == "string":
        return tsu.text(node)[1:-1]
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return tsu.text(node)[1:-1]
    return None


def _has_keyword(node: ts.Node, keyword: str) -> bool:
    return any(not c.is_named and c.type == keyword for c in node.children)


def _is_local(node: ts.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTION_SCOPES:
            return True
        parent = parent.parent
    return False


def _in_type_context(node: ts.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _TYPE_CONTEXTS:
            return True
        parent = parent.parent
    return False


def _clause_names(clause: ts.Node) -> tuple[tuple[str, ...], bool]:
    """(imported names, every named import is `type`-qualified) of an import clause."""
    names: list[str] = []
    all_type = True
    for child in clause.named_children:
        if child.type == "identifier":
            names.append("default")
            all_type = False
        elif child.type == "namespace_import":
            names.append("*")
            all_type = False
        elif child.type == "named_imports":
            for spec in child.named_children:
                if spec.type != "import_specifier":
                    continue
                names.append(tsu.text(spec.child_by_field_name("name")))
                all_type = all_type and _has_keyword(spec, "type")
    return tuple(names), all_type and bool(names)


def _import_statement(node: ts.Node) -> Import | None:
    source = node.child_by_field_name("source")
    require = next((c for c in node.named_children if c.type == "import_require_clause"), None)
    if source is None and require is not None:
        target = _literal(require.child_by_field_name("source"))
        kind = "require"
    else:
        target = _literal(source)
        kind = "import"
    if not target:
        return None
    clause = next((c for c in node.named_children if c.type == "import_clause"), None)
    names, all_type = _clause_names(clause) if clause is not None else ((), False)
    type_only = _has_keyword(node, "type") or all_type
    return Import(target, tsu.line(node), kind, names, 0, type_only, _is_local(node))


def _export_statement(node: ts.Node) -> Import | None:
    target = _literal(node.child_by_field_name("source"))
    if not target:
        return None
    names: list[str] = []
    all_type = True
    for child in node.named_children:
        if child.type == "export_clause":
            for spec in child.named_children:
                if spec.type == "export_specifier":
                    names.append(tsu.text(spec.child_by_field_name("name")))
                    all_type = all_type and _has_keyword(spec, "type")
        elif child.type == "namespace_export":
            names.append("*")
            all_type = False
    if not names:  # export * from "x"
        names, all_type = ["*"], False
    type_only = _has_keyword(node, "type") or (all_type and bool(names))
    return Import(target, tsu.line(node), "export", tuple(names), 0, type_only, False)


def _call_import(node: ts.Node, kind: str) -> Import | None:
    arguments = node.child_by_field_name("arguments")
    # Skip comments: `import(/* webpackChunkName: "x" */ "./x")`.
    values = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    first = values[0] if values else None
    target = _literal(first)
    if not target:
        return None
    type_only = kind == "dynamic" and _in_type_context(node)
    return Import(target, tsu.line(node), kind, (), 0, type_only, _is_local(node))


def _triple_slash(comment: ts.Node) -> Import | None:
    match = _TRIPLE_SLASH.match(tsu.text(comment))
    if match is None:
        return None
    kind, target = match.groups()
    # `path=` names a file; `types=` a package (resolved like a bare import).
    spelled = target if kind == "types" or target.startswith(".") else "./" + target
    return Import(spelled, tsu.line(comment), "reference", (), 0, True, False)


def _function_name(node: ts.Node) -> str:
    name = node.child_by_field_name("name")
    if name is not None:
        return tsu.text(name)
    parent = node.parent
    if parent is None:
        return "(anonymous)"
    if parent.type == "variable_declarator":
        return tsu.text(parent.child_by_field_name("name"))
    if parent.type in ("assignment_expression", "augmented_assignment_expression"):
        return tsu.text(parent.child_by_field_name("left"))
    if parent.type in ("pair", "public_field_definition", "field_definition"):
        key = parent.child_by_field_name("key") or parent.child_by_field_name("name")
        return tsu.text(key) or "(anonymous)"
    return "(anonymous)"


def _qualified_name(node: ts.Node) -> str:
    """Function name prefixed with its enclosing class (``Class.method``)."""
    name = _function_name(node)
    parent = node.parent
    while parent is not None:
        if parent.type in ("class_declaration", "abstract_class_declaration", "class"):
            owner = tsu.text(parent.child_by_field_name("name"))
            return f"{owner}.{name}" if owner else name
        if parent.type in _FUNCTION_SCOPES:
            break
        parent = parent.parent
    return name


def _definitions(found: dict[str, list[ts.Node]]) -> list[Definition]:
    nodes = [
        n
        for key in ("class", "function", "interface", "enum", "type")
        for n in found.get(key, [])
        if n.type in _DEFINITION_KINDS
        and n.parent is not None
        and n.parent.type in _TOP_LEVEL_PARENTS
    ]
    definitions = [
        Definition(
            tsu.text(n.child_by_field_name("name")),
            _DEFINITION_KINDS[n.type],
            tsu.line(n),
            n.type in ("abstract_class_declaration", "interface_declaration"),
        )
        for n in nodes
    ]
    return sorted(definitions, key=lambda d: (d.line, d.name))


class _Grammar:
    """One grammar with its parser and queries, loaded once per process."""

    def __init__(self, loader: Callable[[], object], typescript: bool) -> None:
        self.language = tsu.language(loader)
        self.parser = ts.Parser(self.language)
        self.facts = tsu.query(self.language, _QUERIES / "facts.scm")
        self.complexity = tsu.query(self.language, _QUERIES / "complexity.scm")
        self.extra = tsu.query(self.language, _QUERIES / "typescript.scm") if typescript else None


class EcmaParser:
    """Parses JavaScript, TypeScript and the scripts of Vue/Svelte components."""

    def __init__(self) -> None:
        self._grammars: dict[str, _Grammar] = {}

    def _grammar(self, dialect: str) -> _Grammar:
        if dialect not in self._grammars:
            if dialect == "ts":
                grammar = _Grammar(tree_sitter_typescript.language_typescript, True)
            elif dialect == "tsx":
                grammar = _Grammar(tree_sitter_typescript.language_tsx, True)
            else:
                grammar = _Grammar(tree_sitter_javascript.language, False)
            self._grammars[dialect] = grammar
        return self._grammars[dialect]

    @staticmethod
    def _dialect(path: str) -> str:
        suffix = PurePosixPath(path).suffix.lower()
        if suffix in _TS_SUFFIXES:
            return "ts"
        return "tsx" if suffix == ".tsx" else "js"

    def parse(self, path: str, language: str, source: bytes) -> FileFacts:
        reason = heuristics.minified_reason(source)
        if reason is not None:
            return FileFacts(path, language, 0, errors=(reason,))
        code, dialect = source, self._dialect(path)
        if PurePosixPath(path).suffix.lower() in _SFC_SUFFIXES:
            code, dialect = sfc.script_source(source)
        grammar = self._grammar(dialect)
        tree = grammar.parser.parse(code)
        found = tsu.captures(grammar.facts, tree.root_node)
        decisions = tsu.captures(grammar.complexity, tree.root_node).get("decision", [])
        if grammar.extra is not None:
            for key, nodes in tsu.captures(grammar.extra, tree.root_node).items():
                found.setdefault(key, []).extend(nodes)
            decisions = decisions + found.get("decision", [])
        return FileFacts(
            path=path,
            language=language,
            sloc=tsu.sloc(source, found.get("comment", [])),
            imports=tuple(self._imports(found)),
            definitions=tuple(_definitions(found)),
            functions=self._functions(found, decisions),
            errors=tsu.error_messages(tree),
            generated=tsu.generated_header(source, found.get("comment", [])),
        )

    @staticmethod
    def _imports(found: dict[str, list[ts.Node]]) -> list[Import]:
        items: list[Import | None] = []
        items += [_import_statement(n) for n in found.get("import", [])]
        items += [_export_statement(n) for n in found.get("export", [])]
        items += [_call_import(n, "dynamic") for n in found.get("dynamic", [])]
        items += [
            _call_import(n, "require")
            for n in found.get("require", [])
            if tsu.text(n.child_by_field_name("function")) == "require"
        ]
        items += [_triple_slash(n) for n in found.get("comment", []) if n.start_point[1] == 0]
        imports = [item for item in items if item is not None]
        return sorted(imports, key=lambda i: (i.line, i.target, i.kind, i.names))

    @staticmethod
    def _functions(
        found: dict[str, list[ts.Node]], decisions: list[ts.Node]
    ) -> tuple[FunctionInfo, ...]:
        # `binary_expression operator: [...] @decision` captures the operator token.
        return tsu.function_complexities(found.get("function", []), decisions, _qualified_name)
