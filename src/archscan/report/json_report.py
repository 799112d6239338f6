"""archscan.json: the analysis as JSON, deterministic and validated by a shipped schema.

Byte-identical output for identical input: no timestamps, sorted lists, fixed key
order, floats rounded where they are computed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from operator import attrgetter
from pathlib import Path
from typing import Any

from archscan import __version__
from archscan.assess.report import assessment_section, plan_section, teams_section
from archscan.contexts.report import contexts_sections
from archscan.data_access.report import data_access_section
from archscan.graph import package_of
from archscan.history.report import history_sections
from archscan.languages import registry
from archscan.links.report import service_links_section
from archscan.outputs import write_text_atomic
from archscan.records import Analysis, Boundaries, ComponentMetrics, Cycle
from archscan.report import fastjson
from archscan.report.sections import boundary_section, role_sections

SCHEMA_VERSION = "1.1"


def _group(metrics: ComponentMetrics) -> dict[str, Any]:
    return {
        "name": metrics.name,
        "files": metrics.files,
        "sloc": metrics.sloc,
        "ca": metrics.ca,
        "ce": metrics.ce,
        "instability": metrics.instability,
        "abstractness": metrics.abstractness,
        "distance": metrics.distance,
        "depends_on": list(metrics.depends_on),
    }


def _cycle(cycle: Cycle) -> dict[str, Any]:
    return {
        "level": cycle.level,
        "edge_set": cycle.edge_set,
        "size": len(cycle.members),
        "members": list(cycle.members),
        "edges": [list(edge) for edge in cycle.edges],
    }


def _languages(analysis: Analysis) -> list[dict[str, Any]]:
    files: Counter[str] = Counter()
    sloc: Counter[str] = Counter()
    for file in analysis.files:
        if file.language is None:
            continue
        files[file.language] += 1
        facts = analysis.facts.get(file.path)
        sloc[file.language] += facts.sloc if facts else 0
    return [
        {
            "name": name,
            "files": files[name],
            "sloc": sloc[name],
            "parsed": registry.has_plugin(name),
        }
        for name in sorted(files)
    ]


_COMPLEXITY = attrgetter("complexity")


def _files(analysis: Analysis, component_of: Mapping[str, str] | None) -> list[dict[str, Any]]:
    """One row a file, with its functions: the document's largest section (4,363 rows and
    27,000 functions on saleor). Its loop is the hottest of the document: the file's
    complexities are summed here with ``map`` (FileFacts.complexity, max_complexity are
    the same sums through generators): 0.0354 -> 0.0330 s of CPU on saleor (medians of
    21 alternated calls)."""
    measured = {m.path: m for m in analysis.structure.files}
    modules, all_facts = analysis.resolution.modules, analysis.facts
    rows = []
    for file in analysis.files:
        path = file.path
        facts = all_facts.get(path)
        metric = measured.get(path)
        if component_of is not None:
            component: str | None = component_of[path]
        else:
            component = metric.component if metric else None
        if facts is not None:
            functions = facts.functions
            sloc, generated = facts.sloc, facts.generated or None
            complexity = sum(map(_COMPLEXITY, functions)) or 1
            max_complexity = max(map(_COMPLEXITY, functions), default=1)
        else:
            functions, sloc, generated, complexity, max_complexity = (), 0, None, 0, 0
        rows.append(
            {
                "path": path,
                "language": file.language,
                "module": modules.get(path, path),
                "package": package_of(path),
                "component": component,
                "role": file.role,
                "blob_id": file.blob_id,
                "size": file.size,
                "sloc": sloc,
                "complexity": complexity,
                "max_complexity": max_complexity,
                "functions": [
                    {
                        "name": f.name,
                        "line": f.line,
                        "end_line": f.end_line,
                        "complexity": f.complexity,
                    }
                    for f in functions
                ],
                "generated": generated,
                "fan_in": metric.fan_in if metric else None,
                "fan_out": metric.fan_out if metric else None,
            }
        )
    return rows


class _BoundaryOf(dict[str, str]):
    """``Boundaries.of`` asked once a path: the document asks it ~5 times a file (its
    row, its role counts, the boundary sizes, each end of its dependencies: 48,000
    calls on saleor), a dict lookup in C after the first."""

    def __init__(self, boundaries: Boundaries) -> None:
        super().__init__()
        self._of = boundaries.of

    def __missing__(self, path: str) -> str:
        found = self[path] = self._of(path)
        return found


def _view(analysis: Analysis, roles: dict[str, str]) -> Callable[[str], bool]:
    wanted = set(analysis.view_roles)
    return lambda path: roles.get(path, "production") in wanted


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    structure = analysis.structure
    repo = analysis.repository
    # The summary counts the default view: runtime edges between production files.
    file_cycles = [c for c in structure.cycles if c.level == "file" and c.edge_set == "runtime"]
    roles = {f.path: f.role for f in analysis.files}
    in_view = _view(analysis, roles)
    kinds = {g.name: g.kind for g in analysis.boundaries.groups} if analysis.boundaries else {}
    component_of = _BoundaryOf(analysis.boundaries) if analysis.boundaries else None
    boundary_of: Mapping[str, str] = (
        defaultdict(str) if component_of is None else component_of  # "": no boundaries
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "archscan", "version": __version__},
        "repository": {
            "root": repo.root,
            "head": repo.head,
            "branch": repo.branch,
            "is_git": repo.is_git,
        },
        "summary": {
            "files": sum(1 for f in analysis.files if f.language is not None),
            "files_in_graph": len(structure.files),
            "sloc": sum(f.sloc for f in analysis.facts.values()),
            "dependencies": len(analysis.resolution.dependencies),
            "external_packages": len({e.package for e in analysis.resolution.external}),
            "file_cycles": len(file_cycles),
            "files_in_cycles": sum(len(c.members) for c in file_cycles),
            "skipped": dict(sorted(Counter(s.reason for s in analysis.skipped).items())),
            "warnings": len(analysis.warnings),
        },
        "languages": _languages(analysis),
        "files": _files(analysis, component_of),
        "dependencies": [
            {
                "source": d.source,
                "target": d.target,
                "kind": d.kind,
                "lines": list(d.lines),
                "type_only": d.type_only,
                "local": d.local,
                "cross_boundary": boundary_of[d.source] != boundary_of[d.target],
            }
            for d in analysis.resolution.dependencies
        ],
        "external_dependencies": [
            {"source": e.source, "package": e.package} for e in analysis.resolution.external
        ],
        "packages": [_group(p) for p in structure.packages],
        "components": [
            {
                **_group(c),
                "kind": kinds.get(c.name, "component"),
                "patterns": list(analysis.components.get(c.name, ())),
            }
            for c in structure.components
        ],
        "cycles": [_cycle(c) for c in structure.cycles],
        "metrics": {
            "propagation_cost": structure.propagation_cost,
            "propagation_cost_with_self": structure.propagation_cost_with_self,
            "edges": "runtime",
            "all_edges": {
                "propagation_cost": structure.propagation_cost_all,
                "propagation_cost_with_self": structure.propagation_cost_all_with_self,
            },
        },
        "views": {
            "roles": list(analysis.view_roles),
            "edges": "runtime",
            "files": sum(1 for f in structure.files if in_view(f.path)),
        },
        "roles": role_sections(analysis, component_of),
        "boundaries": boundary_section(analysis, component_of),
        "skipped": [{"path": s.path, "reason": s.reason} for s in analysis.skipped],
        "warnings": [
            {"path": w.path, "kind": w.kind, "message": w.message} for w in analysis.warnings
        ],
        **history_sections(analysis.history, in_view),
        "teams": teams_section(analysis.teams),
        "assessment": assessment_section(analysis.assessment),
        "extraction_plan": plan_section(analysis.extraction_plan),
        **contexts_sections(analysis.contexts),
        "data_access": data_access_section(analysis.data_access),
        "service_links": service_links_section(analysis.service_links),
    }


def dumps(analysis: Analysis) -> str:
    return dumps_data(analysis_to_dict(analysis))


def json_bytes(data: dict[str, Any]) -> bytes:
    """The bytes of archscan.json (those of :func:`dumps_data`, without a str between)."""
    return fastjson.dumps_loads(data, newline=True)[0]


def dumps_data(data: dict[str, Any]) -> str:
    """The text of archscan.json from the dict (built once, shared with the other reports):
    byte-identical to ``json.dumps(data, indent=2, ensure_ascii=True)``, but fast."""
    return fastjson.dumps(data) + "\n"


def write_json(analysis: Analysis, path: Path) -> Path:
    return write_text_atomic(path, dumps(analysis))
