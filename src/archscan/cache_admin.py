"""``archscan cache info|clear``: what the caches hold and how to drop them."""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from archscan import run_cache, stage_cache
from archscan.history import store
from archscan.report import layouts

FACTS_FILE = "facts.sqlite"
RESOLUTIONS_FILE = "resolutions.sqlite"
STAGES_FILE = stage_cache.FILE_NAME
TEMPLATES_DIR = "templates"  # report/markdown.py bytecode_cache


@dataclass(frozen=True)
class CacheRow:
    name: str  # parse | history | resolution | runs | stages | templates | layouts
    path: str
    bytes: int
    entries: int | None  # None: absent or unreadable
    detail: str


def _size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):
            total += Path(f"{path}{suffix}").stat().st_size
    return total


def _sqlite_row(name: str, path: Path, table: str, what: str) -> CacheRow:
    """A cache that is one SQLite table: its entries, or why it cannot be read."""
    entries: int | None = None
    detail = "absent"
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
                entries = int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            detail = what
        except sqlite3.Error as exc:
            detail = f"unreadable ({exc}); rebuilt on the next run"
    return CacheRow(name, str(path), _size(path), entries, detail)


def _facts_row(directory: Path) -> CacheRow:
    return _sqlite_row(
        "parse",
        directory / FACTS_FILE,
        "facts",
        "parsed files (by blob id and parser version), and a base per repository root",
    )


def _history_row(directory: Path) -> CacheRow:
    path = directory / store.FILE_NAME
    if not path.exists():
        return CacheRow("history", str(path), 0, None, "absent")
    try:
        opened = store.HistoryStore(path)
    except (sqlite3.Error, store.ForeignFormat) as exc:
        return CacheRow("history", str(path), _size(path), None, f"unusable ({exc})")
    try:
        info = opened.info()
    finally:
        opened.close()
    records = ", ".join(f"{table} {count}" for table, count in sorted(info.records.items()))
    detail = f"commit records: {records}; {info.shapes} repository/option shape(s)"
    return CacheRow("history", str(path), info.bytes, sum(info.records.values()), detail)


def _resolution_row(directory: Path) -> CacheRow:
    return _sqlite_row(
        "resolution",
        directory / RESOLUTIONS_FILE,
        "resolutions",
        "whole resolution results (by every input they depend on)",
    )


def _stages_row(directory: Path) -> CacheRow:
    """The per-file results of the later stages, counted per stage."""
    path = directory / STAGES_FILE
    row = _sqlite_row("stages", path, "entries", "per-file stage results (by blob id)")
    if row.entries is None:
        return row
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            counts = db.execute("SELECT stage, COUNT(*) FROM entries GROUP BY stage").fetchall()
    except sqlite3.Error:
        return row
    per_stage = ", ".join(f"{stage} {count}" for stage, count in sorted(counts))
    detail = f"{row.detail}: {per_stage}" if per_stage else row.detail
    return CacheRow(row.name, row.path, row.bytes, row.entries, detail)


def _template_files(directory: Path) -> list[Path]:
    """The compiled report templates (Jinja's bytecode cache, one folder per reporter)."""
    return sorted((directory / TEMPLATES_DIR).glob("*/__jinja2_*.cache"))


def _files_row(name: str, folder: Path, files: list[Path], what: str) -> CacheRow:
    """A cache that is a folder of files: their count and size."""
    size = 0
    for path in files:
        with suppress(OSError):
            size += path.stat().st_size
    return CacheRow(
        name, str(folder), size, len(files) if files else None, what if files else "absent"
    )


def _templates_row(directory: Path) -> CacheRow:
    return _files_row(
        "templates",
        directory / TEMPLATES_DIR,
        _template_files(directory),
        "compiled report templates (by template source)",
    )


def _layouts_row(directory: Path) -> CacheRow:
    return _files_row(
        "layouts",
        directory / layouts.FOLDER,
        layouts.stored_files(directory),
        f"the HTML report's layouts (by their inputs; at most {layouts.KEPT} a kind)",
    )


def _runs_row(directory: Path) -> CacheRow:
    row = _sqlite_row(
        "runs",
        directory / run_cache.FILE_NAME,
        "runs",
        f"whole-run reports (by every input; at most {run_cache.KEPT}) and the stat cache",
    )
    stored = 0
    for path in _output_files(directory):
        with suppress(OSError):
            stored += path.stat().st_size
    return CacheRow(row.name, row.path, row.bytes + stored, row.entries, row.detail)


def _output_files(directory: Path) -> list[Path]:
    """The stored report files of the run cache (beside its database)."""
    with suppress(OSError):
        return sorted(p for p in (directory / run_cache.OUTPUTS_DIR).iterdir() if p.is_file())
    return []


def cache_info(directory: Path) -> list[CacheRow]:
    return [
        _facts_row(directory),
        _history_row(directory),
        _resolution_row(directory),
        _runs_row(directory),
        _stages_row(directory),
        _templates_row(directory),
        _layouts_row(directory),
    ]


def clear_caches(directory: Path) -> list[Path]:
    """Delete every cache's files; the paths removed."""
    removed = store.clear(directory)
    for name in (FACTS_FILE, RESOLUTIONS_FILE, run_cache.FILE_NAME, STAGES_FILE):
        for suffix in ("", "-wal", "-shm"):
            path = directory / f"{name}{suffix}"
            with suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    stored = [*_template_files(directory), *_output_files(directory)]
    for path in [*stored, *layouts.stored_files(directory)]:
        with suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed
