"""The ``roles`` and ``boundaries`` keys of archscan.json (deterministic, sorted)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from archscan.graph import UNASSIGNED
from archscan.records import FILE_ROLES, Analysis


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def role_sections(analysis: Analysis) -> dict[str, Any]:
    """Files and SLOC per role; per component the files of each role and its test share."""
    files: Counter[str] = Counter()
    sloc: Counter[str] = Counter()
    per_component: dict[str, Counter[str]] = defaultdict(Counter)
    component_sloc: dict[str, Counter[str]] = defaultdict(Counter)
    boundary_of = analysis.boundaries.of if analysis.boundaries else (lambda path: UNASSIGNED)
    for file in analysis.files:
        facts = analysis.facts.get(file.path)
        lines = facts.sloc if facts else 0
        files[file.role] += 1
        sloc[file.role] += lines
        component = boundary_of(file.path)
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


def boundary_section(analysis: Analysis) -> dict[str, Any]:
    boundaries = analysis.boundaries
    if boundaries is None:
        return {"kind": "configured", "groups": [], "unassigned": 0}
    sizes = Counter(boundaries.of(f.path) for f in analysis.files)
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
