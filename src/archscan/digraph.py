"""A small directed graph and the few graph algorithms archscan uses.

archscan used networkx for these; ``import networkx`` loads every algorithm it has and
scans the installed packages for backends: 0.10-0.14 s of every run, a twentieth of a
re-run after one commit on saleor (measured with ``python -X importtime``). What
archscan needs is a dict-of-dicts graph and six algorithms, written here with the same
results as networkx's (the tests compare them with networkx, kept as the oracle):

- nodes and edges iterate in insertion order, an edge's attributes are one dict shared
  by both directions, as in ``networkx.DiGraph``;
- :func:`strongly_connected_components` is the same iterative Tarjan (with Nuutila's
  refinements), so the components come in the same order, and :func:`condensation`
  numbers them in that order;
- the topological sorts visit nodes in networkx's order (generations; a heap keyed by
  ``(key, insertion index)``);
- :func:`modularity` performs the same floating-point operations in the same order;
- :func:`minimum_cut_source_side` gives the source side networkx's ``minimum_cut``
  gives: every node that cannot reach the sink in the residual network. That set is
  the same for every maximum flow, so any max-flow algorithm finds it;
- :func:`max_bipartite_matching` is Hopcroft-Karp: a maximum matching (its size is
  what every maximum matching shares).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, KeysView, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Generic, Literal, TypeVar, overload

N = TypeVar("N", bound=Hashable)
L = TypeVar("L", bound=Hashable)
R = TypeVar("R", bound=Hashable)

Attributes = dict[str, Any]


class DiGraph(Generic[N]):
    """Nodes in insertion order; ``graph[u][v]`` is the attribute dict of edge u -> v."""

    __slots__ = ("_pred", "_succ")

    def __init__(self, edges: Iterable[tuple[N, N]] = ()) -> None:
        self._succ: dict[N, dict[N, Attributes]] = {}
        self._pred: dict[N, dict[N, Attributes]] = {}
        self.add_edges_from(edges)

    def add_node(self, node: N) -> None:
        if node not in self._succ:
            self._succ[node] = {}
            self._pred[node] = {}

    def add_nodes_from(self, nodes: Iterable[N]) -> None:
        for node in nodes:
            self.add_node(node)

    def add_edge(self, u: N, v: N, **attributes: Any) -> None:
        """Adds the nodes as needed; an existing edge keeps its dict, updated."""
        self.add_node(u)
        self.add_node(v)
        data = self._succ[u].get(v)
        if data is None:
            data = self._succ[u][v] = self._pred[v][u] = {}
        data.update(attributes)

    def add_edge_dict(self, u: N, v: N, attributes: Attributes) -> None:
        """``add_edge(u, v, **attributes)`` where ``attributes`` is a new dict: it becomes
        the edge's own (no copy; 30,000 edges on saleor)."""
        succ = self._succ
        if u not in succ:
            self.add_node(u)
        if v not in succ:
            self.add_node(v)
        data = succ[u].get(v)
        if data is None:
            succ[u][v] = self._pred[v][u] = attributes
        else:
            data.update(attributes)

    def add_edges_from(self, edges: Iterable[tuple[N, N] | tuple[N, N, Mapping[str, Any]]]) -> None:
        for edge in edges:
            if len(edge) == 3:
                self.add_edge(edge[0], edge[1], **edge[2])
            else:
                self.add_edge(edge[0], edge[1])

    @property
    def nodes(self) -> KeysView[N]:
        return self._succ.keys()

    @overload
    def edges(self, data: Literal[False] = False) -> Iterator[tuple[N, N]]: ...

    @overload
    def edges(self, data: Literal[True]) -> Iterator[tuple[N, N, Attributes]]: ...

    def edges(self, data: bool = False) -> Iterator[tuple[Any, ...]]:
        """Every edge, by source in node order, then by target in insertion order."""
        if data:
            return ((u, v, d) for u, targets in self._succ.items() for v, d in targets.items())
        return ((u, v) for u, targets in self._succ.items() for v in targets)

    def successors(self, node: N) -> Iterator[N]:
        return iter(self._succ[node])

    def predecessors(self, node: N) -> Iterator[N]:
        return iter(self._pred[node])

    def out_degree(self, node: N) -> int:
        return len(self._succ[node])

    def in_degree(self, node: N) -> int:
        return len(self._pred[node])

    def has_edge(self, u: N, v: N) -> bool:
        return u in self._succ and v in self._succ[u]

    def number_of_nodes(self) -> int:
        return len(self._succ)

    def __getitem__(self, node: N) -> dict[N, Attributes]:
        return self._succ[node]

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def __iter__(self) -> Iterator[N]:
        return iter(self._succ)

    def __len__(self) -> int:
        return len(self._succ)

    def subgraph(self, nodes: Iterable[N]) -> DiGraph[N]:
        """A new graph of ``nodes`` (those in this graph) and the edges among them, in
        this graph's order; the edges share this graph's attribute dicts."""
        keep = {n for n in nodes if n in self._succ}
        sub: DiGraph[N] = DiGraph()
        for node in self._succ:
            if node in keep:
                sub._succ[node] = {}
                sub._pred[node] = {}
        for u, targets in sub._succ.items():
            for v, data in self._succ[u].items():
                if v in keep:
                    targets[v] = sub._pred[v][u] = data
        return sub

    def reverse(self) -> DiGraph[N]:
        """A new graph with every edge turned round (copied attribute dicts)."""
        reversed_: DiGraph[N] = DiGraph()
        reversed_.add_nodes_from(self._succ)
        for u, v, data in self.edges(data=True):
            reversed_.add_edge(v, u, **data)
        return reversed_


def strongly_connected_components(graph: DiGraph[N]) -> Iterator[set[N]]:
    """The strongly connected components, each as it completes (a component comes after
    every component it reaches): networkx's iterative Tarjan, visit for visit."""
    succ = graph._succ
    preorder: dict[N, int] = {}
    lowlink: dict[N, int] = {}
    found: set[N] = set()
    waiting: list[N] = []
    counter = 0
    neighbours = {v: iter(succ[v]) for v in succ}
    for source in succ:
        if source in found:
            continue
        queue = [source]
        while queue:
            v = queue[-1]
            if v not in preorder:
                counter += 1
                preorder[v] = counter
            done = True
            for w in neighbours[v]:
                if w not in preorder:
                    queue.append(w)
                    done = False
                    break
            if not done:
                continue
            low = preorder[v]
            for w in succ[v]:
                if w not in found:
                    low = min(low, lowlink[w] if preorder[w] > preorder[v] else preorder[w])
            lowlink[v] = low
            queue.pop()
            if low == preorder[v]:
                component = {v}
                while waiting and preorder[waiting[-1]] > preorder[v]:
                    component.add(waiting.pop())
                found.update(component)
                yield component
            else:
                waiting.append(v)


@dataclass(frozen=True)
class Condensation(Generic[N]):
    """Each strongly connected component as one node (numbered as found); ``members[i]``
    holds the nodes of component ``i``, ``mapping`` each node's component."""

    graph: DiGraph[int]
    members: Sequence[set[N]]
    mapping: Mapping[N, int]


def condensation(graph: DiGraph[N], components: Iterable[set[N]] | None = None) -> Condensation[N]:
    members = list(strongly_connected_components(graph) if components is None else components)
    mapping = {node: i for i, component in enumerate(members) for node in component}
    condensed: DiGraph[int] = DiGraph()
    condensed.add_nodes_from(range(len(members)))
    for u, v in graph.edges():
        if mapping[u] != mapping[v]:
            condensed.add_edge(mapping[u], mapping[v])
    return Condensation(condensed, members, mapping)


class CycleError(ValueError):
    """A topological order was asked of a graph with a cycle."""


def _indegrees(graph: DiGraph[N]) -> tuple[dict[N, int], list[N]]:
    """The positive in-degrees, and the nodes of in-degree 0 in node order."""
    positive = {v: len(p) for v, p in graph._pred.items() if p}
    return positive, [v for v, p in graph._pred.items() if not p]


def topological_sort(graph: DiGraph[N]) -> Iterator[N]:
    """Generation by generation (Kahn), each in the order its nodes became free."""
    indegree, free = _indegrees(graph)
    while free:
        generation, free = free, []
        for node in generation:
            for child in graph._succ[node]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    free.append(child)
                    del indegree[child]
        yield from generation
    if indegree:
        raise CycleError("the graph has a cycle")


def lexicographical_topological_sort(graph: DiGraph[N], key: Callable[[N], Any]) -> Iterator[N]:
    """Of the nodes free at each step, the one with the smallest ``(key, insertion
    index)`` first."""
    position = {n: i for i, n in enumerate(graph._succ)}
    indegree, free = _indegrees(graph)
    heap = [(key(v), position[v], v) for v in free]
    heapq.heapify(heap)
    while heap:
        _key, _index, node = heapq.heappop(heap)
        for child in graph._succ[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(heap, (key(child), position[child], child))
                del indegree[child]
        yield node
    if indegree:
        raise CycleError("the graph has a cycle")


def modularity(graph: DiGraph[N], communities: Sequence[set[N]]) -> float:
    """Directed modularity of a partition of the nodes, every edge of weight 1 (Leicht &
    Newman 2008): sum over communities of L_c / m - k_out(c) * k_in(c) / m^2."""
    m = sum(len(targets) for targets in graph._succ.values())
    norm = 1 / m**2

    def contribution(community: set[N]) -> float:
        inside = sum(1 for u in community for v in graph._succ[u] if v in community)
        out_sum = sum(len(graph._succ[u]) for u in community)
        in_sum = sum(len(graph._pred[u]) for u in community)
        return inside / m - out_sum * in_sum * norm  # networkx: resolution (1) * ...

    return sum(map(contribution, communities))


def minimum_cut_source_side(capacity: Mapping[tuple[N, N], int], source: N, sink: N) -> set[N]:
    """The source side of a minimum ``source``-``sink`` cut of the arcs ``capacity``:
    the nodes that cannot reach ``sink`` in the residual network of a maximum flow
    (networkx's ``minimum_cut`` partition). Dinic's algorithm on integer capacities:
    a breadth-first pass per phase, not per augmenting path (Edmonds-Karp's 228 passes
    on a large unit of saleor took 0.006 s)."""
    residual: dict[N, dict[N, int]] = {}
    for (u, v), c in capacity.items():
        residual.setdefault(u, {}).setdefault(v, 0)
        residual.setdefault(v, {}).setdefault(u, 0)
        residual[u][v] += c
    if source not in residual or sink not in residual:
        raise KeyError("the source and the sink must be nodes of the network")
    while (level := _levels(residual, source, sink)) is not None:
        _blocking_flow(residual, level, source, sink)
    reaches_sink = {sink}
    frontier = deque([sink])
    while frontier:
        v = frontier.popleft()
        for u in residual[v]:  # arcs are paired: u -> v exists wherever v -> u does
            if u not in reaches_sink and residual[u][v] > 0:
                reaches_sink.add(u)
                frontier.append(u)
    return set(residual) - reaches_sink


def _levels(residual: Mapping[N, Mapping[N, int]], source: N, sink: N) -> dict[N, int] | None:
    """Each node's distance from ``source`` along positive residual arcs, up to the
    sink's; None when the sink cannot be reached (the flow is maximum)."""
    level = {source: 0}
    frontier = deque([source])
    while frontier:
        u = frontier.popleft()
        if level[u] >= level.get(sink, len(residual)):
            break  # farther nodes lead to the sink by no shortest path
        for v, left in residual[u].items():
            if left > 0 and v not in level:
                level[v] = level[u] + 1
                frontier.append(v)
    return level if sink in level and sink != source else None  # (no flow into itself)


def _blocking_flow(
    residual: dict[N, dict[N, int]], level: Mapping[N, int], source: N, sink: N
) -> None:
    """Augments along shortest paths (each arc one level down) until none is left: a
    depth-first walk from each node's current arc, dead ends dropped for the phase."""
    ahead = {
        u: [v for v, left in residual[u].items() if left > 0 and level.get(v) == depth + 1]
        for u, depth in level.items()
    }
    current = dict.fromkeys(ahead, 0)
    path = [source]
    while path:
        u = path[-1]
        if u == sink:
            arcs = list(pairwise(path))
            pushed = min(residual[a][b] for a, b in arcs)
            for a, b in arcs:
                residual[a][b] -= pushed
                residual[b][a] += pushed
            # back to the tail of the first arc it filled
            del path[next(i for i, (a, b) in enumerate(arcs) if not residual[a][b]) + 1 :]
            continue
        options, i = ahead[u], current[u]
        while i < len(options) and not residual[u][options[i]]:
            i += 1  # filled in this phase
        current[u] = i
        if i < len(options):
            path.append(options[i])
        else:
            path.pop()  # a dead end: its parent moves on to its next arc
            if path:
                current[path[-1]] += 1


def max_bipartite_matching(adjacency: Mapping[L, Sequence[R]]) -> dict[L, R]:
    """A maximum matching of the bipartite graph whose left nodes are ``adjacency``'s
    keys, each with its right neighbours (Hopcroft & Karp 1973)."""
    match_left: dict[L, R] = {}
    match_right: dict[R, L] = {}
    while True:
        layer = _free_layers(adjacency, match_left, match_right)
        if layer is None:
            return match_left
        for left in adjacency:
            if left not in match_left:
                _augment(left, adjacency, layer, match_left, match_right)


def _free_layers(
    adjacency: Mapping[L, Sequence[R]], match_left: Mapping[L, R], match_right: Mapping[R, L]
) -> dict[L, int] | None:
    """Breadth-first layers of left nodes from the free ones along alternating paths;
    None when no augmenting path is left."""
    layer = {left: 0 for left in adjacency if left not in match_left}
    frontier = deque(layer)
    found = False
    while frontier:
        left = frontier.popleft()
        for right in adjacency[left]:
            partner = match_right.get(right)
            if partner is None:
                found = True
            elif partner not in layer:
                layer[partner] = layer[left] + 1
                frontier.append(partner)
    return layer if found else None


def _augment(
    start: L,
    adjacency: Mapping[L, Sequence[R]],
    layer: dict[L, int],
    match_left: dict[L, R],
    match_right: dict[R, L],
) -> bool:
    """One augmenting path from ``start`` along the layers (an explicit stack: paths can
    be longer than Python's recursion limit)."""
    stack: list[tuple[L, Iterator[R]]] = [(start, iter(adjacency[start]))]
    via: list[R] = []
    while stack:
        left, options = stack[-1]
        for right in options:
            partner = match_right.get(right)
            if partner is None:
                via.append(right)
                for (node, _), taken in zip(stack, via, strict=True):
                    match_left[node] = taken
                    match_right[taken] = node
                return True
            if layer.get(partner) == layer[left] + 1:
                via.append(right)
                stack.append((partner, iter(adjacency[partner])))
                break
        else:
            layer[left] = -1  # a dead end for the rest of this phase
            stack.pop()
            if via:
                via.pop()
    return False
