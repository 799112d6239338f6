"""Decomposition quality metrics against hand-computed values, and MoJo against its
definition: a breadth-first search over Move and Join operations (the oracle)."""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Hashable, Iterator, Mapping

import pytest

from archscan.contexts import quality

# a -> b and c -> d inside, a -> c across; X = {a, b}, Y = {c, d}
EDGES = [("a", "b", 1), ("c", "d", 1), ("a", "c", 1)]
LABELS = {"a": "X", "b": "X", "c": "Y", "d": "Y"}


def test_structural_metrics_by_hand() -> None:
    # m = 3; X: out 2, in 1, inside 1; Y: out 1, in 2, inside 1
    assert quality.modularity(EDGES, LABELS) == pytest.approx(2 / 3 - 4 / 9)
    # (1/2)(1/4 + 1/4) - 2/(2*1) * 1/(2*2*2)
    assert quality.structural_modularity(EDGES, LABELS) == pytest.approx(0.125)
    assert quality.icp(EDGES, LABELS) == pytest.approx(1 / 3)
    assert quality.ifn(EDGES, LABELS) == pytest.approx(0.5)  # only c is used from outside
    assert quality.ned(LABELS) == pytest.approx(1.0)  # no partition has 5..20 members
    raw, normalised = quality.turbomq(EDGES, LABELS)
    assert raw == pytest.approx(4 / 3)  # CF = 2/(2+1) for both
    assert normalised == pytest.approx(100 * (4 / 3) / 2)
    co_change = {("a", "b"): 1.0, ("a", "c"): 1.0}
    assert quality.co_change_crossing(co_change, LABELS) == pytest.approx(0.5)


def test_icp_uses_log_weights_and_ned_counts_mid_sized_partitions() -> None:
    edges = [("a", "b", 3), ("a", "c", 1)]
    assert quality.icp(edges, LABELS) == pytest.approx(
        __import__("math").log(2) / (__import__("math").log(4) + __import__("math").log(2))
    )
    labels = {str(i): ("big" if i < 6 else "small") for i in range(8)}
    assert quality.ned(labels) == pytest.approx(1 - 6 / 8)


def test_turbomq_is_zero_for_a_partition_without_inner_edges() -> None:
    raw, _ = quality.turbomq([("a", "c", 1)], LABELS)
    assert raw == 0.0


def _partitions(items: list[str]) -> Iterator[list[list[str]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for smaller in _partitions(rest):
        for i in range(len(smaller)):
            yield [*smaller[:i], [first, *smaller[i]], *smaller[i + 1 :]]
        yield [[first], *smaller]


def _key(clusters: list[list[str]] | tuple[frozenset[str], ...]) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(c) for c in clusters if c)


def _bfs_mno(a: Mapping[str, Hashable], b: Mapping[str, Hashable]) -> int:
    """The definition: fewest Move (one object to another or a new cluster) and Join
    (two clusters) operations from A to B."""

    def clusters(labels: Mapping[str, Hashable]) -> frozenset[frozenset[str]]:
        out: dict[Hashable, set[str]] = {}
        for member, label in labels.items():
            out.setdefault(label, set()).add(member)
        return frozenset(frozenset(c) for c in out.values())

    start, goal = clusters(a), clusters(b)
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        state, depth = queue.popleft()
        if state == goal:
            return depth
        groups = list(state)
        successors = []
        for i, j in itertools.combinations(range(len(groups)), 2):
            successors.append(
                [g for k, g in enumerate(groups) if k not in (i, j)] + [groups[i] | groups[j]]
            )
        for i, group in enumerate(groups):
            for member in group:
                rest = [g for k, g in enumerate(groups) if k != i] + [group - {member}]
                successors.append([*rest, frozenset({member})])
                for j in range(len(groups)):
                    if j != i:
                        moved = [
                            g | {member} if k == j else (g - {member} if k == i else g)
                            for k, g in enumerate(groups)
                        ]
                        successors.append(moved)
        for successor in successors:
            key = frozenset(frozenset(g) for g in successor if g)
            if key not in seen:
                seen.add(key)
                queue.append((key, depth + 1))
    raise AssertionError("unreachable")


def _labels(clusters: list[list[str]]) -> dict[str, int]:
    return {m: i for i, c in enumerate(clusters) for m in c}


def test_mno_by_hand() -> None:
    # A = {1,2,3} {4,5} {6}, B = {1,2} {3,4,5,6}: move 3, join {4,5} and {6}
    a = _labels([["1", "2", "3"], ["4", "5"], ["6"]])
    b = _labels([["1", "2"], ["3", "4", "5", "6"]])
    assert quality.mno(a, b) == 2
    assert quality.max_mno(b) == 4  # n = 6, g = 2
    assert quality.mojofm(a, b) == pytest.approx(50.0)
    assert quality.mojofm(b, b) == pytest.approx(100.0)


def test_mno_and_its_maximum_match_the_definition() -> None:
    rng = random.Random(7)
    items = [str(i) for i in range(6)]
    everything = [_labels(p) for p in _partitions(items)]
    for _ in range(12):
        b = rng.choice(everything)
        for a in rng.sample(everything, 8):
            assert quality.mno(a, b) == _bfs_mno(a, b)
        assert quality.max_mno(b) == max(quality.mno(a, b) for a in everything)


def test_uncovered_ground_truth_members_go_into_one_extra_cluster() -> None:
    truth = _labels([["1", "2"], ["3", "4"]])
    proposal = {"1": "p", "2": "p"}  # 3 and 4 not covered: together in "unobserved"
    assert quality.mojofm(proposal, truth) == pytest.approx(100.0)
    proposal = {"1": "p", "2": "p", "9": "p"}  # members outside the truth are dropped
    assert quality.mojofm(proposal, truth) == pytest.approx(100.0)


def test_c2c_by_hand() -> None:
    truth = _labels([["1", "2", "3", "4"], ["5", "6"]])
    proposal = _labels([["1", "2", "3"], ["4", "5", "6"]])
    # {1,2,3}: 3/4 with the first; {4,5,6}: 2/3 with the second
    assert quality.c2c(proposal, truth, 0.5) == pytest.approx(100.0)
    assert quality.c2c(proposal, truth, 0.7) == pytest.approx(50.0)


def test_structural_is_each_metric_on_its_own() -> None:
    rng = random.Random(3)
    members = [f"m{i}" for i in range(40)]
    labels = {m: rng.choice("ABCDE") for m in members[:35]}  # 5 members outside
    edges = [(rng.choice(members), rng.choice(members), rng.randint(1, 4)) for _ in range(300)]
    metrics = quality.structural(edges, labels)
    assert metrics == quality.Structural(
        modularity=quality.modularity(edges, labels),
        structural_modularity=quality.structural_modularity(edges, labels),
        icp=quality.icp(edges, labels),
        ifn=quality.ifn(edges, labels),
        turbomq=quality.turbomq(edges, labels)[0],
        turbomq_normalised=quality.turbomq(edges, labels)[1],
    )
    assert quality.structural([], {}) == quality.Structural(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
