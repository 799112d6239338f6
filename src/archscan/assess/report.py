"""The recommendation's keys of archscan.json: ``teams``, ``assessment``,
``extraction_plan`` (null when the stage did not run), deterministic."""

from __future__ import annotations

from typing import Any

from archscan.records import (
    AssessmentResult,
    CrossingDependency,
    ExtractionCandidate,
    ExtractionPlan,
    Signal,
    TeamsResult,
)


def _pairs(items: tuple[tuple[str, Any], ...], key: str, value: str) -> list[dict[str, Any]]:
    return [{key: a, value: b} for a, b in items]


def teams_section(teams: TeamsResult | None) -> dict[str, Any] | None:
    if teams is None:
        return None
    return {
        "window_days": teams.window_days,
        "since": teams.since,
        "unit_kind": teams.unit_kind,
        "source": teams.source,
        "active_contributors": teams.active_contributors,
        "core_contributors": teams.core_contributors,
        "core_share": teams.core_share,
        "alignment": teams.alignment,
        "coordination_authors": list(teams.coordination_authors),
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "authors": list(g.authors),
                "commits": g.commits,
                "focus": _pairs(g.focus, "unit", "commits"),
            }
            for g in teams.groups
        ],
        "authors": [
            {
                "name": a.name,
                "commits": a.commits,
                "group": a.group or None,
                "units": a.units,
                "effective_units": a.effective_units,
                "coordination": a.coordination,
            }
            for a in teams.authors
        ],
        "units": [
            {
                "name": u.name,
                "commits": u.commits,
                "groups": _pairs(u.groups, "group", "commits"),
                "dominant_group": u.dominant_group,
                "alignment": u.alignment,
                "authors": u.authors,
                "bus_factor": u.bus_factor,
                "bus_factor_authors": list(u.bus_factor_authors),
                "knowledge_islands": u.knowledge_islands,
                "owners": _pairs(u.owners, "author", "share"),
            }
            for u in teams.units
        ],
    }


def _signal(s: Signal) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "group": s.group,
        "value": s.value,
        "threshold": s.threshold,
        "direction": s.direction,
        "weight": s.weight,
        "score": s.score,
        "available": s.available,
        "source": s.source,
        "reason": s.reason,
    }


def assessment_section(result: AssessmentResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "verdict": result.verdict,
        "basis": result.basis,
        "confidence": result.confidence,
        "coverage": result.coverage,
        "unit_kind": result.unit_kind,
        "scores": {
            "pressure": result.pressure,
            "readiness": result.readiness,
            "distribution": result.distribution,
        },
        "signals": [_signal(s) for s in result.signals],
        "warnings": list(result.warnings),
        "warning_details": [
            {"id": w.id, "reason": w.reason, "evidence": list(w.evidence)}
            for w in result.warning_details
        ],
        "evidence_against": [
            {"signal": e.signal, "weight": e.weight, "reason": e.reason}
            for e in result.evidence_against
        ],
        "rules": result.rules,
    }


def _dependency(d: CrossingDependency) -> dict[str, Any]:
    return {"source": d.source, "target": d.target, "unit": d.unit, "lines": list(d.lines)}


def _candidate(c: ExtractionCandidate) -> dict[str, Any]:
    return {
        "rank": c.rank,
        "unit": c.unit,
        "wave": c.wave,
        "score": c.score,
        "factors": dict(c.factors),
        "files": c.files,
        "sloc": c.sloc,
        "internal_edges": c.internal_edges,
        "incoming": c.incoming,
        "outgoing": c.outgoing,
        "interface": c.interface,
        "dependents": list(c.dependents),
        "depends_on": list(c.depends_on),
        "commits": c.commits,
        "hotspots": c.hotspots,
        "bus_factor": c.bus_factor,
        "shared_tables": c.shared_tables,
        "acl": [_dependency(d) for d in c.acl],
        "acl_total": c.acl_total,
        "cut": {
            "edges": [_dependency(d) for d in c.cut],
            "size": c.cut_size,
            "crossing_edges": c.crossing_edges,
            "move_files": list(c.move_files),
        },
        "tables": [{"name": t.name, "strategy": t.strategy, "reason": t.reason} for t in c.tables],
        "owners": _pairs(c.owners, "author", "share"),
        "teams": list(c.teams),
        "first_step": c.first_step,
    }


def plan_section(plan: ExtractionPlan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {
        "unit_kind": plan.unit_kind,
        "data_available": plan.data_available,
        "history_available": plan.history_available,
        "candidates": [_candidate(c) for c in plan.candidates],
        "waves": [{"wave": w.wave, "units": list(w.units)} for w in plan.waves],
        "kept": list(plan.kept),
        "core": list(plan.core),
    }
