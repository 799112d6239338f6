"""Results of the contexts stage stored by the content they are computed from: the
vocabulary signal and the clustering.

Re-clustering after a commit is needed because co-change changed, but the vocabulary
signal (TF-IDF vectors and each file's most similar files, 0.15 s on saleor) depends
only on the terms of the production files' names and definitions: an edit that renames
nothing leaves it as it was. It is stored under a digest of every file's terms and the
settings that shape it (plus the code computing it, through the stage cache's
fingerprint); a hit is the stored value itself, never a result adapted from another
run, so a stored run's output is byte-identical to an uncached one.

The clustering (Leiden's sweep over the fused graph and the merges after it, 0.3-0.4 s
of saleor's re-run) depends on the fused graph among the clustered files, the
dependency edges among them, the configuration and the requested count: a commit that
touches fewer than two production files changes no co-change pair among them (603 of
saleor's last 1,000 commits), and one that changes no import, definition or file name
leaves the other signals as they were. It is stored, with the figures of the contexts
that read the fused graph (assemble.FusedFigures), under a digest of what the fused
graph is made from (the signals but co-change, and the commits co-change counts), the
platform files, those edges, the configuration and the count, compared by value, never
by object identity: a hit neither fuses the signals nor passes over their pairs.

The terms of each production file (the vocabulary's input) are kept too, as one
snapshot per repository root: a file whose blob is unchanged takes its last terms.

Kept in the stage cache (``stages.sqlite``), a few entries each (one per repository state
recently analysed); a failing cache is a miss.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from archscan.contexts import assemble, cluster, platform, signals
from archscan.contexts.assemble import FusedFigures
from archscan.records import FileFacts
from archscan.stage_cache import (
    code_fingerprint,
    keep_if_drifted,
    library_version,
    load_snapshot,
    open_stage_cache,
    reused,
)

_STAGE = "contexts-vocabulary"
_CLUSTERING = "contexts-clustering"
_KEPT = 8  # entries: one per repository state (and checkout) recently analysed

V = TypeVar("V")


@dataclass(frozen=True)
class Vocabulary:
    vectors: dict[str, dict[str, float]]  # path -> unit TF-IDF vector
    weights: signals.Weights  # the vocabulary signal


@cache
def _fingerprint() -> str:
    import archscan.contexts.stored as this

    return code_fingerprint(_STAGE, signals, this)


def _key(bags: Mapping[str, Counter[str]], neighbours: int, min_similarity: float) -> str:
    digest = hashlib.sha256(repr((neighbours, min_similarity)).encode())
    for path, bag in bags.items():  # in the order given (sorted): the order of the result
        digest.update(repr((path, list(bag.items()))).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _compute(
    bags: Mapping[str, Counter[str]], neighbours: int, min_similarity: float
) -> Vocabulary:
    vectors = signals.tfidf(bags)
    return Vocabulary(vectors, signals.vocabulary_signal(vectors, neighbours, min_similarity))


def _stored(
    stage: str,
    fingerprint: Callable[[], str],
    kind: type[V],
    key: Callable[[], str],
    compute: Callable[[], V],
    cache_dir: Path | None,
) -> V:
    """The stored value of ``stage`` under ``key()``, else ``compute()`` stored there
    (``cache_dir`` None: computed, not stored; the key is not even made)."""
    store = open_stage_cache(cache_dir, stage, fingerprint(), kind, kept=_KEPT)
    if store is None:
        return compute()
    try:
        digest = key()
        found = store.get_many([("", digest)]).get("")
        if found is None:
            found = compute()
            store.put_many({"": (digest, found)})
        return found
    finally:
        store.close()


def vocabulary(
    bags: Mapping[str, Counter[str]],
    neighbours: int,
    min_similarity: float,
    cache_dir: Path | None,
) -> Vocabulary:
    """TF-IDF vectors and the vocabulary signal of ``bags`` (path -> terms), stored in
    ``cache_dir`` (None: computed, not stored)."""
    return _stored(
        _STAGE,
        _fingerprint,
        Vocabulary,
        lambda: _key(bags, neighbours, min_similarity),
        lambda: _compute(bags, neighbours, min_similarity),
        cache_dir,
    )


_TERMS = "contexts-terms"


def term_bags(
    paths: Sequence[str],
    facts: Mapping[str, FileFacts],
    blobs: Mapping[str, str],
    skip: frozenset[str],
    cache_dir: Path | None,
    root: Path | None,
) -> dict[str, Counter[str]]:
    """``signals.file_terms`` of each path, those of a path whose blob is unchanged
    taken from the last run's (one snapshot per root: 0.06-0.08 s of splitting names
    on saleor's re-run). A file's terms are a function of its path and facts (so of its
    blob, under the parsers the fingerprint covers) and of ``skip``."""
    if cache_dir is None or root is None:
        return {p: signals.file_terms(p, facts.get(p), skip) for p in paths}
    fingerprint = _terms_fingerprint() + value_digest(sorted(skip))[:16]
    last = load_snapshot(cache_dir, _TERMS, fingerprint, str(root))
    bags: dict[str, Counter[str]] = {}
    computed = 0
    for path in paths:
        hit, bag = reused(last, path, blobs.get(path))
        if not (hit and isinstance(bag, Counter)):
            bag = signals.file_terms(path, facts.get(path), skip)
            computed += 1
        bags[path] = bag
    kept = {p: (blobs[p], bag) for p, bag in bags.items() if blobs.get(p)}
    keep_if_drifted(cache_dir, _TERMS, fingerprint, str(root), last, kept, computed)
    return bags


@cache
def _terms_fingerprint() -> str:
    from archscan.cache import parser_fingerprint

    return code_fingerprint(_TERMS, signals, extra=parser_fingerprint())


@dataclass(frozen=True)
class Clustered:
    labels: dict[str, int]  # clustered file -> community, after the merges
    clustering: cluster.Clustering | None  # the sweep (None: no edge to cluster)
    # of these labels and the platform files: what the contexts read of the fused graph
    figures: FusedFigures


@cache
def _clustering_fingerprint() -> str:
    import archscan.contexts.stage as stage
    import archscan.contexts.stored as this
    import archscan.graph as graph

    extra = f"graspologic-native {library_version('graspologic-native', 'graspologic_native')}"
    modules = (cluster, signals, platform, stage, this, assemble, graph)
    return code_fingerprint(_CLUSTERING, *modules, extra=extra)


def value_digest(*parts: object) -> str:
    """A digest of ``parts`` by value: pickled without the memo, so equal values give
    equal bytes whichever objects they share (a memo writes a repeated object once, and
    which strings are one object differs between a parsed and a cached run). Lists,
    tuples, dicts in their order, and scalars only: a set's order is not its value."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def clustered(
    inputs: Callable[[], tuple[object, ...]],
    compute: Callable[[], Clustered],
    cache_dir: Path | None,
) -> Clustered:
    """The clustering ``compute`` makes, stored under the digest of ``inputs()``: every
    value it reads (``cache_dir`` None: computed, not stored)."""
    return _stored(
        _CLUSTERING,
        _clustering_fingerprint,
        Clustered,
        lambda: value_digest(*inputs()),
        compute,
        cache_dir,
    )
