"""The history keys of archscan.json: ``history``, ``hotspots``, ``temporal_coupling``,
``ownership``. Present with ``--no-history`` too (null or empty), deterministic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archscan.records import (
    ComponentHistory,
    FileHistory,
    HistoryResult,
    Hotspot,
    TeamCoupling,
    TemporalCoupling,
)


def _file(item: FileHistory) -> dict[str, Any]:
    return {
        "path": item.path,
        "component": item.component,
        "revisions": item.revisions,
        "added": item.added,
        "deleted": item.deleted,
        "authors": item.authors,
        "main_developer": item.main_developer,
        "ownership": item.ownership,
        "first_change": item.first_change,
        "last_change": item.last_change,
        "age_months": item.age_months,
        "knowledge_island": item.knowledge_island,
        "soc": item.soc,
    }


def _component(item: ComponentHistory) -> dict[str, Any]:
    return {
        "name": item.name,
        "files": item.files,
        "revisions": item.revisions,
        "added": item.added,
        "deleted": item.deleted,
        "authors": item.authors,
        "bus_factor": item.bus_factor,
        "bus_factor_authors": list(item.bus_factor_authors),
        "knowledge_islands": item.knowledge_islands,
        "soc": item.soc,
        "cross_boundary_pairs": item.cross_boundary_pairs,
        "cross_boundary_shared": item.cross_boundary_shared,
        "teams": [{"team": team, "commits": commits} for team, commits in item.teams],
    }


def _hotspot(item: Hotspot) -> dict[str, Any]:
    return {
        "rank": item.rank,
        "path": item.path,
        "component": item.component,
        "revisions": item.revisions,
        "complexity": item.complexity,
        "sloc": item.sloc,
        "score": item.score,
    }


def _pair(item: TemporalCoupling) -> dict[str, Any]:
    return {
        "entity": item.entity,
        "coupled": item.coupled,
        "degree": item.degree,
        "shared_revisions": item.shared,
        "entity_revisions": item.revisions_entity,
        "coupled_revisions": item.revisions_coupled,
        "average_revisions": item.average_revisions,
        "entity_component": item.component_entity,
        "coupled_component": item.component_coupled,
        "cross_boundary": item.cross_boundary,
    }


def _team(item: TeamCoupling) -> dict[str, Any]:
    return {
        "team_a": item.team_a,
        "team_b": item.team_b,
        "shared_components": list(item.shared_components),
    }


def _ownership(history: HistoryResult, in_view: Callable[[str], bool]) -> dict[str, Any]:
    return {
        "bus_factor": history.bus_factor,
        "bus_factor_authors": list(history.bus_factor_authors),
        # the architecture view's islands (production code by default); every file's
        # own flag is in "files" below
        "knowledge_islands": [
            f.path for f in history.files if f.knowledge_island and in_view(f.path)
        ],
        "components": [
            {
                "name": c.name,
                "bus_factor": c.bus_factor,
                "bus_factor_authors": list(c.bus_factor_authors),
                "knowledge_islands": c.knowledge_islands,
            }
            for c in history.components
        ],
        "files": [
            {
                "path": f.path,
                "main_developer": f.main_developer,
                "ownership": f.ownership,
                "authors": f.authors,
                "knowledge_island": f.knowledge_island,
            }
            for f in history.files
        ],
    }


def history_sections(
    history: HistoryResult | None, in_view: Callable[[str], bool] | None = None
) -> dict[str, Any]:
    if history is None:
        return {"history": None, "hotspots": [], "temporal_coupling": [], "ownership": None}
    summary = {
        "head_date": history.head_date,
        "commits": history.commits,
        "bot_commits": history.bot_commits,
        "authors": history.authors,
        "first_commit_date": history.first_commit_date,
        "last_commit_date": history.last_commit_date,
        "shallow": history.shallow,
        "coupling_by": history.coupling_by,
        "line_counts": history.line_counts,
        "files": [_file(f) for f in history.files],
        "components": [_component(c) for c in history.components],
        "team_coupling": [_team(t) for t in history.team_coupling],
    }
    return {
        "history": summary,
        "hotspots": [_hotspot(h) for h in history.hotspots],
        "temporal_coupling": [_pair(p) for p in history.coupling],
        "ownership": _ownership(history, in_view or (lambda path: True)),
    }
