"""archscan.digraph against networkx, the oracle: the same components in the same order,
the same topological orders, the same modularity to the last bit, the same min-cut side
and matching size, on random graphs."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from archscan import digraph

SEEDS = range(40)


def _random_edges(rng: random.Random, n: int, p: float) -> list[tuple[str, str]]:
    nodes = [f"n{i:03d}" for i in range(n)]
    rng.shuffle(nodes)  # insertion order unlike the names' order
    return [(a, b) for a in nodes for b in nodes if a != b and rng.random() < p]


def _pair(
    edges: list[tuple[str, str]], extra: tuple[str, ...] = ()
) -> tuple[digraph.DiGraph[str], nx.DiGraph]:
    ours: digraph.DiGraph[str] = digraph.DiGraph()
    theirs = nx.DiGraph()
    for graph in (ours, theirs):
        graph.add_nodes_from(extra)
        graph.add_edges_from(edges)
    return ours, theirs


def _graphs() -> list[tuple[digraph.DiGraph[str], nx.DiGraph]]:
    found = []
    for seed in SEEDS:
        rng = random.Random(seed)
        n = rng.randint(1, 60)
        found.append(_pair(_random_edges(rng, n, rng.choice([0.01, 0.03, 0.08])), ("lone",)))
    return found


def test_graph_order_and_attributes_match_networkx() -> None:
    ours: digraph.DiGraph[str] = digraph.DiGraph()
    theirs = nx.DiGraph()
    for graph in (ours, theirs):
        graph.add_nodes_from(["c", "a"])
        graph.add_edge("b", "a", kind="import", weight=1)
        graph.add_edge("a", "c", weight=2)
        graph.add_edge("b", "a", weight=3)  # an existing edge: its dict updated
        graph.add_edges_from([("c", "b", {"weight": 4}), ("d", "a")])
    ours.add_edge_dict("e", "c", {"weight": 5})
    ours.add_edge_dict("a", "c", {"kind": "call"})  # an existing edge: its dict updated
    theirs.add_edge("e", "c", weight=5)
    theirs.add_edge("a", "c", kind="call")
    assert list(ours.nodes) == list(theirs.nodes)
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    assert list(ours.edges()) == list(theirs.edges())
    assert ours["b"]["a"] == {"kind": "import", "weight": 3}
    assert ours["b"]["a"] is next(d for u, v, d in ours.edges(data=True) if (u, v) == ("b", "a"))
    for node in theirs:
        assert list(ours.successors(node)) == list(theirs.successors(node))
        assert list(ours.predecessors(node)) == list(theirs.predecessors(node))
        assert (ours.in_degree(node), ours.out_degree(node)) == (
            theirs.in_degree(node),
            theirs.out_degree(node),
        )
    assert ours.has_edge("a", "c") and not ours.has_edge("c", "a") and not ours.has_edge("x", "a")
    assert (len(ours), ours.number_of_nodes(), "d" in ours) == (5, 5, True)
    reversed_ = ours.reverse()
    assert list(reversed_.edges(data=True)) == list(theirs.reverse(copy=True).edges(data=True))
    assert reversed_["a"]["b"] is not ours["b"]["a"]  # copied, as networkx copies


def test_subgraph_keeps_the_graph_order() -> None:
    for ours, theirs in _graphs():
        keep = [n for i, n in enumerate(theirs) if i % 3 != 1] + ["not a node"]
        sub = ours.subgraph(keep)
        expected = theirs.subgraph(keep)
        assert list(sub.nodes) == [n for n in theirs if n in set(keep)]
        assert sorted(sub.edges()) == sorted(expected.edges())
        assert list(sub.edges()) == [(u, v) for u, v in ours.edges() if u in sub and v in sub]


def test_strongly_connected_components_in_networkx_order() -> None:
    for ours, theirs in _graphs():
        assert list(digraph.strongly_connected_components(ours)) == list(
            nx.strongly_connected_components(theirs)
        )


def test_condensation_matches_networkx() -> None:
    for ours, theirs in _graphs():
        condensed = digraph.condensation(ours)
        expected = nx.condensation(theirs)
        assert list(condensed.members) == [expected.nodes[n]["members"] for n in expected]
        assert dict(condensed.mapping) == expected.graph["mapping"]
        assert list(condensed.graph.edges()) == list(expected.edges())
        assert list(condensed.graph.nodes) == list(expected.nodes)


def test_topological_sorts_match_networkx() -> None:
    for ours, theirs in _graphs():
        condensed, expected = digraph.condensation(ours).graph, nx.condensation(theirs)
        assert list(digraph.topological_sort(condensed)) == list(nx.topological_sort(expected))
        key = lambda n: -n % 7  # noqa: E731 - ties broken by insertion order
        assert list(digraph.lexicographical_topological_sort(condensed, key)) == list(
            nx.lexicographical_topological_sort(expected, key=key)
        )


def test_topological_sort_of_a_cycle_raises() -> None:
    cyclic: digraph.DiGraph[str] = digraph.DiGraph([("a", "b"), ("b", "a"), ("c", "a")])
    with pytest.raises(digraph.CycleError):
        list(digraph.topological_sort(cyclic))
    with pytest.raises(digraph.CycleError):
        list(digraph.lexicographical_topological_sort(cyclic, key=str))


def test_modularity_matches_networkx_bit_for_bit() -> None:
    compared = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        edges = _random_edges(rng, rng.randint(2, 80), 0.05)
        if not edges:
            continue
        ours, theirs = _pair(edges)
        nodes = list(theirs)
        groups: dict[int, set[str]] = {}
        for node in nodes:
            groups.setdefault(rng.randrange(1 + len(nodes) // 5), set()).add(node)
        communities = list(groups.values())
        assert digraph.modularity(ours, communities) == nx.community.modularity(theirs, communities)
        compared += 1
    assert compared > 30


def _network(rng: random.Random) -> dict[tuple[str, str], int]:
    nodes = ["s", "t", *(f"v{i}" for i in range(rng.randint(1, 25)))]
    capacity: dict[tuple[str, str], int] = {}
    for a in nodes:
        for b in nodes:
            if a < b and rng.random() < 0.25:
                capacity[(a, b)] = rng.choice([1, 1000, 2000, 1001])
                # antiparallel arcs, mostly the same capacity (archscan's undirected cut)
                capacity[(b, a)] = capacity[(a, b)] if rng.random() < 0.8 else rng.randint(0, 9)
    capacity.setdefault(("s", nodes[-1]), 1)
    capacity.setdefault((nodes[-1], "t"), 1)
    return capacity


def test_minimum_cut_source_side_matches_networkx() -> None:
    for seed in range(200):
        capacity = _network(random.Random(seed))
        theirs = nx.DiGraph()
        theirs.add_edges_from((a, b, {"capacity": c}) for (a, b), c in capacity.items())
        value, (side, _rest) = nx.minimum_cut(theirs, "s", "t")
        ours = digraph.minimum_cut_source_side(capacity, "s", "t")
        assert ours == side, seed
        assert sum(c for (a, b), c in capacity.items() if a in ours and b not in ours) == value


def test_minimum_cut_of_large_networks_with_many_paths_per_phase() -> None:
    # archscan's shape: the unit (s) joined to many boundary files, each with an arc of 1
    # to the sink (moving it) and heavy arcs among them and to the rest (t); plus a
    # chain, where the only path is long and each phase's levels go deep
    for seed in range(30):
        rng = random.Random(seed)
        files = [f"f{i:03d}" for i in range(rng.randint(20, 150))]
        capacity: dict[tuple[str, str], int] = {}
        for f in files:
            capacity[("t", f)] = capacity[(f, "t")] = 1
            if rng.random() < 0.6:
                capacity[("s", f)] = capacity[(f, "s")] = 1000 * rng.randint(1, 4)
            for g in rng.sample(files, 3):
                if g != f:
                    capacity[(f, g)] = capacity[(g, f)] = rng.choice([1000, 2000])
        chain = [f"c{i}" for i in range(40)]
        for a, b in zip(["s", *chain], [*chain, "t"], strict=True):
            capacity[(a, b)] = rng.randint(1, 5)
        theirs = nx.DiGraph()
        theirs.add_edges_from((a, b, {"capacity": c}) for (a, b), c in capacity.items())
        _value, (side, _rest) = nx.minimum_cut(theirs, "s", "t")
        assert digraph.minimum_cut_source_side(capacity, "s", "t") == side, seed


def test_minimum_cut_needs_both_ends() -> None:
    with pytest.raises(KeyError):
        digraph.minimum_cut_source_side({("s", "a"): 1}, "s", "t")


def test_max_bipartite_matching_has_networkx_size() -> None:
    for seed in range(200):
        rng = random.Random(seed)
        left = [("A", i) for i in range(rng.randint(1, 30))]
        right = [f"b{i}" for i in range(rng.randint(1, 30))]
        adjacency = {a: [b for b in right if rng.random() < 0.12] for a in left}
        graph = nx.Graph()
        graph.add_nodes_from(left)
        graph.add_edges_from((a, ("B", b)) for a, bs in adjacency.items() for b in bs)
        expected = nx.bipartite.hopcroft_karp_matching(graph, top_nodes=left)
        matching = digraph.max_bipartite_matching(adjacency)
        assert len(matching) == sum(1 for a in left if a in expected), seed
        assert all(b in adjacency[a] for a, b in matching.items())
        assert len(set(matching.values())) == len(matching)  # each right node once


def test_long_augmenting_paths_need_no_recursion() -> None:
    # left i prefers right i + 1, so the first phase matches 0..n-2 one place along and
    # leaves the last left node free: the one augmenting path then runs the whole chain
    size = 5000
    adjacency = {i: [i + 1, i] for i in range(size - 1)} | {size - 1: [size - 1]}
    assert len(digraph.max_bipartite_matching(adjacency)) == size
