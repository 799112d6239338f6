"""The vocabulary signal of the contexts stage, stored by the content it is computed from.

Re-clustering after a commit is needed because co-change changed, but the vocabulary
signal (TF-IDF vectors and each file's most similar files, 0.15 s on saleor) depends
only on the terms of the production files' names and definitions: an edit that renames
nothing leaves it as it was. It is stored under a digest of every file's terms and the
settings that shape it (plus the code computing it, through the stage cache's
fingerprint); a hit is the stored value itself, never a result adapted from another
run, so a stored run's output is byte-identical to an uncached one.

Kept in the stage cache (``stages.sqlite``), a few entries (one per repository state
recently analysed); a failing cache is a miss.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archscan.contexts import signals
from archscan.stage_cache import code_fingerprint, open_stage_cache

_STAGE = "contexts-vocabulary"
_KEPT = 8  # entries: one per repository state (and checkout) recently analysed


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


def vocabulary(
    bags: Mapping[str, Counter[str]],
    neighbours: int,
    min_similarity: float,
    cache_dir: Path | None,
) -> Vocabulary:
    """TF-IDF vectors and the vocabulary signal of ``bags`` (path -> terms), stored in
    ``cache_dir`` (None: computed, not stored)."""
    store = open_stage_cache(cache_dir, _STAGE, _fingerprint(), Vocabulary, kept=_KEPT)
    if store is None:
        return _compute(bags, neighbours, min_similarity)
    try:
        key = _key(bags, neighbours, min_similarity)
        found = store.get_many([("", key)]).get("")
        if found is None:
            found = _compute(bags, neighbours, min_similarity)
            store.put_many({"": (key, found)})
        return found
    finally:
        store.close()
