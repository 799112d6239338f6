"""The units the recommendation reasons about: candidate bounded contexts when the contexts
stage ran, else the configured components, else top-level source packages.

One record, computed once and shared by the teams, assessment and plan stages, so that every
figure of the recommendation speaks about the same groups of files. Members are the files of
the architecture view (production code by default, file roles from roles.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from archscan import digraph
from archscan.graph import UNASSIGNED
from archscan.records import Boundaries, ContextsResult, Dependency

# Folders that hold sources but name no part of the system: a top-level package is the
# first folder below them ("src/billing/x.py" -> "billing").
SOURCE_ROOTS = frozenset(
    {"src", "lib", "app", "apps", "pkg", "packages", "internal", "source", "sources"}
    | {"main", "java", "kotlin", "python", "modules", "services", "cmd", "server"}
)
ROOT_UNIT = "(root)"
PLATFORM_KINDS = frozenset({"django-project"})


def in_units(path: str, role: str, view_roles: Iterable[str]) -> bool:
    """Files of the architecture view (production code by default, roles.py), outside
    tool folders (.github, .devcontainer, ...)."""
    if role not in view_roles:
        return False
    return not any(folder.startswith(".") for folder in path.split("/")[:-1])


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
    roles: Mapping[str, str],
    view_roles: Iterable[str],
    boundaries: Boundaries | None,
    contexts: ContextsResult | None,
    dependencies: Sequence[Dependency] = (),
) -> Units:
    """Contexts first; configured components next; then detected deployable/build units or
    top-level packages, whichever partition of the file graph is more modular (build
    projects are often layers: `Orders.Domain`, `Orders.Api`; the packages features)."""
    files = sorted(graph_files)
    if contexts is not None and contexts.contexts:
        names = _context_names(contexts)
        of = {path: names[c.id] for c in contexts.contexts for path in c.files}
        platform = frozenset(names[c.id] for c in contexts.contexts if c.platform)
        return Units("context", {p: of[p] for p in files if p in of}, platform)
    view = tuple(view_roles)
    production = [p for p in files if in_units(p, roles.get(p, "production"), view)]
    of, shells = split_dominant({p: top_level_package(p) for p in production})
    packages = Units("package", of, frozenset(shells))
    if boundaries is None or boundaries.kind not in ("configured", "deployables"):
        return packages
    of = {p: boundaries.of(p) for p in production}
    if len(set(of.values()) - {UNASSIGNED}) < 2:
        return packages
    # a Django project (settings, urls, wsgi) is the shell the apps plug into: platform
    shells = {g.name for g in boundaries.groups if g.kind in PLATFORM_KINDS} | {UNASSIGNED}
    components = Units("component", of, frozenset(shells & set(of.values())))
    if boundaries.kind == "configured":
        return components
    if newman_q(packages, dependencies) > newman_q(components, dependencies):
        return packages
    return components


def newman_q(units: Units, dependencies: Sequence[Dependency]) -> float:
    """Directed modularity of the unit partition over the file graph (shared definitions):
    Q = (1/m) sum_ij [A_ij - k_i^out k_j^in / m] delta(c_i, c_j)."""
    edges = [
        (d.source, d.target)
        for d in dependencies
        if d.source in units.of and d.target in units.of and d.source != d.target
    ]
    if not edges or len(units.names) < 2:
        return 0.0
    graph: digraph.DiGraph[str] = digraph.DiGraph(edges)
    communities = [set(files) & set(graph.nodes) for files in units.members().values()]
    return round(digraph.modularity(graph, [c for c in communities if c]), 4)


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
