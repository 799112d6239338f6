"""Grouping and sorting helpers that keep code-maat's (incanter's) row order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TypeVar

from archscan.history.codemaat.clojure_order import map_order, submap_hasheq
from archscan.history.codemaat.model import Change

R = TypeVar("R")


def group_by(
    rows: Iterable[R], column: str, value: Callable[[R], str]
) -> list[tuple[str, list[R]]]:
    """incanter's ``$group-by column``: groups in Clojure map order, rows in input order."""
    groups: dict[str, list[R]] = {}
    for row in rows:
        groups.setdefault(value(row), []).append(row)
    order = map_order(groups, lambda key: submap_hasheq(column, key))
    return [(key, groups[key]) for key in order]


def by_entity(rows: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    return group_by(rows, "entity", lambda row: row.entity)


def by_author(rows: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    return group_by(rows, "author", lambda row: row.author)


def by_rev(rows: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    return group_by(rows, "rev", lambda row: row.rev)


def distinct(values: Iterable[R]) -> list[R]:
    return list(dict.fromkeys(values))


_TWO_DIGITS = Context(prec=2, rounding=ROUND_HALF_UP)


def two_digit_ratio(numerator: int, denominator: int) -> float:
    """code-maat's ratio->centi-float-precision: two significant digits, half-up."""
    if numerator % denominator == 0:
        return float(numerator // denominator)
    return float(_TWO_DIGITS.divide(Decimal(numerator), Decimal(denominator)))


def order_desc(rows: Sequence[R], key: Callable[[R], object]) -> list[R]:
    """incanter ``$order ... :desc``: a stable sort, largest first."""
    return sorted(rows, key=key, reverse=True)  # type: ignore[arg-type]
