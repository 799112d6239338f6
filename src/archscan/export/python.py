"""Groups of files as Python modules: what import-linter and tach name."""

from __future__ import annotations

from pathlib import PurePosixPath

from archscan.export.common import Boundaries, PrefixCover
from archscan.records import Analysis


def python_modules(analysis: Analysis) -> dict[str, str]:
    """Python file -> dotted module (``__init__.py`` -> its package)."""
    return {
        path: module
        for path, module in analysis.resolution.modules.items()
        if path in analysis.facts and analysis.facts[path].language == "python" and module
    }


class ModuleCover(PrefixCover):
    """The fewest module prefixes that name a group's Python files and nothing else."""

    def __init__(self, bounds: Boundaries, modules: dict[str, str]) -> None:
        super().__init__(bounds, modules, ".")

    def module(self, path: str) -> str:
        return self.names[path]


def source_roots(modules: dict[str, str]) -> list[str]:
    """Folders the modules are importable from (src/ layout, repository root, ...)."""
    roots = set()
    for path, module in modules.items():
        parts = PurePosixPath(path).with_suffix("").parts
        depth = len(module.split("."))
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        roots.add("/".join(parts[: len(parts) - depth]) or ".")
    return sorted(roots)
