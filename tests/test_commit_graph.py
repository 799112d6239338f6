"""The commit-graph archscan keeps in its cache for an analysed repository
(history/commit_graph.py): written there, never into the repository, read by git as an
alternate, rewritten only when stale, and it changes no number of the analysis."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from archscan import gitio
from archscan.config import load_config
from archscan.history import commit_graph
from archscan.pipeline import RunOptions, run
from archscan.report.json_report import dumps
from conftest import GitRepo, needs_fork


def _repo(make_repo: Callable[..., GitRepo], commits: int = 4) -> GitRepo:
    repo = make_repo()
    for n in range(commits):
        repo.write("app/orders.py", f"TOTAL = {n}\n")
        repo.write(f"app/billing_{n % 2}.py", f"from app import orders\nX = {n}\n")
        repo.commit(f"change {n}", date=f"2024-01-{n + 1:02d}T12:00:00+00:00")
    return repo


def _head(repo: GitRepo) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def _graph(cache: Path, repo: GitRepo) -> Path:
    return commit_graph.graph_dir(cache, repo.root) / "info" / "commit-graph"


@needs_fork
def test_a_run_keeps_a_commit_graph_in_its_cache_and_the_numbers_stay(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = _repo(make_repo)
    before = repo.snapshot()
    cache = tmp_path / "cache"
    first = run(repo.root, load_config(repo.root), RunOptions(cache_dir=cache, jobs=2))
    graph = _graph(cache, repo)
    assert graph.is_file()  # written by the mining child once its history was sent
    assert not (repo.root / ".git/objects/info/commit-graph").exists()
    assert repo.snapshot() == before  # nothing written into the repository
    written = graph.stat().st_mtime_ns
    repo.write("app/orders.py", "TOTAL = 99\n")
    repo.commit("one more", date="2024-02-01T12:00:00+00:00")
    again = run(repo.root, load_config(repo.root), RunOptions(cache_dir=cache, jobs=2))
    assert graph.stat().st_mtime_ns == written  # one commit beyond it: not stale
    uncached = run(repo.root, load_config(repo.root), RunOptions(use_cache=False, jobs=1))
    assert dumps(again) == dumps(uncached) and dumps(first) != dumps(again)


def test_git_reads_the_graph_as_an_alternate_and_says_the_same(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = _repo(make_repo)
    cache = tmp_path / "cache"
    plain = gitio.run_git(repo.root, ["rev-list", "--no-merges", "HEAD"])
    assert commit_graph.refresh(cache, repo.root, _head(repo))
    directory = commit_graph.attach(cache, repo.root)
    assert gitio.git_env(repo.root)["GIT_ALTERNATE_OBJECT_DIRECTORIES"] == str(directory)
    assert "GIT_ALTERNATE_OBJECT_DIRECTORIES" not in gitio.git_env(tmp_path)  # that root only
    checked = gitio.run_git(repo.root, ["commit-graph", "verify", "--object-dir", str(directory)])
    assert checked == b""  # git opens it and finds it sound
    assert gitio.run_git(repo.root, ["rev-list", "--no-merges", "HEAD"]) == plain


def test_a_stale_graph_is_written_again_and_a_killed_writes_lock_cleared(
    make_repo: Callable[..., GitRepo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(make_repo)
    cache = tmp_path / "cache"
    monkeypatch.setattr(commit_graph, "STALE", 2)
    assert commit_graph.refresh(cache, repo.root, _head(repo))
    assert not commit_graph.refresh(cache, repo.root, _head(repo))  # up to date
    for n in range(2):
        repo.write("app/orders.py", f"TOTAL = {100 + n}\n")
        repo.commit(f"later {n}", date=f"2024-03-{n + 1:02d}T12:00:00+00:00")
    assert not commit_graph.refresh(cache, repo.root, _head(repo))  # 2 beyond: not yet
    repo.write("app/orders.py", "TOTAL = 200\n")
    repo.commit("third", date="2024-03-05T12:00:00+00:00")
    lock = _graph(cache, repo).with_name("commit-graph.lock")
    lock.write_bytes(b"left by a killed write")
    old = time.time() - commit_graph.LOCK_SECONDS - 60
    os.utime(lock, (old, old))
    assert commit_graph.refresh(cache, repo.root, _head(repo))  # 3 beyond: written
    assert not lock.exists()
    assert not commit_graph.refresh(cache, repo.root, "not a commit id")
