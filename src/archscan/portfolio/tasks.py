"""One repository's assessment as a task: a child process with a timeout and a memory
limit, so that one repository that crashes, hangs or swells never stops the others.

A task and its outcome are small frozen records (picklable), so the same function runs
in the local pool and on a Dask worker; the outcome carries the roll-up row, so the
coordinator never needs to read a worker's files.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATUSES = ("ok", "failed", "timeout", "missing")
_ERROR_CHARS = 500


@dataclass(frozen=True)
class Task:
    path: str  # the repository, absolute
    report_dir: str  # where its own archscan.json and report.md go
    timeout: float  # seconds
    memory_mb: int  # address-space limit of the analysis process (0: none)
    history: bool = True
    cache_dir: str = ""  # "" = the user cache
    use_cache: bool = True
    jobs: int = 1  # worker processes inside one analysis


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # one of STATUSES
    error: str  # "" when ok
    seconds: float
    row: dict[str, Any]  # the roll-up row (see rollup.row_of)


def report_dir_name(path: str) -> str:
    """A folder name per repository: readable and unique (two repos named ``api``)."""
    base = os.path.basename(path.rstrip("/")) or "repository"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in base)[:60]
    return f"{safe}-{hashlib.sha256(path.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"


def _command(task: Task) -> list[str]:
    command = [sys.executable, "-m", "archscan.portfolio.child", str(task.memory_mb)]
    command += ["analyze", task.path, "--out", task.report_dir]
    command += ["--quiet", "--format", "json,md", "--jobs", str(task.jobs)]
    if not task.history:
        command.append("--no-history")
    if task.cache_dir:
        command += ["--cache-dir", task.cache_dir]
    if not task.use_cache:
        command.append("--no-cache")
    return command


def _last_line(text: bytes) -> str:
    lines = text.decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else "")[:_ERROR_CHARS]


def run_task(task: Task) -> Outcome:
    """Assess one repository in a child process; never raises."""
    from archscan.portfolio.rollup import row_of

    start = time.perf_counter()
    if not os.path.isdir(task.path):
        return Outcome(task.path, "missing", "not a directory", 0.0, row_of(task.path, None))
    os.makedirs(task.report_dir, exist_ok=True)
    proc = subprocess.Popen(
        _command(task),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: a timeout kills git and parse workers too
    )
    try:
        _out, err = proc.communicate(timeout=task.timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        seconds = time.perf_counter() - start
        message = f"no result after {task.timeout:g} s"
        return Outcome(task.path, "timeout", message, seconds, row_of(task.path, None))
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        error = _last_line(err) or f"exit status {proc.returncode}"
        if proc.returncode < 0:
            error = f"killed by signal {-proc.returncode} ({error})"
        return Outcome(task.path, "failed", error, seconds, row_of(task.path, None))
    document = _read_document(Path(task.report_dir) / "archscan.json")
    if document is None:
        return Outcome(
            task.path, "failed", "no readable archscan.json", seconds, row_of(task.path, None)
        )
    return Outcome(task.path, "ok", "", seconds, row_of(task.path, document))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


def _read_document(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
