"""PHP parsing with tree-sitter: namespaces, use, include/require, class references.

Names are resolved to fully qualified class names here, with PHP's own rules, because
only the file knows its namespace and ``use`` aliases: ``\\A\\B`` is fully qualified;
``A\\B`` takes the alias ``A`` if one is imported, else the current namespace; ``B`` is
the imported alias ``B`` or ``<namespace>\\B``. ``self``/``static``/``parent`` name no
other class. The results go to ``FileFacts.references`` (no leading backslash).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

import tree_sitter as ts
import tree_sitter_php

from archscan.languages import treesitter as tsu
from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.php import SPEC
from archscan.records import Definition, FileFacts, Import

_QUERIES = Path(__file__).parent / "queries"
_SELF_NAMES = frozenset({"self", "static", "parent"})
_CLASS_KINDS = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "trait_declaration": "trait",
    "enum_declaration": "enum",
}
DIR_MARKER = "__DIR__/"  # an include path relative to the including file's folder


@dataclass(frozen=True)
class _Scope:
    """One namespace region of a file: its name and its class ``use`` aliases."""

    start: int
    namespace: str
    aliases: dict[str, str]


def _name_text(node: ts.Node | None) -> str:
    """``\\A\\B`` -> ``\\A\\B`` without whitespace or comments."""
    if node is None:
        return ""
    raw = tsu.text(node)
    return "".join(raw.split())


def _use_imports(node: ts.Node) -> list[tuple[Import, str]]:
    """(Import, alias) for each clause of a use declaration (grouped ones expanded)."""
    kind = "use"
    prefix = ""
    for child in node.children:
        if child.type in ("function", "const"):
            kind = f"use-{child.type}"
        elif child.type == "namespace_name":
            prefix = _name_text(child).strip("\\")
    clauses = [c for c in node.named_children if c.type == "namespace_use_clause"]
    group = next((c for c in node.named_children if c.type == "namespace_use_group"), None)
    if group is not None:
        clauses = [c for c in group.named_children if c.type == "namespace_use_clause"]
    out: list[tuple[Import, str]] = []
    for clause in clauses:
        clause_kind = kind
        for child in clause.children:
            if child.type in ("function", "const"):
                clause_kind = f"use-{child.type}"
        alias_node = clause.child_by_field_name("alias")
        named = [c for c in clause.named_children if c.type in ("name", "qualified_name")]
        if alias_node is not None:
            named = [c for c in named if c != alias_node]
        if not named:
            continue
        written = _name_text(named[0]).strip("\\")
        target = f"{prefix}\\{written}" if prefix else written
        alias = tsu.text(alias_node) if alias_node is not None else target.rsplit("\\", 1)[-1]
        names = (alias,) if alias_node is not None else ()
        out.append((Import(target, tsu.line(clause), clause_kind, names), alias))
    return out


def _dirname_levels(node: ts.Node) -> int | None:
    """``__DIR__`` -> 0, ``dirname(__FILE__)`` -> 0, ``dirname(__DIR__, 2)`` -> 2."""
    if node.type == "name" and tsu.text(node) == "__DIR__":
        return 0
    if node.type != "function_call_expression":
        return None
    if tsu.text(node.child_by_field_name("function")).lstrip("\\") != "dirname":
        return None
    arguments = node.child_by_field_name("arguments")
    values = [a.named_children[0] for a in (arguments.named_children if arguments else [])]
    if not values:
        return None
    first = values[0]
    if first.type == "name" and tsu.text(first) == "__FILE__":
        base = -1
    else:
        inner = _dirname_levels(first)
        if inner is None:
            return None
        base = inner
    levels = int(tsu.text(values[1])) if len(values) > 1 and values[1].type == "integer" else 1
    return base + levels


def _literal(node: ts.Node) -> str | None:
    if node.type in ("string", "encapsed_string"):
        parts = node.named_children
        if all(p.type == "string_content" for p in parts):
            return "".join(tsu.text(p) for p in parts)
    return None


def include_target(node: ts.Node) -> str | None:
    """The literal path of an include/require expression, or None when dynamic.

    Paths relative to the including file's folder start with ``__DIR__/``
    (``__DIR__ . '/x.php'``, ``dirname(__DIR__) . '/x.php'`` -> ``__DIR__/../x.php``).
    """
    if node.type == "parenthesized_expression" and node.named_children:
        return include_target(node.named_children[0])
    literal = _literal(node)
    if literal is not None:
        return literal
    if node.type != "binary_expression" or tsu.text(node.child_by_field_name("operator")) != ".":
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return None
    tail = _literal(right)
    if tail is None:
        return None
    levels = _dirname_levels(left)
    if levels is not None:
        return DIR_MARKER + "../" * levels + tail.lstrip("/")
    head = include_target(left)
    return head + tail if head is not None else None


class _Names:
    """Resolves class names written in a file to fully qualified names."""

    def __init__(self, scopes: list[_Scope]) -> None:
        self._scopes = scopes or [_Scope(0, "", {})]
        self._starts = [s.start for s in self._scopes]

    def scope_at(self, position: int) -> _Scope:
        index = max(bisect.bisect_right(self._starts, position) - 1, 0)
        return self._scopes[index]

    def qualify(self, written: str, position: int) -> str | None:
        if not written or written.lower() in _SELF_NAMES:
            return None
        if written.startswith("\\"):
            return written[1:]
        scope = self.scope_at(position)
        first, _, rest = written.partition("\\")
        if written.lower().startswith("namespace\\"):
            return f"{scope.namespace}\\{rest}".strip("\\")
        alias = scope.aliases.get(first.lower())
        if alias is not None:
            return f"{alias}\\{rest}" if rest else alias
        return f"{scope.namespace}\\{written}" if scope.namespace else written


def _scopes(namespaces: list[ts.Node], uses: list[tuple[int, Import, str]]) -> list[_Scope]:
    regions = [(n.start_byte, _name_text(n.child_by_field_name("name"))) for n in namespaces]
    regions.sort()
    if not regions or regions[0][0] > 0:
        regions.insert(0, (0, ""))
    starts = [start for start, _ in regions]
    aliases: list[dict[str, str]] = [{} for _ in regions]
    for position, item, alias in uses:
        if item.kind == "use":
            index = max(bisect.bisect_right(starts, position) - 1, 0)
            aliases[index][alias.lower()] = item.target
    return [_Scope(s, n, a) for (s, n), a in zip(regions, aliases, strict=True)]


def _class_definition(node: ts.Node, names: _Names) -> Definition:
    kind = _CLASS_KINDS[node.type]
    name = tsu.text(node.child_by_field_name("name"))
    namespace = names.scope_at(node.start_byte).namespace
    abstract = kind == "interface" or any(c.type == "abstract_modifier" for c in node.children)
    qualified = f"{namespace}\\{name}" if namespace else name
    return Definition(qualified, kind, tsu.line(node), abstract)


def _function_name(node: ts.Node) -> str:
    name = tsu.text(node.child_by_field_name("name"))
    parent = node.parent
    while parent is not None and parent.type not in _CLASS_KINDS:
        parent = parent.parent
    if parent is not None:
        return f"{tsu.text(parent.child_by_field_name('name'))}::{name}"
    return name


class PhpPlugin:
    spec: LanguageSpec = SPEC

    def __init__(self) -> None:
        self._grammar = tsu.Grammar(tree_sitter_php.language_php, _QUERIES)

    def parse(self, path: str, source: bytes) -> FileFacts:
        tree, found = self._grammar.run(source)
        uses = [
            (node.start_byte, item, alias)
            for node in found.get("use", [])
            for item, alias in _use_imports(node)
        ]
        names = _Names(_scopes(found.get("namespace", []), uses))
        imports = [item for _, item, _ in uses]
        for node in found.get("include", []):
            target = include_target(node.named_children[0]) if node.named_children else None
            if target:
                imports.append(Import(target, tsu.line(node), "include"))
        imports.sort(key=lambda i: (i.line, i.target))
        references = {
            qualified
            for node in found.get("ref", [])
            if (qualified := names.qualify(_name_text(node), node.start_byte))
        }
        definitions = [_class_definition(n, names) for n in found.get("class", [])]
        for node in found.get("def.function", []):
            namespace = names.scope_at(node.start_byte).namespace
            qualified = f"{namespace}\\{tsu.text(node)}" if namespace else tsu.text(node)
            definitions.append(Definition(qualified, "function", tsu.line(node)))
        definitions.sort(key=lambda d: (d.line, d.name))
        decisions = found.get("decision", [])
        functions = tsu.function_complexities(found.get("function", []), decisions, _function_name)
        namespaces = [_name_text(n.child_by_field_name("name")) for n in found.get("namespace", [])]
        return FileFacts(
            path=path,
            language="php",
            sloc=tsu.sloc(source, found.get("comment", [])),
            imports=tuple(imports),
            definitions=tuple(definitions),
            functions=functions,
            namespace=next((n for n in namespaces if n), ""),
            references=tuple(sorted(references)),
            errors=tsu.error_messages(tree),
        )

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.php.resolver import PhpResolver

        return PhpResolver(project)
