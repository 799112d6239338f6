"""Rich tables for ``archscan hotspots|coupling|owners``: top N rows, sortable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from archscan.records import HistoryResult


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], object]
    numeric: bool = True


HOTSPOTS = (
    Column("rank", lambda h: h.rank),
    Column("path", lambda h: h.path, False),
    Column("component", lambda h: h.component, False),
    Column("revisions", lambda h: h.revisions),
    Column("complexity", lambda h: h.complexity),
    Column("sloc", lambda h: h.sloc),
    Column("score", lambda h: h.score),
)
COUPLING = (
    Column("entity", lambda p: p.entity, False),
    Column("coupled", lambda p: p.coupled, False),
    Column("degree", lambda p: p.degree),
    Column("shared", lambda p: p.shared),
    Column("average-revs", lambda p: p.average_revisions),
    Column("cross-boundary", lambda p: "yes" if p.cross_boundary else "", False),
)
OWNERS = (
    Column("path", lambda f: f.path, False),
    Column("main-dev", lambda f: f.main_developer or "-", False),
    Column("ownership", lambda f: f"{f.ownership:.2f}"),
    Column("authors", lambda f: f.authors),
    Column("revisions", lambda f: f.revisions),
    Column("island", lambda f: "yes" if f.knowledge_island else "", False),
)

VIEWS: dict[str, tuple[tuple[Column, ...], Callable[[HistoryResult], Sequence[Any]], str]] = {
    "hotspots": (HOTSPOTS, lambda h: h.hotspots, "score"),
    "coupling": (COUPLING, lambda h: h.coupling, "degree"),
    "owners": (OWNERS, lambda h: h.files, "ownership"),
}


def sort_keys(view: str) -> list[str]:
    return [c.title for c in VIEWS[view][0]]


def build_table(view: str, history: HistoryResult, top: int, sort: str | None, title: str) -> Table:
    """The top rows of a view, sorted on a column (largest first for numbers)."""
    columns, rows_of, default = VIEWS[view]
    chosen = next((c for c in columns if c.title == (sort or default)), None)
    if chosen is None:
        raise ValueError(f"unknown sort column {sort!r}; choose from {', '.join(sort_keys(view))}")
    rows = list(rows_of(history))
    rows.sort(key=lambda r: str(columns[0].value(r)))
    rows.sort(
        key=lambda r: _key(chosen.value(r)), reverse=chosen.numeric and chosen.title != "rank"
    )
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column.title, justify="right" if column.numeric else "left")
    for row in rows[: max(top, 0)]:
        table.add_row(*(Text(str(column.value(row))) for column in columns))
    return table


def _key(value: object) -> tuple[int, float, str]:
    try:
        return (0, float(str(value)), "")
    except ValueError:
        return (1, 0.0, str(value))
