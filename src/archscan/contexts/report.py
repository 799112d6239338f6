"""The contexts keys of archscan.json: ``contexts``, ``context_edges``,
``decomposition_quality`` (deterministic: everything sorted, floats rounded upstream)."""

from __future__ import annotations

from typing import Any

from archscan.records import (
    BoundedContext,
    ContextEdge,
    ContextsResult,
    DecompositionQuality,
    GroundTruthScore,
)


def _context(item: BoundedContext) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "platform": item.platform,
        "files": list(item.files),
        "file_count": len(item.files),
        "sloc": item.sloc,
        "cohesion": item.cohesion,
        "confidence": item.confidence,
        "packages": list(item.packages),
        "interface": [
            {"path": i.path, "symbols": list(i.symbols), "uses": i.uses} for i in item.interface
        ],
        "owners": [{"author": a, "share": s} for a, s in item.owners],
        "hotspots": list(item.hotspots),
        "tests": list(item.tests),
        "cross_package": [{"signal": s, "share": v} for s, v in item.cross_package],
    }


def _edge(item: ContextEdge) -> dict[str, Any]:
    return {
        "source": item.source,
        "target": item.target,
        "dependencies": item.dependencies,
        "by_kind": [{"kind": k, "count": n} for k, n in item.by_kind],
        "co_change": item.co_change,
    }


def quality_dict(item: DecompositionQuality) -> dict[str, Any]:
    return {
        "name": item.name,
        "partitions": item.partitions,
        "members": item.members,
        "modularity": item.modularity,
        "structural_modularity": item.structural_modularity,
        "icp": item.icp,
        "ifn": item.ifn,
        "ned": item.ned,
        "turbomq": item.turbomq,
        "turbomq_normalised": item.turbomq_normalised,
        "co_change_crossing": item.co_change_crossing,
    }


def _score(item: GroundTruthScore) -> dict[str, Any]:
    return {
        "decomposition": item.decomposition,
        "ground_truth": item.ground_truth,
        "members": item.members,
        "mojofm": item.mojofm,
        "c2c_50": item.c2c_50,
        "c2c_33": item.c2c_33,
        "c2c_10": item.c2c_10,
        "unknown": list(item.unknown),
    }


def contexts_sections(result: ContextsResult | None) -> dict[str, Any]:
    if result is None:
        return {"contexts": [], "context_edges": [], "decomposition_quality": None}
    return {
        "contexts": [_context(c) for c in result.contexts],
        "context_edges": [_edge(e) for e in result.edges],
        "decomposition_quality": {
            "signals": list(result.signals),
            "resolution": result.resolution,
            "requested": result.requested,
            "proposal": quality_dict(result.quality),
            "decompositions": [quality_dict(q) for q in result.decompositions],
            "ground_truth": [_score(s) for s in result.scores],
        },
    }
