"""dependency-cruiser rules (``.dependency-cruiser.json``) and today's violations as its
known-violations file (``depcruise --ignore-known``)."""

from __future__ import annotations

import json
import re
from typing import Any

from archscan.export.common import ExportInput, PrefixCover, boundaries, slug

_SEVERITY = {"error": "error", "warning": "warn"}
KNOWN = ".dependency-cruiser-known-violations.json"


def _regex(prefixes: list[str], files: set[str]) -> str:
    # A prefix is a folder (everything below it) unless it is one of the files.
    parts = [f"^{re.escape(p)}$" if p in files else f"^{re.escape(p)}/" for p in prefixes]
    return "|".join(parts) or "^$"


def export_dependency_cruiser(data: ExportInput) -> list[tuple[str, str]]:
    bounds = boundaries(data)
    all_files = {f for files in bounds.groups.values() for f in files}
    cover = PrefixCover(bounds, {f: f for f in all_files}, "/")
    forbidden: list[dict[str, Any]] = []
    known: list[dict[str, Any]] = []
    for c in bounds.constraints:
        name = slug(c.name)
        sources = [p for g in c.sources for p in cover.of_files(bounds.groups[g], g)]
        targets = [
            p
            for g in c.targets
            for p in cover.of_files(
                tuple(f for f in bounds.groups[g] if f not in c.allowed_files), g
            )
        ]
        if not sources or not targets:
            continue
        severity = _SEVERITY[c.severity]
        forbidden.append(
            {
                "name": name,
                "severity": severity,
                "comment": f"archscan rule {c.name}: {', '.join(c.sources)} must not "
                f"depend on {', '.join(c.targets)}",
                "from": {"path": _regex(sources, all_files)},
                "to": {"path": _regex(targets, all_files)},
            }
        )
        known += [
            {"type": "dependency", "from": a, "to": b, "rule": {"severity": severity, "name": name}}
            for a, b in c.known
        ]
    config = {
        "forbidden": forbidden,
        "options": {"doNotFollow": {"path": "node_modules"}, "tsPreCompilationDeps": True},
    }
    known.sort(key=lambda k: (k["from"], k["to"], k["rule"]["name"]))
    return [
        (".dependency-cruiser.json", json.dumps(config, indent=2) + "\n"),
        (KNOWN, json.dumps(known, indent=2) + "\n"),
    ]
