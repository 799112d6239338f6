"""Structural metrics of the dependency graph.

Definitions (sources in docs/metrics.md):
* Ca / Ce (R. C. Martin 2002): distinct files outside a group that depend on it / that
  it depends on. I = Ce / (Ca + Ce), 0 when both are 0. A = abstract types / all types.
  D = |A + I - 1|.
* Cycles: strongly connected components with more than one node.
* Propagation cost (MacCormack, Rusnak & Baldwin 2006): density of the visibility
  (transitive closure) matrix. Reported both without the diagonal (pairs i != j, the
  headline figure) and with it (MacCormack's original, which counts i -> i).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import cache

from archscan import digraph
from archscan.graph import aggregate, package_of, runtime_graph
from archscan.records import (
    ComponentMetrics,
    Cycle,
    FileFacts,
    FileMetrics,
    StructureMetrics,
)

_TYPE_KINDS = {"class", "interface", "trait", "protocol", "struct", "enum", "record", "object"}


def _round(value: float) -> float:
    return round(value, 4)


def group_metrics(
    graph: digraph.DiGraph[str],
    group_of: Callable[[str], str],
    facts: Mapping[str, FileFacts],
    kind: str,
) -> tuple[ComponentMetrics, ...]:
    members: dict[str, list[str]] = defaultdict(list)
    for node in graph.nodes:
        members[group_of(node)].append(node)
    afferent: dict[str, set[str]] = defaultdict(set)
    efferent: dict[str, set[str]] = defaultdict(set)
    depends_on: dict[str, set[str]] = defaultdict(set)
    for source, target in graph.edges():
        a, b = group_of(source), group_of(target)
        if a != b:
            efferent[a].add(target)
            afferent[b].add(source)
            depends_on[a].add(b)
    result = []
    for name in sorted(members):
        ca, ce = len(afferent[name]), len(efferent[name])
        instability = ce / (ca + ce) if ca + ce else 0.0
        types = [
            d
            for path in members[name]
            if path in facts
            for d in facts[path].definitions
            if d.kind in _TYPE_KINDS
        ]
        abstractness = sum(d.abstract for d in types) / len(types) if types else 0.0
        result.append(
            ComponentMetrics(
                name=name,
                kind=kind,
                files=len(members[name]),
                sloc=sum(facts[p].sloc for p in members[name] if p in facts),
                ca=ca,
                ce=ce,
                instability=_round(instability),
                abstractness=_round(abstractness),
                distance=_round(abs(abstractness + instability - 1)),
                depends_on=tuple(sorted(depends_on[name])),
            )
        )
    return tuple(result)


def cycles(
    graph: digraph.DiGraph[str],
    level: str,
    edge_set: str = "runtime",
    components: Iterable[set[str]] | None = None,
) -> tuple[Cycle, ...]:
    """The strongly connected components of two or more nodes (``components``: those
    of ``graph``, when already at hand), largest first."""
    found = []
    if components is None:
        components = digraph.strongly_connected_components(graph)
    for component in components:
        if len(component) < 2:
            continue
        sub = graph.subgraph(component)
        found.append(
            Cycle(
                members=tuple(sorted(component)),
                edges=tuple(sorted(sub.edges())),
                level=level,
                edge_set=edge_set,
            )
        )
    found.sort(key=lambda c: (-len(c.members), c.members))
    return tuple(found)


def propagation_cost(
    graph: digraph.DiGraph[str], condensed: digraph.Condensation[str] | None = None
) -> tuple[float, float]:
    """(density without the diagonal, MacCormack's density with it); ``condensed``: the
    graph's condensation, when already at hand.

    Reachability is computed on the condensation (a DAG) with bit sets, so the cost is
    O(components * edges / wordsize) instead of a search from every node.
    """
    n = graph.number_of_nodes()
    if n == 0:
        return 0.0, 0.0
    if condensed is None:
        condensed = digraph.condensation(graph)
    index = {node: i for i, node in enumerate(graph.nodes)}
    mask: dict[int, int] = {}
    for c, members in enumerate(condensed.members):
        bits = 0
        for node in members:
            bits |= 1 << index[node]
        mask[c] = bits
    reach: dict[int, int] = {}
    for c in reversed(list(digraph.topological_sort(condensed.graph))):
        bits = 0
        for succ in condensed.graph.successors(c):
            bits |= reach[succ] | mask[succ]
        reach[c] = bits
    without_self = with_self = 0
    for c, members in enumerate(condensed.members):
        size = len(members)
        outside = reach[c].bit_count()
        # Within a cycle every member reaches every other member and itself.
        inside = size - 1 if size > 1 else 0
        without_self += size * (outside + inside)
        # MacCormack's visibility matrix includes the identity: i always sees i.
        with_self += size * (outside + size)
    pairs = n * (n - 1)
    return (
        _round(without_self / pairs) if pairs else 0.0,
        _round(with_self / (n * n)),
    )


def file_metrics(
    graph: digraph.DiGraph[str],
    facts: Mapping[str, FileFacts],
    modules: Mapping[str, str],
    language_of: Mapping[str, str | None],
    component_of: Callable[[str], str],
) -> tuple[FileMetrics, ...]:
    rows = []
    for path in sorted(graph.nodes):
        fact = facts.get(path)
        rows.append(
            FileMetrics(
                path=path,
                language=language_of.get(path),
                module=modules.get(path, path),
                component=component_of(path),
                sloc=fact.sloc if fact else 0,
                complexity=fact.complexity if fact else 0,
                max_complexity=fact.max_complexity if fact else 0,
                functions=len(fact.functions) if fact else 0,
                fan_in=graph.in_degree(path),
                fan_out=graph.out_degree(path),
            )
        )
    return tuple(rows)


def _cycles_of(
    graph: digraph.DiGraph[str],
    package: Callable[[str], str],
    component_of: Callable[[str], str],
    has_components: bool,
    edge_set: str,
    condensed: digraph.Condensation[str],
) -> tuple[Cycle, ...]:
    """``condensed``: the graph's condensation (its members are the file cycles)."""
    found = cycles(graph, "file", edge_set, condensed.members)
    found += cycles(aggregate(graph, package), "package", edge_set)
    if has_components:
        found += cycles(aggregate(graph, component_of), "component", edge_set)
    return found


def measure_structure(
    graph: digraph.DiGraph[str],
    facts: Mapping[str, FileFacts],
    modules: Mapping[str, str],
    language_of: Mapping[str, str | None],
    component_of: Callable[[str], str],
    has_components: bool,
    in_view: Callable[[str], bool] | None = None,
) -> StructureMetrics:
    """All structural metrics at file, package and component level.

    File rows cover every node of ``graph``. Packages, components, cycles and
    propagation cost cover the architecture view: the nodes ``in_view`` accepts
    (production code by default, see roles.py). Cycles and propagation cost are given
    for the runtime edges (import-time: not type-only, not deferred; the default) and
    for all edges (``edge_set`` "all").
    """
    # Each file's package and component once, not once per edge of every aggregation
    # (a component is found by matching globs): both are functions of the path alone.
    component: Callable[[str], str] = cache(component_of)
    package: Callable[[str], str] = cache(package_of)
    # The view's own graph (digraph's subgraph is a copy, in the graph's order): every
    # pass below iterates its edges.
    view = graph if in_view is None else graph.subgraph([n for n in graph if in_view(n)])
    runtime = runtime_graph(view)
    # one search for strongly connected components per graph, for both measures
    runtime_condensed, view_condensed = digraph.condensation(runtime), digraph.condensation(view)
    without_self, with_self = propagation_cost(runtime, runtime_condensed)
    all_without, all_with = propagation_cost(view, view_condensed)
    found_cycles = _cycles_of(
        runtime, package, component, has_components, "runtime", runtime_condensed
    )
    found_cycles += _cycles_of(view, package, component, has_components, "all", view_condensed)
    components: tuple[ComponentMetrics, ...] = ()
    if has_components:
        components = group_metrics(view, component, facts, "component")
    return StructureMetrics(
        files=file_metrics(graph, facts, modules, language_of, component),
        packages=group_metrics(view, package, facts, "package"),
        components=components,
        cycles=found_cycles,
        propagation_cost=without_self,
        propagation_cost_with_self=with_self,
        propagation_cost_all=all_without,
        propagation_cost_all_with_self=all_with,
    )
