"""revisions, authors and summary: counts per entity and for the whole log."""

from __future__ import annotations

from collections.abc import Sequence

from archscan.history.codemaat.dataset import by_entity, distinct, order_desc
from archscan.history.codemaat.model import Change, Options, Table


def revisions(rows: Sequence[Change], options: Options) -> Table:
    """Rows per entity (a row is one entity changed in one commit), most first."""
    counted = [(entity, len(changes)) for entity, changes in by_entity(rows)]
    return Table(("entity", "n-revs"), tuple(order_desc(counted, lambda r: r[1])))


def authors(rows: Sequence[Change], options: Options) -> Table:
    """Distinct authors and rows per entity, sorted on both, descending."""
    counted = [
        (entity, len(distinct(c.author for c in changes)), len(changes))
        for entity, changes in by_entity(rows)
    ]
    ordered = order_desc(counted, lambda r: (r[1], r[2]))
    return Table(("entity", "n-authors", "n-revs"), tuple(ordered))


def summary(rows: Sequence[Change], options: Options) -> Table:
    return Table(
        ("statistic", "value"),
        (
            ("number-of-commits", len(distinct(r.rev for r in rows))),
            ("number-of-entities", len(distinct(r.entity for r in rows))),
            ("number-of-entities-changed", len(rows)),
            ("number-of-authors", len(distinct(r.author for r in rows))),
        ),
    )
