"""``archscan portfolio REPOS.txt --out DIR``: assess many repositories, roll them up.

By default a local pool: at most ``jobs`` analyses at once, each in its own process
with a timeout and a memory limit (tasks.py), the largest repositories first. With ``scheduler`` (``tcp://HOST:PORT``)
the same tasks run on a Dask distributed cluster. Each finished repository is recorded
in the manifest at once; a repository that fails, times out or kills its worker is
reported in the roll-up and never stops the others.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archscan.portfolio.manifest import Manifest
from archscan.portfolio.rollup import row_of, write_rollup
from archscan.portfolio.tasks import Outcome, Task, report_dir_name, run_task

OnDone = Callable[[Outcome], None]


class PortfolioError(ValueError):
    """The repository list or the scheduler cannot be used."""


@dataclass(frozen=True)
class PortfolioRequest:
    repos_file: Path
    out: Path
    jobs: int = 0  # analyses at once in the local pool (0: one per core)
    timeout: float = 3600.0  # seconds per repository
    memory_mb: int = 4096  # per analysis process (0: no limit)
    history: bool = True
    cache_dir: str = ""
    use_cache: bool = True
    scheduler: str = ""  # "" = local pool; else a Dask scheduler address
    fresh: bool = False  # ignore the manifest of an earlier run


def read_repositories(path: Path) -> list[str]:
    """One repository path a line (``#`` comments, blank lines ignored); relative paths
    are relative to the list's folder. Absolute, duplicates removed, in list order."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PortfolioError(f"cannot read the repository list {path}: {exc}") from exc
    seen: dict[str, None] = {}
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        full = os.path.abspath(os.path.join(path.parent, os.path.expanduser(entry)))
        seen.setdefault(full, None)
    if not seen:
        raise PortfolioError(f"no repositories listed in {path}")
    return list(seen)


def _refuse_inside(out: Path, paths: Sequence[str]) -> None:
    """archscan never writes into an analysed repository."""
    target = os.path.realpath(out)
    for path in paths:
        real = os.path.realpath(path)
        if target == real or target.startswith(real + os.sep):
            raise PortfolioError(f"refusing to write into the analysed repository {path}")


def _tasks(request: PortfolioRequest, paths: Sequence[str]) -> list[Task]:
    return [
        Task(
            path=path,
            report_dir=str(request.out / report_dir_name(path)),
            timeout=request.timeout,
            memory_mb=request.memory_mb,
            history=request.history,
            cache_dir=request.cache_dir,
            use_cache=request.use_cache,
        )
        for path in paths
    ]


def _history_bytes(path: str) -> int:
    """A cheap size of a repository's work: its packed history and its index (lstat
    only; a worktree's ``.git`` file or an odd layout counts as 0)."""
    git = os.path.join(path, ".git")
    if os.path.islink(git):  # never follow a link out of the repository
        return 0
    total = 0
    with contextlib.suppress(OSError):
        total += os.lstat(os.path.join(git, "index")).st_size
    with contextlib.suppress(OSError), os.scandir(os.path.join(git, "objects", "pack")) as it:
        total += sum(
            e.stat(follow_symlinks=False).st_size for e in it if e.is_file(follow_symlinks=False)
        )
    return total


def largest_first(tasks: Sequence[Task]) -> list[Task]:
    """The biggest repositories start first, so that the last to finish is a small one
    and no core idles at the end while one large analysis runs alone."""
    return sorted(tasks, key=lambda task: -_history_bytes(task.path))


def _local(tasks: Sequence[Task], jobs: int) -> Iterator[Outcome]:
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        futures = [pool.submit(run_task, task) for task in tasks]
        for future in as_completed(futures):
            yield future.result()  # run_task never raises


def _dask(tasks: Sequence[Task], address: str) -> Iterator[Outcome]:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError as exc:
        raise PortfolioError(
            "--scheduler needs dask.distributed: pip install 'archscan[distributed]'"
        ) from exc
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise PortfolioError(f"cannot reach the Dask scheduler {address}: {exc}") from exc
    try:
        futures = client.map(run_task, list(tasks), pure=False)
        task_of = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        for future in dask_completed(futures):
            yield _dask_outcome(future, task_of[future.key])
    finally:
        client.close()


def _dask_outcome(future: Any, task: Task) -> Outcome:
    """A worker that died (killed for memory, lost) fails only its own repository."""
    try:
        outcome = future.result()
    except Exception as exc:  # noqa: BLE001 - whatever the cluster says, one repo failed
        return Outcome(
            task.path,
            "failed",
            f"worker: {type(exc).__name__}: {exc}"[:500],
            0.0,
            row_of(task.path, None),
        )
    return (
        outcome
        if isinstance(outcome, Outcome)
        else Outcome(
            task.path, "failed", "worker returned no outcome", 0.0, row_of(task.path, None)
        )
    )


def _row(request: PortfolioRequest, outcome: Outcome) -> dict[str, Any]:
    return {
        **outcome.row,
        "path": outcome.path,
        "status": outcome.status,
        "error": outcome.error or None,
        "report": report_dir_name(outcome.path),
    }


def run_portfolio(request: PortfolioRequest, on_done: OnDone | None = None) -> dict[str, Any]:
    """Assess every listed repository not already finished; write and return the roll-up."""
    paths = read_repositories(request.repos_file)
    _refuse_inside(request.out, paths)
    request.out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(request.out, fresh=request.fresh)
    try:
        done = manifest.finished(paths)
        pending = largest_first(_tasks(request, [p for p in paths if p not in done]))
        jobs = request.jobs or os.cpu_count() or 1
        outcomes = _dask(pending, request.scheduler) if request.scheduler else _local(pending, jobs)
        for outcome in outcomes:
            manifest.record(outcome)
            done[outcome.path] = outcome
            if on_done is not None:
                on_done(outcome)
    finally:
        manifest.close()
    return write_rollup(request.out, [_row(request, done[p]) for p in paths])
