"""entity-churn, entity-ownership, main-dev and refactoring-main-dev (line counts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from archscan.history.codemaat.clojure_order import java_sort_key
from archscan.history.codemaat.dataset import (
    by_author,
    by_entity,
    distinct,
    order_desc,
    two_digit_ratio,
)
from archscan.history.codemaat.model import Change, Options, Table

Contribution = tuple[str, int, int]  # author, added, deleted


def _contributions(changes: list[Change]) -> list[Contribution]:
    """Lines added and deleted per author of one entity, in code-maat's group order."""
    return [
        (author, sum(c.added for c in mine), sum(c.deleted for c in mine))
        for author, mine in by_author(changes)
    ]


def entity_churn(rows: Sequence[Change], options: Options) -> Table:
    """Lines added, deleted and distinct commits per entity; most added first."""
    churn = [
        (
            entity,
            sum(c.added for c in changes),
            sum(c.deleted for c in changes),
            len(distinct(c.rev for c in changes)),
        )
        for entity, changes in by_entity(rows)
    ]
    return Table(
        ("entity", "added", "deleted", "commits"), tuple(order_desc(churn, lambda r: r[1]))
    )


def _by_entity_name(rows: Sequence[tuple[object, ...]]) -> tuple[tuple[object, ...], ...]:
    return tuple(sorted(rows, key=lambda r: java_sort_key(str(r[0]))))


def entity_ownership(rows: Sequence[Change], options: Options) -> Table:
    """Lines added and deleted per (entity, author)."""
    owned = [
        (entity, author, added, deleted)
        for entity, changes in by_entity(rows)
        for author, added, deleted in _contributions(changes)
    ]
    return Table(("entity", "author", "added", "deleted"), _by_entity_name(owned))


def _main(
    rows: Sequence[Change], metric: Callable[[Contribution], int]
) -> list[tuple[object, ...]]:
    """The author with the largest metric; among equals the last in group order."""
    result: list[tuple[object, ...]] = []
    for entity, changes in by_entity(rows):
        contributions = _contributions(changes)
        total = sum(metric(c) for c in contributions)
        best = max(reversed(contributions), key=metric)  # max keeps the first of equals
        share = two_digit_ratio(metric(best), max(total, 1))
        result.append((entity, best[0], metric(best), total, share))
    return result


def main_dev(rows: Sequence[Change], options: Options) -> Table:
    """Main developer by lines added; ownership = added / total added (2 digits)."""
    found = _main(rows, lambda c: c[1])
    return Table(
        ("entity", "main-dev", "added", "total-added", "ownership"), _by_entity_name(found)
    )


def refactoring_main_dev(rows: Sequence[Change], options: Options) -> Table:
    """Main developer by lines deleted."""
    found = _main(rows, lambda c: c[2])
    columns = ("entity", "main-dev", "removed", "total-removed", "ownership")
    return Table(columns, _by_entity_name(found))
