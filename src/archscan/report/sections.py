"""The ``roles`` and ``boundaries`` keys of archscan.json (deterministic, sorted)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from archscan.graph import UNASSIGNED
from archscan.records import FILE_ROLES, Analysis


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def role_sections(
    analysis: Analysis, component_of: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Files and SLOC per role; per component the files of each role and its test share.
    ``component_of``: each file's boundary (the analysis' boundaries asked when None)."""
    files: Counter[str] = Counter()
    sloc: Counter[str] = Counter()
    per_component: dict[str, Counter[str]] = defaultdict(Counter)
    component_sloc: dict[str, Counter[str]] = defaultdict(Counter)
    if component_of is None:
        component_of = _boundaries_of(analysis)
    for file in analysis.files:
        facts = analysis.facts.get(file.path)
        lines = facts.sloc if facts else 0
        files[file.role] += 1
        sloc[file.role] += lines
        component = component_of[file.path]
        per_component[component][file.role] += 1
        component_sloc[component][file.role] += lines
    return {
        "counts": [{"role": r, "files": files[r], "sloc": sloc[r]} for r in FILE_ROLES],
        "test_sloc_share": _share(sloc["test"], sloc["test"] + sloc["production"]),
        "components": [
            {
                "name": name,
                "files": {r: per_component[name][r] for r in FILE_ROLES},
                "test_sloc_share": _share(
                    component_sloc[name]["test"],
                    component_sloc[name]["test"] + component_sloc[name]["production"],
                ),
            }
            for name in sorted(per_component)
        ],
    }


def _boundaries_of(analysis: Analysis) -> Mapping[str, str]:
    boundaries = analysis.boundaries
    if boundaries is None:
        return defaultdict(lambda: UNASSIGNED)
    return {f.path: boundaries.of(f.path) for f in analysis.files}


def boundary_section(
    analysis: Analysis, component_of: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``component_of``: each file's boundary (the analysis' boundaries asked when None)."""
    boundaries = analysis.boundaries
    if boundaries is None:
        return {"kind": "configured", "groups": [], "unassigned": 0}
    if component_of is None:
        component_of = _boundaries_of(analysis)
    sizes = Counter(component_of[f.path] for f in analysis.files)
    return {
        "kind": boundaries.kind,
        "groups": [
            {
                "name": g.name,
                "kind": g.kind,
                "root": g.root,
                "patterns": list(g.patterns),
                "evidence": list(g.evidence),
                "services": list(g.services),
                "files": sizes[g.name],
            }
            for g in boundaries.groups
        ],
        "unassigned": sizes[UNASSIGNED],
    }
