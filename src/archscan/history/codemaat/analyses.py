"""The analyses of compatibility mode, by code-maat's names, and the one entry point."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from archscan.history.codemaat import age, churn, coupling, effort, entities, transform
from archscan.history.codemaat.model import Change, Options, Table

Analysis = Callable[[Sequence[Change], Options], Table]

ANALYSES: dict[str, Analysis] = {
    "revisions": entities.revisions,
    "authors": entities.authors,
    "summary": entities.summary,
    "coupling": coupling.coupling,
    "soc": coupling.soc,
    "entity-churn": churn.entity_churn,
    "entity-ownership": churn.entity_ownership,
    "main-dev": churn.main_dev,
    "refactoring-main-dev": churn.refactoring_main_dev,
    "entity-effort": effort.entity_effort,
    "main-dev-by-revs": effort.main_dev_by_revs,
    "communication": effort.communication,
    "age": age.age,
}


def prepare(
    rows: Sequence[Change],
    options: Options,
    group_file: Path | None = None,
    team_map_file: Path | None = None,
) -> list[Change]:
    """Apply --group, --temporal-period and --team-map, in code-maat's order."""
    prepared = list(rows)
    if group_file is not None:
        groups = transform.parse_groups(group_file.read_text(encoding="utf-8"))
        prepared = transform.map_groups(prepared, groups)
    if options.temporal_period is not None:
        prepared = transform.sliding_windows(prepared, options.temporal_period)
    if team_map_file is not None:
        prepared = transform.map_teams(prepared, transform.read_team_map(team_map_file))
    return prepared


def run_analysis(name: str, rows: Sequence[Change], options: Options) -> Table:
    if name not in ANALYSES:
        raise ValueError(f"unknown analysis {name!r}; choose from {', '.join(sorted(ANALYSES))}")
    table = ANALYSES[name](rows, options)
    if options.rows is not None:
        table = replace(table, rows=table.rows[: max(options.rows, 0)])
    return table
