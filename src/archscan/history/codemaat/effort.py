"""entity-effort, main-dev-by-revs and communication (revisions per author)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import product

from archscan.history.codemaat.clojure_order import java_sort_key, map_order, pair_hasheq
from archscan.history.codemaat.dataset import (
    by_author,
    by_entity,
    distinct,
    group_by,
    order_desc,
    two_digit_ratio,
)
from archscan.history.codemaat.model import Change, Options, Table

Effort = tuple[str, str, int, int]  # entity, author, author-revs, total-revs


def _effort(rows: Sequence[Change]) -> list[list[Effort]]:
    return [
        [(entity, author, len(mine), len(changes)) for author, mine in by_author(changes)]
        for entity, changes in by_entity(rows)
    ]


def revisions_per_author(rows: Sequence[Change]) -> list[Effort]:
    flat = [row for group in _effort(rows) for row in group]
    flat = order_desc(flat, lambda r: r[2])
    return sorted(flat, key=lambda r: java_sort_key(r[0]))


def entity_effort(rows: Sequence[Change], options: Options) -> Table:
    """Revisions (rows) per author of each entity and in total; by entity, then most first."""
    columns = ("entity", "author", "author-revs", "total-revs")
    return Table(columns, tuple(revisions_per_author(rows)))


def main_dev_by_revs(rows: Sequence[Change], options: Options) -> Table:
    """The author with most revisions of each entity; among equals the first in group order."""
    found = []
    for group in _effort(rows):
        entity, author, revs, total = max(group, key=lambda r: r[2])
        found.append((entity, author, revs, total, two_digit_ratio(revs, total)))
    ordered = sorted(found, key=lambda r: java_sort_key(r[0]))
    return Table(("entity", "main-dev", "added", "total-added", "ownership"), tuple(ordered))


def communication(rows: Sequence[Change], options: Options) -> Table:
    """Shared entities of each ordered author pair; strength relative to their average.

    average = ceil((entities of A + entities of B) / 2); strength = trunc(100 * shared /
    average); both directions are listed. Sorted on (strength, author) descending.
    """
    effort = revisions_per_author(rows)
    pairs: Counter[tuple[str, str]] = Counter()
    for _entity, group in group_by(effort, "entity", lambda r: r[0]):
        authors = distinct(r[1] for r in group)
        pairs.update((a, b) for a, b in product(authors, authors))
    order = map_order(pairs, lambda pair: pair_hasheq(*pair))
    result = []
    for me, peer in order:
        if me == peer:
            continue
        shared, mine, theirs = pairs[(me, peer)], pairs[(me, me)], pairs[(peer, peer)]
        average = -(-(mine + theirs) // 2)
        result.append((me, peer, shared, average, (100 * shared) // average))
    ordered = order_desc(result, lambda r: (r[4], java_sort_key(r[0])))
    return Table(("author", "peer", "shared", "average", "strength"), tuple(ordered))
