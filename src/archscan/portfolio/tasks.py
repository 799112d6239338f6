"""One repository's assessment as a task: a child process with a timeout and a memory
limit, so that one repository that crashes, hangs or swells never stops the others.
In the local pool the child is forked from a fork server that has imported archscan
once; on a Dask worker (a daemon process) it is a fresh interpreter (child.py).

A task and its outcome are small frozen records (picklable), so the same function runs
in the local pool and on a Dask worker; the outcome carries the roll-up row, so the
coordinator never needs to read a worker's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from multiprocessing.context import ForkServerContext
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


def _arguments(task: Task) -> list[str]:
    arguments = ["analyze", task.path, "--out", task.report_dir]
    arguments += ["--quiet", "--format", "json,md", "--jobs", str(task.jobs)]
    if not task.history:
        arguments.append("--no-history")
    if task.cache_dir:
        arguments += ["--cache-dir", task.cache_dir]
    if not task.use_cache:
        arguments.append("--no-cache")
    return arguments


def command(task: Task) -> list[str]:
    """The analysis as a fresh interpreter runs it (also what a single run costs)."""
    return [
        sys.executable,
        "-m",
        "archscan.portfolio.child",
        str(task.memory_mb),
        *_arguments(task),
    ]


# A rich console started on a terminal colours its lines even when they go to a file.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\))")


def _last_line(text: bytes) -> str:
    plain = _ESCAPES.sub("", text.decode("utf-8", "replace"))
    lines = plain.strip().splitlines()
    return (lines[-1] if lines else "")[:_ERROR_CHARS]


Finished = tuple[int, bytes] | None  # (exit status, stderr); None: timed out, killed


def run_task(task: Task) -> Outcome:
    """Assess one repository in a child process; never raises."""
    from archscan.portfolio.rollup import row_of

    start = time.perf_counter()
    if not os.path.isdir(task.path):
        return Outcome(task.path, "missing", "not a directory", 0.0, row_of(task.path, None))
    os.makedirs(task.report_dir, exist_ok=True)
    finished = _run_forked(task) if _can_fork() else _run_fresh(task)
    seconds = time.perf_counter() - start
    if finished is None:
        message = f"no result after {task.timeout:g} s"
        return Outcome(task.path, "timeout", message, seconds, row_of(task.path, None))
    returncode, err = finished
    if returncode != 0:
        error = _last_line(err) or f"exit status {returncode}"
        if returncode < 0:
            error = f"killed by signal {-returncode} ({error})"
        return Outcome(task.path, "failed", error, seconds, row_of(task.path, None))
    document = _read_document(Path(task.report_dir) / "archscan.json")
    if document is None:
        return Outcome(
            task.path, "failed", "no readable archscan.json", seconds, row_of(task.path, None)
        )
    return Outcome(task.path, "ok", "", seconds, row_of(task.path, document))


def _run_fresh(task: Task) -> Finished:
    proc = subprocess.Popen(
        command(task),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: a timeout kills git and parse workers too
    )
    try:
        _out, err = proc.communicate(timeout=task.timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid, proc.kill)
        proc.communicate()
        return None
    return proc.returncode, err


def _can_fork() -> bool:
    """A Dask worker is a daemon process, which may not start multiprocessing children."""
    return "forkserver" in multiprocessing.get_all_start_methods() and not (
        multiprocessing.current_process().daemon
    )


@cache
def _fork_context() -> ForkServerContext:
    """One fork server per coordinator, archscan imported once in it (warm.py): each
    analysis forks from it and skips the interpreter start-up and imports."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["archscan.portfolio.warm"])
    return context


def _run_forked(task: Task) -> Finished:
    from archscan.portfolio.child import run_forked

    handle, log_path = tempfile.mkstemp(prefix="archscan-portfolio-", suffix=".log")
    os.close(handle)
    try:
        arguments = (_arguments(task), task.memory_mb, log_path, dict(os.environ), os.getcwd())
        proc = _fork_context().Process(target=run_forked, args=arguments)
        proc.start()
        proc.join(task.timeout)
        if proc.exitcode is None:
            _kill_group(proc.pid or 0, proc.kill)
            proc.join()
            return None
        returncode = proc.exitcode
        proc.close()
        return returncode, Path(log_path).read_bytes()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(log_path)


def _kill_group(pid: int, kill: Callable[[], None]) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        kill()  # not yet a group of its own


def _read_document(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
