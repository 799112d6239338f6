"""``archscan history --log``: the code-maat compatible command, from options to CSV text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archscan.history.codemaat.analyses import ANALYSES, prepare, run_analysis
from archscan.history.codemaat.csvout import render
from archscan.history.codemaat.log import read_log
from archscan.history.codemaat.model import LogProblem, Options


@dataclass(frozen=True)
class CompatRequest:
    log: Path
    analysis: str
    group: Path | None = None
    team_map: Path | None = None
    encoding: str = "utf-8"
    min_revs: int = 5
    min_shared_revs: int = 5
    min_coupling: int = 30
    max_coupling: int = 100
    max_changeset_size: int = 30
    temporal_period: int | None = None
    age_time_now: str | None = None
    verbose_results: bool = False
    rows: int | None = None


def _check(request: CompatRequest) -> None:
    if request.analysis not in ANALYSES:
        names = ", ".join(sorted(ANALYSES))
        raise ValueError(f"invalid analysis {request.analysis!r}; valid: {names}")
    for path in (request.log, request.group, request.team_map):
        if path is not None and not path.is_file():
            raise ValueError(f"no such file: {path}")
    if request.age_time_now and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", request.age_time_now):
        raise ValueError("--age-time-now must be a date YYYY-MM-DD")


def run_compat(request: CompatRequest) -> tuple[str, list[LogProblem]]:
    """The CSV text code-maat would print, and the parts of the log that were skipped."""
    _check(request)
    options = Options(
        min_revs=request.min_revs,
        min_shared_revs=request.min_shared_revs,
        min_coupling=request.min_coupling,
        max_coupling=request.max_coupling,
        max_changeset_size=request.max_changeset_size,
        temporal_period=request.temporal_period,
        age_time_now=request.age_time_now,
        verbose_results=request.verbose_results,
        rows=request.rows,
    )
    problems: list[LogProblem] = []
    try:
        rows = read_log(request.log, problems, request.encoding)
    except LookupError as exc:
        raise ValueError(f"unknown encoding {request.encoding!r}") from exc
    except OSError as exc:
        raise ValueError(f"cannot read {request.log}: {exc.strerror or exc}") from exc
    prepared = prepare(rows, options, request.group, request.team_map)
    return render(run_analysis(request.analysis, prepared, options)), problems
