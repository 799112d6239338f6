"""Portfolio mode on generated repositories: a local pool of processes and a real Dask
LocalCluster give the same roll-up; a failing, missing or slow repository is reported
and never stops the others; an interrupted portfolio resumes from its manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from archscan.portfolio.runner import PortfolioRequest, largest_first, run_portfolio
from archscan.portfolio.tasks import Outcome, Task, _can_fork, report_dir_name, run_task

SCHEMA = Path(__file__).parent.parent / "src" / "archscan" / "report" / "portfolio.schema.json"


def _repo(make_repo: Callable[..., object], name: str, files: int):  # type: ignore[no-untyped-def]
    repo = make_repo(name)
    for n in range(2):
        for i in range(files):
            repo.write(f"pkg/m{i}.py", f"import pkg.m{(i + 1) % files}\nx = {n}\n")
        repo.commit(f"c{n}", "Ann <ann@example.com>", f"2024-01-0{n + 1}T12:00:00+00:00")
    return repo


@pytest.fixture
def portfolio_list(make_repo, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    good = [_repo(make_repo, f"svc{i}", 2 + i) for i in range(2)]
    broken = _repo(make_repo, "broken", 2)
    broken.write("archscan.toml", "[history]\nno_such_key = 1\n")  # exit 2: bad configuration
    broken.commit("bad config")
    lines = [str(r.root) for r in good] + [str(broken.root), "missing-repo", "# a comment", ""]
    listing = tmp_path / "repos.txt"
    listing.write_text("\n".join(lines) + "\n")
    return listing


def _request(
    listing: Path, out: Path, scheduler: str = "", timeout: float = 120
) -> PortfolioRequest:
    return PortfolioRequest(
        repos_file=listing, out=out, jobs=2, timeout=timeout, memory_mb=4096, scheduler=scheduler
    )


@pytest.mark.slow  # ~30 s: a Dask cluster and eight analysis processes (CI runs it)
def test_local_pool_then_resume_then_dask_cluster(portfolio_list: Path, tmp_path: Path) -> None:
    seen: list[Outcome] = []
    local = run_portfolio(_request(portfolio_list, tmp_path / "local"), seen.append)
    jsonschema.validate(local, json.loads(SCHEMA.read_text()))
    statuses = {Path(r["path"]).name: r["status"] for r in local["repositories"]}
    assert statuses == {
        "svc0": "ok",
        "svc1": "ok",
        "broken": "failed",
        "missing-repo": "missing",
    }
    rows = {Path(r["path"]).name: r for r in local["repositories"]}
    assert "no_such_key" in rows["broken"]["error"]
    assert rows["svc1"]["files"] == 3 and rows["svc1"]["languages"] == ["python"]
    # each repository's own assessment: a two-file, one-author library stays a monolith
    assert rows["svc0"]["verdict"] == "stay-monolith"
    assert rows["broken"]["verdict"] is None  # no analysis, no verdict
    assert rows["svc0"]["commits"] == 2
    own = tmp_path / "local" / report_dir_name(rows["svc1"]["path"]) / "archscan.json"
    assert json.loads(own.read_text())["summary"]["files"] == 3
    assert len(seen) == 4
    written = (tmp_path / "local" / "portfolio.json").read_text()
    csv = (tmp_path / "local" / "portfolio.csv").read_text().splitlines()
    assert csv[0].startswith("path,status,verdict") and len(csv) == 5
    assert '<td class="failed">' in (tmp_path / "local" / "portfolio.html").read_text()

    # resumed: everything is in the manifest, nothing runs again, same roll-up
    again: list[Outcome] = []
    run_portfolio(_request(portfolio_list, tmp_path / "local"), again.append)
    assert again == [] and (tmp_path / "local" / "portfolio.json").read_text() == written

    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        remote = _request(portfolio_list, tmp_path / "dask", scheduler=cluster.scheduler_address)
        run_portfolio(remote)
    assert (tmp_path / "dask" / "portfolio.json").read_text() == written


def test_a_timeout_is_reported_and_others_finish(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _repo(make_repo, "slow", 2)
    listing = tmp_path / "repos.txt"
    listing.write_text(f"{repo.root}\n{tmp_path / 'nowhere'}\n")
    document = run_portfolio(_request(listing, tmp_path / "out", timeout=0.01))
    statuses = sorted(r["status"] for r in document["repositories"])
    assert statuses == ["missing", "timeout"]


def test_cli_refuses_to_write_into_a_listed_repository(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _repo(make_repo, "svc", 2)
    listing = tmp_path / "repos.txt"
    listing.write_text(f"{repo.root}\n")
    command = [sys.executable, "-m", "archscan", "portfolio", str(listing)]
    result = subprocess.run([*command, "--out", str(repo.root / "r")], capture_output=True)
    assert result.returncode == 2
    assert b"refusing to write into the analysed repository" in result.stderr
    assert not (repo.root / "r").exists()


def test_a_forked_analysis_writes_what_a_fresh_process_writes(  # type: ignore[no-untyped-def]
    make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(make_repo, "svc", 3)
    assert _can_fork()  # the local pool forks its analyses from the fork server
    warm_up = Task(str(repo.root), str(tmp_path / "first"), 120, 4096, use_cache=False)
    assert run_task(warm_up).status == "ok"  # the fork server is running from here on
    # the environment and folder of the caller, not those the fork server started with
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    forked = Task(str(repo.root), "forked", 120, 4096)  # relative: the caller's folder
    outcome = run_task(forked)
    assert outcome.status == "ok", outcome.error
    assert any((tmp_path / "xdg" / "archscan").iterdir())  # its cache went where told
    fresh = tmp_path / "fresh"
    argv = [sys.executable, "-m", "archscan", "analyze", str(repo.root), "--out", str(fresh)]
    subprocess.run([*argv, "--quiet", "--format", "json,md", "--jobs", "1"], check=True)
    for name in ("archscan.json", "report.md"):
        assert (tmp_path / "forked" / name).read_bytes() == (fresh / name).read_bytes()


def test_the_largest_repositories_start_first(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    small = _repo(make_repo, "small", 2)
    large = make_repo("large")
    for n in range(30):
        for i in range(20):
            large.write(f"pkg/m{i}.py", f"x = {n} * {i}\n" * 50)
        large.commit(f"c{n}", "Ann <ann@example.com>", "2024-01-01T12:00:00+00:00")
    subprocess.run(["git", "-C", str(large.root), "gc", "-q"], check=True)
    subprocess.run(["git", "-C", str(small.root), "gc", "-q"], check=True)
    tasks = [Task(str(r.root), str(tmp_path / r.root.name), 60, 0) for r in (small, large)]
    assert [Path(t.path).name for t in largest_first(tasks)] == ["large", "small"]
