"""import-linter contracts (``.importlinter``): one forbidden contract per constraint,
direct imports only (as archscan's rules), today's violations as ``ignore_imports``."""

from __future__ import annotations

from archscan.errors import ConfigError
from archscan.export.common import ExportInput, boundaries
from archscan.export.python import ModuleCover, python_modules


def _lines(values: list[str]) -> str:
    return "".join(f"\n    {v}" for v in values)


def export_import_linter(data: ExportInput) -> list[tuple[str, str]]:
    bounds = boundaries(data)
    modules = python_modules(data.analysis)
    cover = ModuleCover(bounds, modules)
    contracts = []
    roots: set[str] = set()
    for i, c in enumerate(bounds.constraints, start=1):
        source = [m for g in c.sources for m in cover.of_files(bounds.groups[g], g)]
        target_files = {
            g: tuple(f for f in bounds.groups[g] if f not in c.allowed_files) for g in c.targets
        }
        target = [m for g, files in target_files.items() for m in cover.of_files(files, g)]
        if not source or not target:
            continue
        roots.update(m.split(".")[0] for m in source + target)
        ignores = sorted(
            {
                f"{cover.module(a)} -> {cover.module(b)}"
                for a, b in c.known
                if a in modules and b in modules
            }
        )
        text = (
            f"[importlinter:contract:{i}]\nname = {c.name}\ntype = forbidden\n"
            f"source_modules ={_lines(source)}\nforbidden_modules ={_lines(target)}\n"
            "allow_indirect_imports = True\n"
        )
        if ignores:
            text += "# today's violations (archscan baseline): remove as they are fixed\n"
            text += f"ignore_imports ={_lines(ignores)}\nunmatched_ignore_imports_alerting = warn\n"
        contracts.append(text)
    if not contracts:
        raise ConfigError("export: no boundary between Python modules to export")
    header = (
        "# Exported by `archscan export --to import-linter`; run `lint-imports`.\n"
        f"[importlinter]\nroot_packages ={_lines(sorted(roots))}\n"
        "include_external_packages = False\n"
    )
    return [(".importlinter", header + "\n" + "\n".join(contracts))]
