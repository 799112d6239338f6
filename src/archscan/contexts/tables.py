"""Terminal tables for ``archscan contexts`` and ``archscan compare`` (names escaped)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from archscan.records import ContextsResult, DecompositionQuality, GroundTruthScore

_QUALITY_ROWS = (
    ("partitions", "partitions"),
    ("members (files)", "members"),
    ("Newman modularity Q (higher better)", "modularity"),
    ("structural modularity SM (higher)", "structural_modularity"),
    ("ICP (lower)", "icp"),
    ("IFN (lower)", "ifn"),
    ("NED (lower)", "ned"),
    ("TurboMQ", "turbomq"),
    ("TurboMQ normalised (higher)", "turbomq_normalised"),
    ("co-change crossing (lower)", "co_change_crossing"),
)


def contexts_table(result: ContextsResult, title: str, top: int) -> Table:
    table = Table(title=escape(title), title_justify="left")
    for column in ("id", "name", "files", "SLOC", "cohesion", "confidence", "uses in", "tests"):
        table.add_column(column, justify="left" if column in ("id", "name") else "right")
    for context in result.contexts[:top]:
        table.add_row(
            escape(context.id),
            escape(context.name),
            str(len(context.files)),
            str(context.sloc),
            f"{context.cohesion:.2f}",
            f"{context.confidence:.2f}",
            str(sum(i.uses for i in context.interface)),
            str(len(context.tests)),
        )
    return table


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def quality_table(items: Sequence[DecompositionQuality], title: str) -> Table:
    table = Table(title=escape(title), title_justify="left")
    table.add_column("metric")
    for item in items:
        table.add_column(escape(item.name), justify="right")
    for label, attribute in _QUALITY_ROWS:
        table.add_row(label, *(_cell(getattr(item, attribute)) for item in items))
    return table


def scores_table(scores: Sequence[GroundTruthScore], title: str) -> Table:
    table = Table(title=escape(title), title_justify="left")
    for column in (
        "decomposition",
        "ground truth",
        "members",
        "MoJoFM",
        "c2c 50",
        "c2c 33",
        "c2c 10",
        "unknown",
    ):
        table.add_column(
            column, justify="left" if column in ("decomposition", "ground truth") else "right"
        )
    for s in scores:
        table.add_row(
            escape(s.decomposition),
            escape(s.ground_truth),
            str(s.members),
            f"{s.mojofm:.2f}",
            f"{s.c2c_50:.2f}",
            f"{s.c2c_33:.2f}",
            f"{s.c2c_10:.2f}",
            str(len(s.unknown)),
        )
    return table
