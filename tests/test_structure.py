"""Structural metrics against hand-computed values."""

from __future__ import annotations

import networkx as nx
import pytest

from archscan import digraph
from archscan.graph import aggregate, component_resolver, package_of
from archscan.metrics.structure import cycles, group_metrics, propagation_cost
from archscan.records import Definition, FileFacts


def _graph(edges: list[tuple[str, str]], nodes: tuple[str, ...] = ()) -> digraph.DiGraph[str]:
    graph: digraph.DiGraph[str] = digraph.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def test_propagation_cost_of_a_chain_and_a_cycle() -> None:
    # a -> b -> c: reachable pairs (a,b) (a,c) (b,c) = 3 of 3*2 = 6 ordered pairs.
    chain = _graph([("a", "b"), ("b", "c")])
    assert propagation_cost(chain) == (0.5, pytest.approx(round(6 / 9, 4)))
    # a <-> b, b -> c, plus isolated d: a reaches b,c; b reaches a,c; = 4 of 12.
    # With the diagonal (MacCormack): 4 + 4 (each node sees itself) = 8 of 16.
    mixed = _graph([("a", "b"), ("b", "a"), ("b", "c")], nodes=("d",))
    assert propagation_cost(mixed) == (round(4 / 12, 4), 0.5)
    assert propagation_cost(digraph.DiGraph()) == (0.0, 0.0)


def test_propagation_cost_matches_a_brute_force_closure() -> None:
    oracle = nx.gnp_random_graph(60, 0.04, seed=7, directed=True)  # networkx: the closure
    n = oracle.number_of_nodes()
    reachable = sum(len(nx.descendants(oracle, node)) for node in oracle)
    graph: digraph.DiGraph[int] = digraph.DiGraph(oracle.edges)
    graph.add_nodes_from(oracle.nodes)
    assert propagation_cost(graph)[0] == round(reachable / (n * (n - 1)), 4)


def test_afferent_efferent_instability_abstractness_distance() -> None:
    graph = _graph(
        [
            ("ui/a.py", "core/x.py"),
            ("ui/b.py", "core/x.py"),
            ("ui/b.py", "core/y.py"),
            ("core/x.py", "db/z.py"),
            ("core/x.py", "core/y.py"),  # inside core: not coupling
        ]
    )
    facts = {
        "core/x.py": FileFacts(
            "core/x.py",
            "python",
            10,
            definitions=(
                Definition("Port", "class", 1, abstract=True),
                Definition("Impl", "class", 5),
            ),
        ),
        "core/y.py": FileFacts(
            "core/y.py", "python", 5, definitions=(Definition("helper", "function", 1),)
        ),
    }
    metrics = {m.name: m for m in group_metrics(graph, package_of, facts, "package")}
    core = metrics["core"]
    assert (core.ca, core.ce) == (2, 1)  # ui/a.py, ui/b.py -> core; core -> db/z.py
    assert core.instability == round(1 / 3, 4)
    assert core.abstractness == 0.5  # functions are not types
    assert core.distance == round(abs(0.5 + 1 / 3 - 1), 4)
    assert core.sloc == 15
    assert metrics["ui"].instability == 1.0 and metrics["db"].instability == 0.0
    assert metrics["ui"].depends_on == ("core",)


def test_cycles_at_every_level_with_their_edges() -> None:
    graph = _graph([("p/a.py", "q/b.py"), ("q/b.py", "p/c.py"), ("p/c.py", "p/d.py")])
    assert cycles(graph, "file") == ()
    found = cycles(aggregate(graph, package_of), "package")
    assert len(found) == 1
    assert found[0].members == ("p", "q") and found[0].edges == (("p", "q"), ("q", "p"))
    component_of = component_resolver({"left": ("p/a.py", "p/c.py"), "right": ("q/**", "p/**")})
    assert component_of("p/c.py") == "left" and component_of("p/d.py") == "right"
    assert component_of("z.py") == "(unassigned)"
    assert [c.members for c in cycles(aggregate(graph, component_of), "component")] == [
        ("left", "right")
    ]


def test_one_dependency_per_pair_whatever_the_kinds() -> None:
    from archscan.records import Dependency
    from archscan.resolve import _one_per_pair

    merged = _one_per_pair(
        {
            Dependency("a", "b", "use", (3,), type_only=True),
            Dependency("a", "b", "reference", (9, 3), type_only=False),
            Dependency("a", "c", "import", (1,), type_only=True),
        }
    )
    assert merged == (
        Dependency("a", "b", "reference", (3, 9), type_only=False),
        Dependency("a", "c", "import", (1,), type_only=True),
    )
