"""The ``data_access`` key of archscan.json (null when the stage did not run)."""

from __future__ import annotations

from typing import Any

from archscan.records import DataAccessResult, TableAccess


def _table(table: TableAccess) -> dict[str, Any]:
    return {
        "name": table.name,
        "entities": list(table.entities),
        "declared_in": list(table.declared_in),
        "readers": list(table.readers),
        "writers": list(table.writers),
        "references": list(table.references),
    }


def data_access_section(result: DataAccessResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    tables = result.tables
    return {
        "tables": [_table(t) for t in tables],
        "counts": {
            "tables": len(tables),
            "entities": sum(len(t.entities) for t in tables),
            "tables_read": sum(1 for t in tables if t.readers),
            "tables_written": sum(1 for t in tables if t.writers),
            "files_reading": len({p for t in tables for p in t.readers}),
            "files_writing": len({p for t in tables for p in t.writers}),
            "sql_statements": result.sql_statements,
            "sql_unparsed": result.sql_unparsed,
        },
    }


def access_matrix(
    section: dict[str, Any] | None, tables: int = 12, files: int = 25
) -> dict[str, Any]:
    """The files x tables matrix of the report: the most used tables as columns, the
    files touching them most as rows; cells R (reads), W (writes), RW, D (declares)."""
    if not section:
        return {"columns": [], "rows": []}
    ranked = sorted(
        section["tables"],
        key=lambda t: (-len(set(t["readers"]) | set(t["writers"])), t["name"]),
    )
    columns = [t for t in ranked if t["readers"] or t["writers"]][:tables]
    cells: dict[str, dict[str, str]] = {}
    for table in columns:
        for path in {*table["readers"], *table["writers"], *table["declared_in"]}:
            mark = ("R" if path in table["readers"] else "") + (
                "W" if path in table["writers"] else ""
            )
            cells.setdefault(path, {})[table["name"]] = mark or "D"
    # Code first: seed and schema files write everything and say little about ownership.
    ordered = sorted(
        cells, key=lambda p: (p.endswith(".sql"), -sum(v != "D" for v in cells[p].values()), p)
    )
    return {
        "columns": [t["name"] for t in columns],
        "rows": [
            {"path": p, "cells": [cells[p].get(t["name"], "") for t in columns]}
            for p in ordered[:files]
        ],
        "more_rows": max(len(ordered) - files, 0),
    }
