"""The units the recommendation reasons about: candidate bounded contexts when the contexts
stage ran, else the configured components, else top-level source packages.

One record, computed once and shared by the teams, assessment and plan stages, so that every
figure of the recommendation speaks about the same groups of files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archscan.graph import component_resolver
from archscan.records import ContextsResult

# Folders that hold sources but name no part of the system: a top-level package is the
# first folder below them ("src/billing/x.py" -> "billing").
SOURCE_ROOTS = frozenset(
    {"src", "lib", "app", "apps", "pkg", "packages", "internal", "source", "sources"}
    | {"main", "java", "kotlin", "python", "modules", "services", "cmd", "server"}
)
ROOT_UNIT = "(root)"

# Stand-in for the file roles of the boundaries work (files[].role): test, docs and example
# code says nothing about how the production system could be split.
_NON_PRODUCTION_DIRS = frozenset(
    {"test", "tests", "testing", "spec", "specs", "__tests__", "__mocks__", "e2e", "docs", "doc"}
    | {"example", "examples", "benchmarks", "benchmark", "fixtures", "testdata", "migrations"}
)
_TEST_FILE = re.compile(
    r"(^test_.*\.py$|_test\.(py|go|rb)$|_spec\.rb$|\.(test|spec)\.[jt]sx?$|"
    r"(Tests?|IT|Spec)\.(java|kt|cs)$|^conftest\.py$)"
)


def is_production(path: str) -> bool:
    """False for tests, docs, examples and migrations (by folder and file-name convention)."""
    *folders, name = path.split("/")
    if any(folder.lower() in _NON_PRODUCTION_DIRS for folder in folders):
        return False
    if any(folder.startswith(".") for folder in folders):
        return False  # tool folders: .github, .devcontainer, .claude, ...
    if any(folder.lower().endswith((".tests", ".test", ".unittests")) for folder in folders):
        return False
    return not _TEST_FILE.search(name)


def top_level_package(path: str) -> str:
    """The first folder below the source roots; files directly at the root are "(root)"."""
    folders = path.split("/")[:-1]
    for index, folder in enumerate(folders):
        if folder.lower() not in SOURCE_ROOTS:
            return "/".join(folders[: index + 1])
    return "/".join(folders) if folders else ROOT_UNIT


@dataclass(frozen=True)
class Units:
    """file -> unit for the production files of the dependency graph."""

    kind: str  # context | component | package
    of: Mapping[str, str]  # path -> unit name
    platform: frozenset[str] = frozenset()  # shared bootstrap contexts, never extracted

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.of.values())))

    def members(self) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        for path, unit in self.of.items():
            grouped.setdefault(unit, []).append(path)
        return {unit: tuple(sorted(paths)) for unit, paths in sorted(grouped.items())}


def resolve_units(
    graph_files: Iterable[str],
    components: Mapping[str, tuple[str, ...]],
    configured: bool,
    contexts: ContextsResult | None,
) -> Units:
    """Contexts first, configured components next, top-level packages last."""
    files = sorted(graph_files)
    if contexts is not None and contexts.contexts:
        names = _context_names(contexts)
        of = {path: names[c.id] for c in contexts.contexts for path in c.files}
        platform = frozenset(names[c.id] for c in contexts.contexts if c.platform)
        return Units("context", {p: of[p] for p in files if p in of}, platform)
    production = [p for p in files if is_production(p)]
    if configured and components:
        component_of = component_resolver(components)
        return Units("component", {p: component_of(p) for p in production})
    of, shells = split_dominant({p: top_level_package(p) for p in production})
    return Units("package", of, frozenset(shells))


MAX_SHARE = 0.5  # a package holding more of the files is split into its sub-folders
MAX_SPLITS = 4


def split_dominant(of: Mapping[str, str]) -> tuple[dict[str, str], set[str]]:
    """Split the package holding most of the files into its sub-folders (files directly in
    it stay in it), again while one holds more than half: ``src/shop/{orders,billing}``
    gives ``src/shop/orders``, ``src/shop/billing`` rather than one ``src/shop``.

    Also returns the split packages: what is left directly in them is the project's shell
    (settings, entry points, wiring), shared platform rather than a part to extract."""
    out = dict(of)
    shells: set[str] = set()
    for _ in range(MAX_SPLITS):
        sizes: dict[str, int] = {}
        for unit in out.values():
            sizes[unit] = sizes.get(unit, 0) + 1
        largest = min(sizes, key=lambda u: (-sizes[u], u)) if sizes else None
        if largest is None or sizes[largest] <= MAX_SHARE * len(out):
            break
        split = {p: _child(p, largest) for p, u in out.items() if u == largest}
        if len(set(split.values())) < 2:
            break
        out.update(split)
        shells.add(largest)
    return out, shells & set(out.values())


def _child(path: str, unit: str) -> str:
    rest = path[len(unit) + 1 :] if unit != ROOT_UNIT else path
    folder, _, _name = rest.partition("/")
    if not _name:
        return unit  # directly inside the unit
    return folder if unit == ROOT_UNIT else f"{unit}/{folder}"


def _context_names(contexts: ContextsResult) -> dict[str, str]:
    """Readable, unique names: the context's name, its id appended when names repeat."""
    counts: dict[str, int] = {}
    for context in contexts.contexts:
        counts[context.name] = counts.get(context.name, 0) + 1
    return {
        c.id: c.name if counts[c.name] == 1 and c.name else f"{c.name or 'context'} ({c.id})"
        for c in contexts.contexts
    }
