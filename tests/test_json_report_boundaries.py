"""The document's boundary lookups, asked once a path (json_report._BoundaryOf)."""

from __future__ import annotations

from archscan.records import Boundaries, BoundaryGroup
from archscan.report.json_report import _BoundaryOf


def _boundaries() -> Boundaries:
    groups = (
        BoundaryGroup("api", "python", "services/api", ("services/api/**",)),
        BoundaryGroup("web", "npm", "web", ("web/**",)),
    )
    return Boundaries("deployables", groups, {"services/api/app.py": "api", "web/x.ts": "web"})


def test_answers_as_boundaries_of_for_discovered_and_other_paths() -> None:
    boundaries = _boundaries()
    lookup = _BoundaryOf(boundaries)
    # discovered, matched by a group's root only (a rename in history), and outside all
    for path in ("services/api/app.py", "web/x.ts", "web/old/y.ts", "docs/readme.md"):
        assert lookup[path] == boundaries.of(path)
        assert lookup[path] == boundaries.of(path)  # the remembered answer, the same
    assert lookup["docs/readme.md"] == "(unassigned)"
    assert set(lookup) == {"services/api/app.py", "web/x.ts", "web/old/y.ts", "docs/readme.md"}
