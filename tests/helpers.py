"""Small helpers shared by the language tests (pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

from archscan.config import Config
from archscan.discover import discover
from archscan.parse import parse_files
from archscan.pipeline import RunOptions, SilentProgress, run
from archscan.records import Analysis, Resolution
from archscan.resolve import resolve_all


def analyse(root: Path, config: Config | None = None) -> Analysis:
    """The whole pipeline, uncached, in one process."""
    return run(root, config or Config(), RunOptions(use_cache=False, jobs=1))


def resolve_repo(root: Path) -> Resolution:
    """Discovery, parsing and resolution only (no metrics, no history)."""
    files = discover(root, Config()).files
    parsed = parse_files(root, files, None, jobs=1)
    return resolve_all(root, parsed.files, parsed.facts)


def edge_set(analysis: Analysis) -> set[tuple[str, str]]:
    return {(d.source, d.target) for d in analysis.resolution.dependencies}


def edge_kinds(resolution: Resolution) -> dict[tuple[str, str], str]:
    return {(d.source, d.target): d.kind for d in resolution.dependencies}


class RecordingProgress(SilentProgress):
    """A progress reporter that keeps what it was told: totals set, steps advanced."""

    def __init__(self) -> None:
        self.totals: list[int] = []
        self.advanced = 0

    def set_total(self, total: int) -> None:
        self.totals.append(total)

    def advance(self, amount: int = 1) -> None:
        self.advanced += amount
