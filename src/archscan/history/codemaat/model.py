"""The records of compatibility mode: one row per changed entity, and result tables."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Change:
    """One row of code-maat's dataset: an entity changed in a revision."""

    entity: str
    rev: str
    date: str  # YYYY-MM-DD
    author: str
    added: int = 0  # "-" (binary) counts as 0
    deleted: int = 0


@dataclass(frozen=True)
class Options:
    """code-maat's command-line options, with its defaults."""

    min_revs: int = 5
    min_shared_revs: int = 5
    min_coupling: int = 30
    max_coupling: int = 100
    max_changeset_size: int = 30
    temporal_period: int | None = None  # days of a sliding window
    age_time_now: str | None = None  # YYYY-MM-DD; None: today (UTC)
    verbose_results: bool = False
    rows: int | None = None  # keep only the first N rows of the output


@dataclass(frozen=True)
class Table:
    """An analysis result: column names and rows, in output order."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...] = field(default=())


@dataclass(frozen=True)
class LogProblem:
    """A part of the log that could not be read (code-maat would stop; we skip it)."""

    line: int
    message: str
