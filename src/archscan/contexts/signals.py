"""The signal graphs the contexts are clustered from, one function per signal.

Every signal is an undirected weighted graph over production files, a dict from an
ordered pair ``(a, b)`` (``a < b``) to a weight. Fusion (``fuse``) scales each signal to
a total mass of one unit per file it ties before applying the configured weight, so the
weights in ``[tool.archscan.contexts]`` say how much each signal counts relative to the
others, whatever its raw scale.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import chain, combinations
from operator import itemgetter

from archscan import digraph
from archscan.config import ContextsConfig
from archscan.records import Changeset, DataAccessResult, FileFacts

Pair = tuple[str, str]
Weights = dict[Pair, float]
SIGNALS = ("structure", "co_change", "vocabulary", "data", "package")
_first, _second = itemgetter(0), itemgetter(1)


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _add(weights: Weights, a: str, b: str, amount: float) -> None:
    if a != b and amount > 0:
        key = _pair(a, b)
        weights[key] = weights.get(key, 0.0) + amount


def deferred_lines(facts: FileFacts | None) -> frozenset[int]:
    """Lines of the file's function-local (deferred) imports."""
    if facts is None:
        return frozenset()
    return frozenset(i.line for i in facts.imports if i.local)


def edge_factor(
    data: Mapping[str, object], deferred: frozenset[int], config: ContextsConfig
) -> float:
    """How much one file dependency counts: type-only and deferred imports are lighter,
    because they do not tie the two files together at import time."""
    if data.get("type_only"):
        return config.type_only_factor
    lines = data.get("lines") or ()
    if lines and deferred and all(line in deferred for line in lines):  # type: ignore[attr-defined]
        return config.local_factor
    return 1.0


def structure_signal(
    graph: digraph.DiGraph[str],
    production: frozenset[str],
    facts: Mapping[str, FileFacts],
    config: ContextsConfig,
) -> Weights:
    weights: Weights = {}
    deferred = {path: deferred_lines(facts.get(path)) for path in production}
    for source, target, data in graph.edges(data=True):
        if source in production and target in production:
            _add(weights, source, target, edge_factor(data, deferred[source], config))
    return weights


def co_change_signal(
    changesets: Sequence[Changeset], production: frozenset[str], max_size: int
) -> Weights:
    """Raw co-change: every commit adds 1/(n-1) to each pair of its n production files, so
    that each file of a commit gains one unit in total however large the commit; commits
    with more than ``max_size`` production files (bulk reformatting, renames) are left out."""
    return co_change_weights(co_change_sets(changesets, production, max_size))


def co_change_sets(
    changesets: Sequence[Changeset], production: frozenset[str], max_size: int
) -> list[list[str]]:
    """The sorted production files of each commit the co-change signal counts (two or
    more, at most ``max_size``), in the changesets' order: all the signal depends on."""
    out = []
    within = production.intersection
    for changeset in changesets:
        if len(changeset.files) < 2:  # half of saleor's: no intersection made for them
            continue
        files = sorted(within(changeset.files))
        n = len(files)
        if n >= 2 and not (max_size and n > max_size):
            out.append(files)
    return out


def co_change_weights(sets: Sequence[Sequence[str]]) -> Weights:
    """The co-change signal of :func:`co_change_sets`' commits."""
    # get's 0.0 + share is share, as a defaultdict's; a pair of two made without
    # combinations (saleor: 3,400 commits, 90,000 pair increments: 0.030 -> 0.024 s)
    weights: Weights = {}
    get = weights.get
    for files in sets:
        n = len(files)
        share = 1.0 / (n - 1)
        if n == 2:
            pair = (files[0], files[1])
            weights[pair] = get(pair, 0.0) + share
            continue
        for pair in combinations(files, 2):  # (a, b), a < b: the pairs made in C
            weights[pair] = get(pair, 0.0) + share
    return weights


_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_STOP_WORDS = """
get set is has add remove update delete create init new the of to for and from with by on in
as at do run main test self cls this value values data list dict map str int obj object type
types impl base abstract default to_string tostring equals hash hashcode string id ids name
names all one any key keys view views model models form forms serializer serializers table
tables filter filters handle handler save load find query queries util utils helper helpers
manager config setup call apply make build clean validate check render process parse format
field fields meta class
"""
_STOP = frozenset(_STOP_WORDS.split())


def terms(name: str, skip: frozenset[str] = frozenset()) -> list[str]:
    """Identifier terms: camelCase and snake_case split, lower-cased, crude plural strip;
    stop words and ``skip`` (layer names: Controller, Service, Mapper... say which layer a
    type is in, not which domain) left out."""
    return list(_terms(name, skip))


@lru_cache(maxsize=1 << 16)
def _terms(name: str, skip: frozenset[str]) -> tuple[str, ...]:
    # names repeat across files (``__init__``, ``get_queryset``, ``resolve_id``): split
    # each once (saleor: 13,660 calls for ~5,000 distinct names)
    out = []
    for word in _CAMEL.findall(name):
        word = word.lower()
        if len(word) < 3 or word in _STOP or word.isdigit():
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
        if word not in _STOP and word not in skip:
            out.append(word)
    return tuple(out)


def layer_terms(layers: Iterable[str]) -> frozenset[str]:
    """Layer names as terms (singular, as ``terms`` makes them)."""
    return frozenset(t for name in layers for t in [*terms(name), name.lower()])


def file_terms(path: str, facts: FileFacts | None, skip: frozenset[str]) -> Counter[str]:
    """Terms of the type and function names a file defines (and its own name)."""
    words = list(_terms(path.rpartition("/")[2].partition(".")[0], skip))
    if facts is not None:
        for definition in facts.definitions:
            words += _terms(definition.name, skip)
        for function in facts.functions:
            words += _terms(function.name, skip)
    return Counter(words)


def tfidf(bags: Mapping[str, Counter[str]]) -> dict[str, dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smooth idf); terms in over half the
    files carry no information about where a file belongs and are dropped."""
    n = len(bags)
    df: Counter[str] = Counter()
    for bag in bags.values():
        df.update(bag.keys())
    limit = max(2, n // 2)
    vectors: dict[str, dict[str, float]] = {}
    for path, bag in bags.items():
        vector = {
            t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1)
            for t, c in bag.items()
            if df[t] <= limit
        }
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors[path] = {t: v / norm for t, v in vector.items()} if norm else {}
    return vectors


def vocabulary_signal(
    vectors: Mapping[str, Mapping[str, float]], neighbours: int, min_similarity: float
) -> Weights:
    """Cosine similarity of TF-IDF vectors, only each file's top-k neighbours (sparse).
    Dot products accumulate through an inverted index capped at common terms."""
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for path in sorted(vectors):
        for term, value in vectors[path].items():
            postings[term].append((path, value))
    cap = max(50, int(math.sqrt(len(vectors)) * 10))
    weights: Weights = {}
    for path in sorted(vectors):
        scores: dict[str, float] = defaultdict(float)
        for term, value in vectors[path].items():
            posting = postings[term]
            if len(posting) > cap:
                continue
            for other, other_value in posting:
                if other != path:
                    scores[other] += value * other_value
        best = sorted(
            ((s, o) for o, s in scores.items() if s >= min_similarity), key=lambda x: (-x[0], x[1])
        )
        for score, other in best[:neighbours]:
            key = _pair(path, other)
            weights[key] = max(weights.get(key, 0.0), score)
    return weights


def data_signal(data_access: DataAccessResult | None, production: frozenset[str]) -> Weights:
    """Files touching the same table: 1/(m-1) per pair of the m files using it."""
    weights: Weights = {}
    if data_access is None:
        return weights
    for table in data_access.tables:
        files = sorted({*table.declared_in, *table.readers, *table.writers} & production)
        if len(files) < 2:
            continue
        share = 1.0 / (len(files) - 1)
        for i, a in enumerate(files):
            for b in files[i + 1 :]:
                weights[(a, b)] = weights.get((a, b), 0.0) + share
    return weights


def feature_package(path: str, layers: frozenset[str]) -> str:
    """The nearest enclosing folder that is not named like a layer ("" at the root)."""
    parts = path.split("/")[:-1]
    while parts and parts[-1].lower() in layers:
        parts.pop()
    return "/".join(parts)


def feature_groups(paths: Iterable[str], layers: frozenset[str]) -> dict[str, list[str]]:
    """Feature-shaped packages: folders not named like layers that have at least one
    feature-shaped sibling (features come in sets; a lone application root is not one)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        groups[feature_package(path, layers)].append(path)
    children: dict[str, set[str]] = defaultdict(set)
    for package in groups:
        if package:
            children[package.rpartition("/")[0]].add(package)
    # a feature's siblings are the other features under the same parent folder
    return {
        package: sorted(members)
        for package, members in groups.items()
        if package and len(children[package.rpartition("/")[0]]) >= 2
    }


def package_signal(paths: Iterable[str], layers: frozenset[str]) -> Weights:
    """The package prior: files of one feature-shaped package are tied together. Small
    packages become cliques; larger ones a sparse skip ring (i to i + 1, 2, 4, 8) so the
    prior stays sparse, and each file carries about one unit of prior weight."""
    weights: Weights = {}
    for members in feature_groups(paths, layers).values():
        m = len(members)
        if m < 2:
            continue
        if m <= 16:
            share = 1.0 / (m - 1)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    _add(weights, a, b, share)
            continue
        steps = [1 << j for j in range(min(4, int(math.log2(m - 1)) + 1))]
        share = 1.0 / (2 * len(steps))
        for i, a in enumerate(members):
            for step in steps:
                _add(weights, a, members[(i + step) % m], share)
    return weights


class Parts(Mapping[Pair, dict[str, float]]):
    """Each fused pair's contribution by signal (``parts[pair][name]``), in the order of
    the fused pairs and of ``SIGNALS``, made when a pair is read: a dict per pair built
    in ``fuse`` cost ~30 ms on saleor (56,000 pairs), and the contexts read only the
    pairs one context holds across packages (8,000). It reads the signals fused, which
    are not changed after."""

    def __init__(self, fused: Weights, scaled: Sequence[tuple[str, Weights, float]]) -> None:
        self._fused = fused
        self._scaled = scaled  # (name, signal, scale), in the order fused

    def __getitem__(self, pair: Pair) -> dict[str, float]:
        out = {}
        for name, signal, scale in self._scaled:
            value = signal.get(pair)
            if value is not None:
                out[name] = value * scale  # the very product fuse added
        if not out:  # in no signal fused: not a fused pair
            raise KeyError(pair)
        return out

    def __iter__(self) -> Iterator[Pair]:
        return iter(self._fused)

    def __len__(self) -> int:
        return len(self._fused)


def fuse(signals: Mapping[str, Weights], weights: Mapping[str, float]) -> tuple[Weights, Parts]:
    """Sum of the signals, each scaled to one unit of mass per file it ties, times its
    weight. Also
    returns each pair's contribution by signal (why two files are together)."""
    fused: Weights = {}
    scaled: list[tuple[str, Weights, float]] = []
    for name in SIGNALS:
        signal = signals.get(name) or {}
        total = sum(signal.values())
        weight = weights.get(name, 0.0)
        if not total or weight <= 0:
            continue
        # one unit per file the signal ties, not per production file: a signal that
        # speaks about a few files (one package prior, a few tables) must not give them
        # the whole repository's mass
        covered = len(set(chain.from_iterable(signal)))
        scale = weight * covered / total
        scaled.append((name, signal, scale))
        get = fused.get
        for pair, value in signal.items():
            fused[pair] = get(pair, 0.0) + value * scale
    return fused, Parts(fused, scaled)


def sparsify(weights: Weights, neighbours: int, among: Container[str] | None = None) -> Weights:
    """Keep an edge when it is among the ``neighbours`` strongest of either end (ties by
    pair): the clustering sees every file's main ties at a fraction of the edges
    (co-change makes the fused graph dense). The kept edges in pair order. ``among``:
    only the pairs of those files count (None: all), as if the others were not given
    (filtered here, not by a dict made for it first: saleor 0.009 s)."""
    if not neighbours or not weights:
        if among is None:
            return dict(weights)
        return {p: w for p, w in weights.items() if p[0] in among and p[1] in among}
    # numpy ranks every end's edges at once (saleor: 55,000 pairs, 0.058 -> 0.024 s; the
    # per-file sorts of (-weight, pair) tuples were most of it); imported here, where
    # the clustering is made (arrays.py)
    from archscan.contexts.arrays import np

    pairs = list(weights)
    firsts, seconds = list(map(_first, pairs)), list(map(_second, pairs))
    names = sorted({*firsts, *seconds})
    rank = dict(zip(names, range(len(names)), strict=True)).__getitem__
    a = np.fromiter(map(rank, firsts), dtype=np.int64, count=len(pairs))
    b = np.fromiter(map(rank, seconds), dtype=np.int64, count=len(pairs))
    w = np.fromiter(weights.values(), dtype=np.float64, count=len(pairs))
    given = np.arange(len(pairs))  # the pairs that count, by their index in ``pairs``
    if among is not None:
        inside = np.fromiter(map(among.__contains__, names), dtype=bool, count=len(names))
        given = np.flatnonzero(inside[a] & inside[b])
        a, b, w = a[given], b[given], w[given]
    n = len(given)
    if not n:
        return {}
    order = a * len(names) + b  # the pairs' order: names are ranked in path order
    strongest = np.lexsort((order, -w))  # pair indices by (-weight, pair)
    place = np.empty(n, dtype=np.int64)
    place[strongest] = np.arange(n)
    # each pair once under each end: by end, then strongest first
    ends = np.sort(np.concatenate((a * n + place, b * n + place)))
    end = ends // n
    within_end = np.arange(2 * n) - np.searchsorted(end, end)  # rank among the end's
    kept = strongest[np.unique(ends[within_end < neighbours] % n)]
    kept = kept[np.argsort(order[kept])]
    chosen = map(pairs.__getitem__, given[kept].tolist())
    return dict(zip(chosen, w[kept].tolist(), strict=True))
