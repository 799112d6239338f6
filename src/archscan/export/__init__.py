"""Exports of the boundaries to each ecosystem's own linter (see docs/check.md).

Each exporter takes an :class:`ExportInput` and returns the files to write, as
(relative name, text) pairs, with today's violations as that tool's own baseline.
"""

from __future__ import annotations

from collections.abc import Callable

from archscan.export.archunit import export_archunit
from archscan.export.common import ExportInput
from archscan.export.depcruise import export_dependency_cruiser
from archscan.export.importlinter import export_import_linter
from archscan.export.tach import export_tach

Exporter = Callable[[ExportInput], list[tuple[str, str]]]

EXPORTERS: dict[str, Exporter] = {
    "import-linter": export_import_linter,
    "tach": export_tach,
    "dependency-cruiser": export_dependency_cruiser,
    "archunit": export_archunit,
}

__all__ = ["EXPORTERS", "ExportInput", "Exporter"]
