"""Leiden clustering of the fused graph (graspologic-native, MIT): a resolution sweep
with several seeds per resolution, the best seed by quality, the partition chosen by
standard modularity, and co-assignment confidence."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import graspologic_native as gn

from archscan.contexts.signals import Weights

if TYPE_CHECKING:  # numpy is imported where a graph is made (arrays.py)
    import numpy as np
    import numpy.typing as npt

Partition = dict[str, int]


@dataclass(frozen=True)
class Run:
    resolution: float
    seed: int
    quality: float
    labels: Partition


@dataclass(frozen=True)
class Clustering:
    labels: Partition  # file -> community (every node of the graph)
    resolution: float
    runs: tuple[Run, ...]  # every run of the sweep (for confidence)


def _edges(weights: Weights) -> list[tuple[str, str, float]]:
    return [(a, b, w) for (a, b), w in sorted(weights.items()) if w > 0]


@dataclass(frozen=True)
class _Graph:
    """The edges as graspologic-native's ``leiden_csr`` takes them, made once for every
    run: both directions of each edge in compressed rows, the files numbered in the
    order they first occur in the edges and each row's neighbours by number. That is
    the network ``leiden`` builds from an edge list (``LabeledNetworkBuilder``: the same
    numbers, neighbours sorted by number, node weights summed in that order), so every
    run is the run on the paths (tested), while the runs read the arrays in place with
    the GIL released instead of hashing 15,000 edges' names each (saleor's 20 runs:
    0.27 -> 0.13 CPU-s), and a path with undecodable bytes needs no special case."""

    indptr: npt.NDArray[np.int64]  # row i is indices[indptr[i]:indptr[i + 1]]
    indices: npt.NDArray[np.int32]  # each row's neighbours, by number
    data: npt.NDArray[np.float64]  # their weights
    order: list[tuple[int, str]]  # (number given to Rust, file), by file


def _graph(edges: list[tuple[str, str, float]]) -> _Graph:
    from archscan.contexts.arrays import np  # here: see arrays.py

    numbers: dict[str, int] = {}
    sources: list[int] = []
    targets: list[int] = []
    for a, b, _w in edges:
        ra = numbers.get(a)
        if ra is None:
            ra = numbers[a] = len(numbers)
        rb = numbers.get(b)
        if rb is None:
            rb = numbers[b] = len(numbers)
        sources.append(ra)
        targets.append(rb)
    rows = np.array(sources + targets, dtype=np.int64)
    columns = np.array(targets + sources, dtype=np.int32)
    weights = np.array([w for _a, _b, w in edges] * 2, dtype=np.float64)
    by_row = np.lexsort((columns, rows))  # by row, then by neighbour
    indptr = np.zeros(len(numbers) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(numbers)), out=indptr[1:])
    order = [(numbers[path], path) for path in sorted(numbers)]
    return _Graph(indptr, columns[by_row], weights[by_row], order)


def leiden(graph: _Graph, resolution: float, seed: int) -> Run:
    quality, labels = gn.leiden_csr(
        graph.indptr,
        graph.indices,
        graph.data,
        len(graph.order),
        resolution=resolution,
        seed=seed,
        trials=1,
        iterations=1,
        use_modularity=True,
    )
    return Run(resolution, seed, quality, _numbered(labels, graph.order))


def _numbered(labels: Mapping[int, int], order: Sequence[tuple[int, str]]) -> Partition:
    """Communities numbered by their smallest member (by path), so that equal
    partitions are equal; ``order`` has the files in path order."""
    seen: dict[int, int] = {}
    out: Partition = {}
    for name, path in order:
        community = labels[name]
        number = seen.get(community)
        if number is None:
            number = seen[community] = len(seen)
        out[path] = number
    return out


# Above this many edges one run per resolution: the sweep's cost grows with the graph,
# and a large graph's partition varies little between seeds.
_LARGE = 50_000


def _seeds(edges: Sequence[object], seeds: int) -> int:
    return 1 if len(edges) > _LARGE else seeds


def modularity(weights: Weights, labels: Partition) -> float:
    """Newman-Girvan modularity (resolution 1) of an undirected weighted graph."""
    total = sum(weights.values())
    if not total:
        return 0.0
    inside: dict[int, float] = defaultdict(float)
    degree: dict[int, float] = defaultdict(float)
    for (a, b), w in weights.items():
        ca, cb = labels[a], labels[b]
        degree[ca] += w
        degree[cb] += w
        if ca == cb:
            inside[ca] += w
    return sum(inside[c] / total - (degree[c] / (2 * total)) ** 2 for c in degree)


@dataclass(frozen=True)
class _Pairs:
    """A sweep's weights for :func:`modularity`, as the graph's numbers: both ends of
    each pair in turn, in the weights' order, so that numpy's sums (bincount adds in the
    order given) are those of the loop over the pairs, float for float. Made once for
    the sweep's five partitions (saleor: ~4 ms each by the loop)."""

    ends: npt.NDArray[np.int64]  # a0, b0, a1, b1, ...
    twice: npt.NDArray[np.float64]  # w0, w0, w1, w1, ...
    total: float  # sum(weights.values()), as modularity sums it
    numbers: npt.NDArray[np.int64]  # the graph's numbers, in path order
    paths: list[str]  # the graph's files, in path order


def _pairs(weights: Weights, graph: _Graph) -> _Pairs:
    from archscan.contexts.arrays import np

    number = {path: n for n, path in graph.order}.__getitem__
    count = len(weights)
    ends = np.fromiter(map(number, chain.from_iterable(weights)), dtype=np.int64, count=2 * count)
    values = np.fromiter(weights.values(), dtype=np.float64, count=count)
    numbers = np.array([n for n, _ in graph.order], dtype=np.int64)
    total = sum(weights.values())
    return _Pairs(ends, np.repeat(values, 2), total, numbers, [p for _, p in graph.order])


def _modularity(pairs: _Pairs, labels: Partition) -> float:
    """``modularity(weights, labels)`` of the weights ``pairs`` holds, by the same float
    operations in the same order (tested equal)."""
    from archscan.contexts.arrays import np

    total = pairs.total
    if not total:
        return 0.0
    by_number = np.empty(len(pairs.paths), dtype=np.int64)
    by_number[pairs.numbers] = np.fromiter(map(labels.__getitem__, pairs.paths), dtype=np.int64)
    communities = by_number[pairs.ends]  # ca0, cb0, ca1, cb1, ...: the loop's order
    degree = np.bincount(communities, weights=pairs.twice).tolist()
    a, b = communities[0::2], communities[1::2]
    same = a == b
    within = pairs.twice[0::2][same]
    inside = np.bincount(a[same], weights=within, minlength=len(degree)).tolist()
    _, first = np.unique(communities, return_index=True)
    seen = communities[np.sort(first)].tolist()  # the loop's dict order: first seen
    return sum(inside[c] / total - (degree[c] / (2 * total)) ** 2 for c in seen)


def _runs(graph: _Graph, tasks: Sequence[tuple[float, int]], jobs: int) -> list[Run]:
    """One Leiden run per (resolution, seed), in the order given. ``leiden_csr`` releases
    the GIL while it runs, so threads run them side by side; each run is seeded and only
    reads the graph's arrays, so the results are those of running them one by one."""

    def run(task: tuple[float, int]) -> Run:
        return leiden(graph, *task)

    if jobs <= 1 or len(tasks) < 2:
        return [run(task) for task in tasks]
    with ThreadPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        return list(pool.map(run, tasks))


def sweep(
    weights: Weights, resolutions: Sequence[float], seeds: int, seed: int, jobs: int = 1
) -> Clustering:
    """Every resolution, ``seeds`` runs each; per resolution the best run by its own
    quality; of those, the partition with the highest standard modularity (resolution 1),
    ties to the resolution nearest 1. The sweep is a multi-start that lets the method pick
    the number of contexts, and its runs measure how stable each context is."""
    edges = _edges(weights)
    graph = _graph(edges)
    per = _seeds(edges, seeds)
    tasks = [(resolution, seed + i) for resolution in resolutions for i in range(per)]
    done = _runs(graph, tasks, jobs)
    pairs = _pairs(weights, graph)
    runs: list[Run] = []
    best: list[tuple[float, float, Run]] = []
    for index, resolution in enumerate(resolutions):
        batch = done[index * per : (index + 1) * per]
        runs.extend(batch)
        top = max(batch, key=lambda r: (r.quality, -r.seed))
        score = round(_modularity(pairs, top.labels), 9)
        best.append((score, -abs(math.log(resolution)), top))
    chosen = max(best, key=lambda item: (item[0], item[1]))[2]
    return Clustering(chosen.labels, chosen.resolution, tuple(runs))


def for_count(weights: Weights, count: int, seeds: int, seed: int, jobs: int = 1) -> Clustering:
    """Bisect the resolution (log scale) until the best run has ``count`` communities or
    the nearest above it; the caller merges down to exactly ``count``."""
    edges = _edges(weights)
    graph = _graph(edges)
    low, high = math.log(0.01), math.log(100.0)
    runs: list[Run] = []
    chosen: Run | None = None
    for _ in range(16):
        resolution = math.exp((low + high) / 2)
        batch = _runs(graph, [(resolution, seed + i) for i in range(_seeds(edges, seeds))], jobs)
        runs.extend(batch)
        top = max(batch, key=lambda r: (r.quality, -r.seed))
        found = len(set(top.labels.values()))
        if found >= count and (chosen is None or found <= len(set(chosen.labels.values()))):
            chosen = top
        if found == count:
            break
        if found > count:
            high = math.log(resolution)
        else:
            low = math.log(resolution)
    if chosen is None:
        chosen = max(runs, key=lambda r: (len(set(r.labels.values())), r.quality))
    return Clustering(chosen.labels, chosen.resolution, tuple(runs))


def strength(weights: Weights) -> dict[str, dict[str, float]]:
    adjacency: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), w in weights.items():
        row = adjacency[a]
        # mostly a first visit: each pair is one key of ``weights``
        row[b] = row[b] + w if b in row else w
        row = adjacency[b]
        row[a] = row[a] + w if a in row else w
    return adjacency


def merge_small(
    labels: Partition, adjacency: Mapping[str, Mapping[str, float]], minimum: int
) -> Partition:
    """Communities smaller than ``minimum`` join the community they are most tied to."""
    labels = dict(labels)
    while True:
        sizes = Counter(labels.values())
        small = sorted(c for c, n in sizes.items() if n < minimum)
        moved = False
        for community in small:
            target = _strongest(community, labels, adjacency)
            if target is not None:
                for node, c in labels.items():
                    if c == community:
                        labels[node] = target
                moved = True
                break
        if not moved:
            return labels


def _strongest(
    community: int, labels: Partition, adjacency: Mapping[str, Mapping[str, float]]
) -> int | None:
    ties: dict[int, float] = defaultdict(float)
    for node, c in labels.items():
        if c != community:
            continue
        for other, w in adjacency.get(node, {}).items():
            target = labels.get(other)
            if target is not None and target != community:
                ties[target] += w
    if not ties:
        return None
    return max(sorted(ties), key=lambda c: ties[c])


def merge_to(
    labels: Partition, adjacency: Mapping[str, Mapping[str, float]], count: int
) -> Partition:
    """Merge the smallest community into its strongest neighbour until ``count`` remain."""
    labels = dict(labels)
    while len(set(labels.values())) > count:
        sizes = Counter(labels.values())
        merged = False
        for community in sorted(sizes, key=lambda c: (sizes[c], c)):
            target = _strongest(community, labels, adjacency)
            if target is None:
                continue
            for node, c in labels.items():
                if c == community:
                    labels[node] = target
            merged = True
            break
        if not merged:
            # nothing ties any two communities: merge the two smallest
            a, b = sorted(sizes, key=lambda c: (sizes[c], c))[:2]
            for node, c in labels.items():
                if c == a:
                    labels[node] = b
    return labels


def confidence(members: Sequence[str], runs: Sequence[Run]) -> float:
    """Share of the context's file pairs that the runs put in one community (mean over
    runs); 1.0 for a single file. O(files) per run via label counts."""
    m = len(members)
    if m < 2 or not runs:
        return 1.0
    total = 0.0
    for run in runs:
        # a file the run did not cluster (None) is alone in its community: no pair
        counts = Counter(map(run.labels.get, members))
        counts.pop(None, None)
        total += sum(c * (c - 1) for c in counts.values()) / (m * (m - 1))
    return total / len(runs)


def absorb_private(
    labels: Partition, edges: Sequence[tuple[str, str]], entries: frozenset[str]
) -> Partition:
    """A community without an entry point (``entries``: inbound interfaces such as
    controllers, and files nothing imports) that only one other community uses is that
    community's private part (a nano-service if cut out), not a context: merge it there.
    A community with an entry point of its own stays, however small."""
    labels = dict(labels)
    used = {b for a, b in edges if a != b}
    while True:
        users: dict[int, set[int]] = defaultdict(set)
        for a, b in edges:
            ca, cb = labels.get(a), labels.get(b)
            if ca is not None and cb is not None and ca != cb:
                users[cb].add(ca)
        entry = {c for node, c in labels.items() if node not in used or node in entries}
        private = sorted(c for c, found in users.items() if len(found) == 1 and c not in entry)
        if not private:
            return labels
        (owner,) = users[private[0]]
        for node, c in labels.items():
            if c == private[0]:
                labels[node] = owner
