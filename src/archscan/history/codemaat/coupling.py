"""coupling (logical/temporal coupling by degree) and soc (sum of coupling).

Definitions (code-maat's logical_coupling.clj and coupling_algos.clj):
commits with more than ``max_changeset_size`` rows are left out of *coupling* only;
r(f) = kept commits containing f; n(a, b) = kept commits containing both (a < b in
Java string order); avg = (r(a) + r(b)) / 2; degree = 100 * n / avg. A pair is kept when
avg >= min-revs, n >= min-shared-revs, degree >= min-coupling (exact, not rounded) and
floor(degree) <= max-coupling. Output: truncated degree and ceil(avg).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations

from archscan.history.codemaat.clojure_order import (
    ARRAY_MAP_LIMIT,
    java_sort_key,
    map_order,
    pair_hasheq,
)
from archscan.history.codemaat.dataset import by_rev, distinct, order_desc
from archscan.history.codemaat.model import Change, Options, Table


def _pairs(entities: list[str]) -> list[tuple[str, str]]:
    """Distinct co-changing pairs of one commit, each (smaller, larger), in code-maat's order."""
    pairs = []
    for a, b in combinations(entities, 2):
        pairs.append((a, b) if java_sort_key(a) <= java_sort_key(b) else (b, a))
    return pairs


def co_change_counts(
    rows: Sequence[Change], max_changeset_size: int
) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """(revisions per entity, shared revisions per pair) over the commits that are kept."""
    revs: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for _rev, changes in by_rev(rows):
        if len(changes) > max_changeset_size:
            continue
        entities = distinct(c.entity for c in changes)
        revs.update(entities)
        shared.update(_pairs(entities))
    return revs, shared


def passes(options: Options, revs_a: int, revs_b: int, shared: int) -> bool:
    """code-maat's within-threshold?, in integers: avg = (a+b)/2, degree = 200n/(a+b)."""
    total = revs_a + revs_b
    return (
        total >= 2 * options.min_revs
        and shared >= options.min_shared_revs
        and 200 * shared >= options.min_coupling * total
        and (200 * shared) // total <= options.max_coupling
    )


def coupling(rows: Sequence[Change], options: Options) -> Table:
    revs, shared = co_change_counts(rows, options.max_changeset_size)
    kept = [pair for pair, n in shared.items() if passes(options, revs[pair[0]], revs[pair[1]], n)]
    if len(shared) > ARRAY_MAP_LIMIT:  # a hash map: code-maat walks it in hash order
        kept = map_order(kept, lambda pair: pair_hasheq(*pair))
    results = []
    for a, b in kept:
        total, n = revs[a] + revs[b], shared[(a, b)]
        row: tuple[object, ...] = (a, b, (200 * n) // total, -(-total // 2))
        if options.verbose_results:
            row += (revs[a], revs[b], n)
        results.append(row)
    columns: tuple[str, ...] = ("entity", "coupled", "degree", "average-revs")
    if options.verbose_results:
        columns += ("first-entity-revisions", "second-entity-revisions", "shared-revisions")
    return Table(columns, tuple(order_desc(results, lambda r: (r[2], r[3]))))


def soc(rows: Sequence[Change], options: Options) -> Table:
    """Sum of coupling: each commit adds (its rows - 1) to each of its rows' entities.

    No changeset-size filter; an entity is kept when its sum is strictly greater than
    min-revs. Sorted on (soc, entity) descending.
    """
    sums: Counter[str] = Counter()
    for _rev, changes in by_rev(rows):
        for change in changes:
            sums[change.entity] += len(changes) - 1
    kept = [(entity, total) for entity, total in sums.items() if total > options.min_revs]
    ordered = sorted(kept, key=lambda r: (r[1], java_sort_key(r[0])), reverse=True)
    return Table(("entity", "soc"), tuple(ordered))
