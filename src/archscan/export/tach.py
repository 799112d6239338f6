"""tach modules (``tach.toml``): each group's modules may depend on every group it is
not forbidden from; today's violating dependencies are listed as ``deprecated``
(tach reports them as warnings, the freeze tach offers), a new one fails ``tach check``.
Interfaces are not exported (tach's interfaces name symbols, not files)."""

from __future__ import annotations

import json

from archscan.errors import ConfigError
from archscan.export.common import ExportInput, boundaries
from archscan.export.python import ModuleCover, python_modules, source_roots


def export_tach(data: ExportInput) -> list[tuple[str, str]]:
    bounds = boundaries(data)
    modules = python_modules(data.analysis)
    cover = ModuleCover(bounds, modules)
    group_modules = {g: cover.of_files(files, g) for g, files in bounds.groups.items()}
    group_modules = {g: m for g, m in group_modules.items() if m}
    if len(group_modules) < 2:
        raise ConfigError("export: fewer than two groups with Python modules for tach")
    group_of = {f: g for g, files in bounds.groups.items() for f in files}
    forbidden: dict[str, set[str]] = {g: set() for g in group_modules}
    deprecated: dict[str, set[str]] = {g: set() for g in group_modules}
    for c in bounds.constraints:
        for source in c.sources:
            if source in forbidden:
                forbidden[source].update(c.targets)
        for a, b in c.known:
            ga, gb = group_of.get(a), group_of.get(b)
            if ga in deprecated and gb in group_modules:
                deprecated[ga].add(gb)
    roots = source_roots(modules)
    out = [
        "# Exported by `archscan export --to tach`; run `tach check`.",
        f"source_roots = {json.dumps(roots)}",
        "exact = false",
        "",
    ]
    for group, mods in group_modules.items():
        allowed = [m for g, ms in group_modules.items() if g not in forbidden[group] for m in ms]
        frozen = [m for g in sorted(deprecated[group]) for m in group_modules[g]]
        deps = [json.dumps(m) for m in allowed if m not in frozen]
        deps += [f"{{ path = {json.dumps(m)}, deprecated = true }}" for m in frozen]
        for module in mods:
            own = [d for d in deps if d != json.dumps(module)]
            out += [
                f"# {group}",
                "[[modules]]",
                f"path = {json.dumps(module)}",
                f"depends_on = [{', '.join(own)}]",
                "",
            ]
    return [("tach.toml", "\n".join(out))]
