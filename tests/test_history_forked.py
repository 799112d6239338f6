"""The history's git half in a forked child (history/forked.py): the same mined history
as in this process, its progress forwarded, and a child that dies leaves the work to
this process instead of losing the history."""

from __future__ import annotations

import os
import signal
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from archscan.config import Config
from archscan.discover import discover
from archscan.history import commit_graph
from archscan.history.forked import ForkedMining
from archscan.history.stage import MinedHistory, MiningInput, run_mining
from archscan.pipeline import RunOptions, _Mining, _mining_input, _repository_info
from archscan.records import Changeset
from conftest import GitRepo, needs_fork
from helpers import RecordingProgress

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def _history(make_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = make_repo()
    for n in range(1, 7):
        repo.write("shop/orders.py", f"TOTAL = {n}\n")
        repo.write(f"shop/billing_{n % 2}.py", f"import shop.orders\nX = {n}\n")
        repo.commit(f"change {n}", date=f"2024-01-{n:02d}T12:00:00+00:00")
    return repo


def _input(root: Path, cache: Path, progress: RecordingProgress | None = None) -> MiningInput:
    config = Config()
    options = RunOptions(cache_dir=cache, jobs=2)
    discovered = discover(root, config)
    return _mining_input(
        root,
        _repository_info(root),
        discovered,
        config,
        options,
        progress,  # type: ignore[arg-type]
    )


def _shape(mined: MinedHistory | None) -> tuple[object, ...]:
    assert mined is not None
    aggregator, coupling = mined.aggregator, mined.aggregator.coupling
    return (
        mined.head,
        mined.shallow,
        aggregator.commits,
        aggregator.files,
        aggregator.raw,
        (coupling.revisions, coupling.shared, coupling.soc),
    )


def _states(cache: Path) -> int:
    """The saved aggregates (history/state.py) in the history cache."""
    with sqlite3.connect(cache / "history.sqlite") as db:
        count: int = db.execute("SELECT COUNT(*) FROM states").fetchone()[0]
    return count


@needs_fork
def test_the_child_mines_what_this_process_would_and_forwards_its_progress(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = _history(make_repo)
    here, warnings_here = run_mining(_input(repo.root, tmp_path / "here"))
    assert here is not None and here.aggregator.commits == 6 and len(here.aggregator.raw) == 6
    progress = RecordingProgress()
    data = _input(repo.root, tmp_path / "child", progress)
    child = ForkedMining.start(lambda: data)  # the pipeline's: discovery in the child
    assert child is not None
    sent = child.result(progress)
    assert sent is not None
    mined, warnings = sent
    assert _shape(mined) == _shape(here) and warnings == list(warnings_here)
    # sent by their values (FileStats and Changeset's __reduce__): the same types back
    assert mined is not None and all(type(c) is Changeset for c in mined.aggregator.raw)
    stats = mined.aggregator.files["shop/orders.py"]
    assert type(stats.commits_by) is Counter and stats.commits_by["nobody"] == 0
    # what only reading commits used stays in the child: names seen, the path test
    assert mined is not None and mined.aggregator.seen == set() and here.aggregator.seen
    with pytest.raises(RuntimeError, match="path test"):
        mined.aggregator.keep("shop/orders.py")
    assert progress.totals == [12]  # 6 commits, both passes
    assert progress.advanced == 12
    assert child.result(progress) is None  # sent once
    child.join()  # its writes after sending: the history cache's state, the commit-graph
    assert _states(tmp_path / "child") == _states(tmp_path / "here") == 1
    assert commit_graph.graph_dir(tmp_path / "child", repo.root).is_dir()


@needs_fork
def test_a_child_that_dies_leaves_the_mining_to_this_process(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = _history(make_repo)
    expected, _ = run_mining(_input(repo.root, tmp_path / "here"))
    data = _input(repo.root, tmp_path / "child", RecordingProgress())
    mining = _Mining(data, ForkedMining.start(lambda: data))
    child = mining._child
    assert child is not None and child.pid is not None
    os.kill(child.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    mined, _warnings = mining.result()  # mined here instead, in the thread
    assert _shape(mined) == _shape(expected)
    assert mining._child is None and mining._thread is not None


def _gone(pid: int) -> bool:
    """The child has ended and been reaped (no zombie left for the test to collect)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_fork
def test_a_first_run_mines_from_before_the_run_cache_key(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """Nothing stored for the folder: the mining child starts before the key hashes
    the files, discovers them itself, and the analysis is the one without it; once a
    run is stored (or without history) the key comes first, as before."""
    from archscan.cli import _first_run_mining
    from archscan.pipeline import run
    from archscan.report.json_report import analysis_to_dict
    from archscan.run_cache import RunCache, RunRequest

    repo = _history(make_repo)
    request = RunRequest(root=repo.root, config=Config(), formats=("json",), history=True)
    store = RunCache(tmp_path / "early")
    options = RunOptions(cache_dir=tmp_path / "early", jobs=2)
    started = _first_run_mining(store, request, 2, tmp_path / "early")
    assert started is not None and started.pid is not None
    pid = started.pid
    lookup = store.lookup(request)
    assert lookup.stored is None and lookup.note == "miss (nothing stored for this folder)"
    informed = replace(options, known_blobs=lookup.blobs, survey=lookup.survey)
    early = run(repo.root, Config(), informed, started=started)
    assert _gone(pid) and early.history is not None and early.history.commits == 6
    usual = run(repo.root, Config(), RunOptions(cache_dir=tmp_path / "usual", jobs=2))
    assert analysis_to_dict(early) == analysis_to_dict(usual)

    report = tmp_path / "report.json"
    report.write_text("{}")
    assert store.store(request, lookup.key, [report], {})
    assert _first_run_mining(store, request, 2, tmp_path / "early") is None  # key first
    other = RunCache(tmp_path / "other")
    assert _first_run_mining(other, replace(request, history=False), 2, tmp_path) is None
    store.close()
    other.close()


@needs_fork
def test_a_started_mining_child_ends_with_a_run_that_fails(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    from archscan.pipeline import run, start_mining
    from archscan.repocheck import InputError

    repo = _history(make_repo)
    started = start_mining(repo.root, Config(), RunOptions(cache_dir=tmp_path, jobs=2))
    assert started is not None and started.pid is not None
    pid = started.pid
    with pytest.raises(InputError):
        run(tmp_path / "missing", Config(), RunOptions(cache_dir=tmp_path), started=started)
    assert _gone(pid)


@needs_fork
def test_a_fallback_after_the_child_died_reads_git_with_the_line_excludes(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """With a mining child the parent makes its mining input without the line pass's
    exclude pathspec (only the process reading git needs it); when the child dies, the
    thread that mines instead computes it. Observable: a lost blob in a vendored path
    costs no line counts with the excludes, and a history-missing-objects warning
    without them."""
    from archscan.history.excludes import line_excludes

    repo = make_repo()
    repo.write("vendor/lib.py", "".join(f"v{n} = {n}\n" for n in range(30)))
    repo.write("app/main.py", "X = 1\n")
    repo.commit("one", date="2024-01-01T12:00:00+00:00")
    repo.write("vendor/lib.py", "v = 0\n")
    repo.write("app/main.py", "X = 2\n")
    repo.commit("two", date="2024-01-02T12:00:00+00:00")
    lost = repo.git("rev-parse", "HEAD~1:vendor/lib.py").strip()
    os.remove(repo.root / ".git" / "objects" / lost[:2] / lost[2:])
    config = Config()
    discovered = discover(repo.root, config)
    assert line_excludes(discovered, config)  # vendor/ is left out of the line pass

    def mined_after_the_child_died(excludes: Callable[[], tuple[str, ...]] | None) -> set[str]:
        data = _mining_input(
            repo.root,
            _repository_info(repo.root),
            discovered,
            config,
            RunOptions(jobs=2),
            None,
            excludes=False,
        )
        assert data.line_excludes == ()
        mining = _Mining(data, ForkedMining.start(lambda: data), excludes)
        assert mining._child is not None and mining._child.pid is not None
        os.kill(mining._child.pid, signal.SIGKILL)
        mined, warnings = mining.result()
        assert mined is not None and mined.aggregator.commits == 2
        return {w.kind for w in warnings}

    assert "history-missing-objects" not in mined_after_the_child_died(
        lambda: line_excludes(discovered, config)
    )
    assert "history-missing-objects" in mined_after_the_child_died(None)  # the test sees it
