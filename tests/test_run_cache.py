"""The whole-run result cache: an unchanged analyze writes the stored reports, byte for
byte, and every input that shapes the reports turns a hit into a miss."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archscan.cache import blob_id
from archscan.cli import app, summary_document
from archscan.config import Config
from archscan.discover import discover
from archscan.run_cache import (
    FILE_NAME,
    KEPT,
    ORPHAN_SECONDS,
    OUTPUTS_DIR,
    RACY_NS,
    RunCache,
    RunRequest,
    _git_paths,
    _repository,
    _Stat,
    _StatCache,
)
from conftest import GitRepo

FORMATS = "json,md,html"


def _shop(repo: GitRepo) -> GitRepo:
    repo.write("shop/orders/models.py", "class Order:\n    pass\n")
    repo.write(
        "shop/orders/views.py",
        "from shop.orders.models import Order\n\n\ndef show():\n    return Order()\n",
    )
    repo.write(
        "shop/billing/invoice.py",
        "from shop.orders.models import Order\n\n\ndef bill(o: Order):\n    return o\n",
    )
    repo.write("shop/billing/__init__.py", "")
    repo.write("shop/orders/__init__.py", "")
    repo.write("shop/__init__.py", "")
    repo.commit("first", author="Alice <alice@example.com>", date="2024-01-01T12:00:00+00:00")
    repo.write(
        "shop/billing/invoice.py",
        "from shop.orders.models import Order\n\n\ndef bill(o: Order):\n    return [o]\n",
    )
    repo.write("shop/orders/models.py", "class Order:\n    total = 0\n")
    repo.commit("second", author="Bob <bob@example.com>", date="2024-01-02T12:00:00+00:00")
    _age(repo.root)
    return repo


def _age(root: Path) -> None:
    """Files written seconds ago are re-hashed (racily clean): make them older."""
    past = time.time() - 3 * RACY_NS / 1e9
    for current, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f != ".git"]
        for name in names:
            os.utime(os.path.join(current, name), (past, past))


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


Analyze = Callable[..., tuple[str, str, dict[str, bytes]]]


@pytest.fixture
def analyze(tmp_path: Path) -> Analyze:
    """Run ``archscan analyze`` in-process; (summary on stdout, cache note, outputs)."""
    runs = iter(range(1000))

    def run(
        root: Path, *extra: str, cache: Path | None = None
    ) -> tuple[str, str, dict[str, bytes]]:
        out = tmp_path / f"out{next(runs)}"
        args = ["analyze", str(root), "--out", str(out), "--format", FORMATS, "--timings"]
        args += ["--cache-dir", str(cache or tmp_path / "cache"), "--jobs", "1", *extra]
        result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        note = next(line for line in result.stderr.splitlines() if line.startswith("run cache:"))
        summary = result.stdout.replace(str(out), "OUT")
        return summary, note, _outputs(out)

    return run


def test_a_hit_writes_what_a_fresh_run_writes(
    make_repo: Callable[..., GitRepo], analyze: Analyze
) -> None:
    repo = _shop(make_repo())
    before = repo.snapshot()
    first, note, outputs = analyze(repo.root)
    assert note.startswith("run cache: miss")
    second, note, again = analyze(repo.root)
    assert note == "run cache: hit"
    assert again == outputs  # every report, byte for byte
    assert second == first  # the same terminal summary, read from the stored part
    assert "Commits (authors)" in first
    assert set(outputs) == {"archscan.json", "report.md", "report.html"}
    # the stored part keeps the history's figures, not its per-file rows
    stored = summary_document(json.loads(outputs["archscan.json"]))
    assert stored["history"]["commits"] > 0
    assert not any(isinstance(v, (list, dict)) for v in stored["history"].values())
    fresh, note, uncached = analyze(repo.root, "--no-cache")
    assert note == "run cache: off (--no-cache)"
    assert uncached == outputs and fresh == first
    assert repo.snapshot() == before  # nothing written into the repository


def test_each_input_that_shapes_the_reports_is_a_miss(
    make_repo: Callable[..., GitRepo], analyze: Analyze, tmp_path: Path
) -> None:
    repo = _shop(make_repo())
    analyze(repo.root)
    assert analyze(repo.root)[1] == "run cache: hit"

    # an edited file (same size: the stat cache must notice it by mtime and ctime)
    path = repo.root / "shop/orders/views.py"
    path.write_text(path.read_text().replace("show", "shew"))
    _, note, edited = analyze(repo.root)
    assert note == "run cache: miss (changed: 1 file(s) edited)"
    assert analyze(repo.root)[1] == "run cache: hit"
    # the miss parsed by the blob ids its stat check found: what an uncached run writes
    assert edited == analyze(repo.root, "--no-cache")[2]

    # the configuration
    (repo.root / "archscan.toml").write_text("[contexts]\nseed = 7\n")
    _, note, _ = analyze(repo.root)
    assert note.startswith("run cache: miss (changed: config")
    # an option that changes a report
    _, note, _ = analyze(repo.root, "--contexts", "2")
    assert note.startswith("run cache: miss (changed: options")
    _, note, only_json = analyze(repo.root, "--format", "json")
    assert note.startswith("run cache: miss") and set(only_json) == {"archscan.json"}
    # history off is another run; history on again is the stored one
    _, note, _ = analyze(repo.root, "--no-history")
    assert note.startswith("run cache: miss")
    assert analyze(repo.root)[1] == "run cache: hit"


def test_history_inputs_are_misses(make_repo: Callable[..., GitRepo], analyze: Analyze) -> None:
    repo = _shop(make_repo())
    analyze(repo.root)
    # a new commit that changes no file in the work tree: only HEAD moved
    head = repo.commit("empty", author="Carol <c@example.com>", date="2024-01-03T12:00:00+00:00")
    _, note, outputs = analyze(repo.root)
    assert note.startswith("run cache: miss (changed:") and "repository" in note
    assert head.encode() in outputs["archscan.json"]
    assert analyze(repo.root)[1] == "run cache: hit"
    # .mailmap (untracked: read by git from the work tree all the same)
    (repo.root / ".mailmap").write_text("Alice Smith <alice@example.com>\n")
    _, note, mapped = analyze(repo.root)
    assert note.startswith("run cache: miss (changed:") and "history" in note
    assert mapped["archscan.json"] != outputs["archscan.json"]
    # with history off, the history's inputs do not matter
    analyze(repo.root, "--no-history")
    (repo.root / ".mailmap").write_text("Alice Jones <alice@example.com>\n")
    assert analyze(repo.root, "--no-history")[1] == "run cache: hit"


def test_a_relative_history_date_is_never_served(
    make_repo: Callable[..., GitRepo], analyze: Analyze
) -> None:
    repo = _shop(make_repo())
    (repo.root / "archscan.toml").write_text('[history]\nsince = "10 years ago"\n')
    analyze(repo.root)
    note = analyze(repo.root)[1]
    assert note == "run cache: off (history since '10 years ago' is relative to today)"


def test_a_corrupt_cache_is_rebuilt_with_a_warning(
    make_repo: Callable[..., GitRepo], analyze: Analyze, tmp_path: Path
) -> None:
    repo = _shop(make_repo())
    _, _, outputs = analyze(repo.root)
    store = tmp_path / "cache" / FILE_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"this is not a database" * 100)
    runner = CliRunner()
    out = tmp_path / "after"
    args = ["analyze", str(repo.root), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    result = runner.invoke(app, [*args, "--format", FORMATS, "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "run cache" in result.stderr and "rebuilt" in result.stderr
    assert _outputs(out) == outputs  # a miss: analysed anew, the same reports
    with sqlite3.connect(store) as db:  # usable again, and holding this run
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    assert analyze(repo.root)[1] == "run cache: hit"


def test_stored_reports_are_files_named_by_their_digest_and_a_damaged_one_is_a_miss(
    make_repo: Callable[..., GitRepo], analyze: Analyze, tmp_path: Path
) -> None:
    repo = _shop(make_repo())
    _, _, outputs = analyze(repo.root)
    stored = {p.name: p.read_bytes() for p in (tmp_path / "cache" / OUTPUTS_DIR).iterdir()}
    assert sorted(stored.values()) == sorted(outputs.values())  # one file per report
    assert all(hashlib.sha256(data).hexdigest() == name for name, data in stored.items())
    json_file = (
        tmp_path / "cache" / OUTPUTS_DIR / hashlib.sha256(outputs["archscan.json"]).hexdigest()
    )
    json_file.write_bytes(outputs["archscan.json"].replace(b"shop", b"SHOP"))  # same size
    _, note, again = analyze(repo.root)
    assert note.startswith("run cache: miss")  # the damaged file is never served
    assert again == outputs
    assert json_file.read_bytes() == outputs["archscan.json"]  # stored anew
    assert analyze(repo.root)[1] == "run cache: hit"


def test_a_stored_report_is_a_link_to_the_written_one_and_an_edit_in_place_is_a_miss(
    make_repo: Callable[..., GitRepo], analyze: Analyze, tmp_path: Path
) -> None:
    """On one file system the stored report is the written file itself (a hard link:
    no second copy written); a report edited in place afterwards changes the stored
    file too, which then fails its digest: a miss, never the edited bytes."""
    repo = _shop(make_repo())
    _, _, outputs = analyze(repo.root)
    written = tmp_path / "out0" / "report.md"
    stored = tmp_path / "cache" / OUTPUTS_DIR / hashlib.sha256(outputs["report.md"]).hexdigest()
    assert os.path.samefile(written, stored)
    with open(written, "r+b") as handle:  # in place, the same size
        handle.write(b"X")
    assert stored.read_bytes() != outputs["report.md"]
    _, note, again = analyze(repo.root)
    assert note.startswith("run cache: miss") and again == outputs
    assert stored.read_bytes() == outputs["report.md"]  # stored anew
    assert written.read_bytes() != outputs["report.md"]  # the user's file is left alone
    assert analyze(repo.root)[1] == "run cache: hit"


def test_output_files_of_pruned_runs_are_deleted_once_old(
    make_repo: Callable[..., GitRepo], analyze: Analyze, tmp_path: Path
) -> None:
    repo = _shop(make_repo())
    cache = tmp_path / "cache"
    analyze(repo.root)
    old = time.time() - 2 * ORPHAN_SECONDS
    for path in (cache / OUTPUTS_DIR).iterdir():
        os.utime(path, (old, old))
    for n in range(KEPT):  # KEPT other option sets push the first run out
        analyze(repo.root, "--contexts", str(n + 2))
    with sqlite3.connect(cache / FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == KEPT
        named = {row[0] for row in db.execute("SELECT digest FROM outputs")}
    assert {p.name for p in (cache / OUTPUTS_DIR).iterdir()} == named


def test_cache_info_and_clear_show_the_run_cache(
    make_repo: Callable[..., GitRepo], analyze: Analyze, tmp_path: Path
) -> None:
    repo = _shop(make_repo())
    analyze(repo.root)
    cache = str(tmp_path / "cache")
    shown = CliRunner().invoke(app, ["cache", "info", "--cache-dir", cache], env={"COLUMNS": "300"})
    assert shown.exit_code == 0 and "runs" in shown.stdout and FILE_NAME in shown.stdout
    cleared = CliRunner().invoke(app, ["cache", "clear", "--cache-dir", cache])
    assert cleared.exit_code == 0
    assert not (tmp_path / "cache" / FILE_NAME).exists()
    assert not any((tmp_path / "cache" / OUTPUTS_DIR).iterdir())
    assert analyze(repo.root)[1].startswith("run cache: miss")


def test_a_racily_clean_entry_is_hashed_again(tmp_path: Path) -> None:
    """A file written within RACY_NS before it was hashed could have changed again in
    the same timestamp tick, unseen by its stat: its stored digest is not trusted."""
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    found = os.lstat(path)
    stat = _Stat(found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)
    wrong = "0" * 40  # what the entry says: not the content any more
    changed = max(found.st_mtime_ns, found.st_ctime_ns)
    trusted = _StatCache({"a.py": (stat, wrong, changed + 2 * RACY_NS)})
    assert trusted.digest(str(path), "a.py", stat) == wrong  # stat unchanged, long after
    racy = _StatCache({"a.py": (stat, wrong, changed + RACY_NS // 2)})
    assert racy.digest(str(path), "a.py", stat) == blob_id(b"x = 1\n")
    assert racy.edited == 1 and "a.py" in racy.changed


def _storing(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> tuple[GitRepo, RunRequest, Path, RunCache]:
    """A repository, a request for it, a report file and a run cache, to store runs."""
    repo = _shop(make_repo())
    request = RunRequest(root=repo.root.resolve(), config=Config(), formats=("json",))
    report = tmp_path / "archscan.json"
    report.write_text("{}\n")
    return repo, request, report, RunCache(tmp_path / "cache")


def test_a_run_whose_inputs_changed_while_it_ran_is_not_stored(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo, request, report, store = _storing(make_repo, tmp_path)
    lookup = store.lookup(request)
    (repo.root / "shop/orders/models.py").write_text("class Order:\n    paid = 1\n")
    assert not store.store(request, lookup.key, [report], {})  # edited during the run
    lookup = store.lookup(request)
    assert store.store(request, lookup.key, [report], {})
    assert store.lookup(request).stored is not None
    store.close()


def test_the_final_check_lists_git_again_only_when_the_index_changed(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """The check before storing reuses the lookup's listing while the git index is the
    same file, unrewritten; a file staged during the run rewrites it: listed again, the
    new file seen, the run not stored."""
    from archscan.run_cache import _listing, _Seen

    repo, request, report, store = _storing(make_repo, tmp_path)
    lookup = store.lookup(request)
    first = store._seen
    assert first is not None and first.index is not None and first.listing is not None
    assert _listing(request.root, _Seen(), first) is first.listing  # reused
    assert store.current(request, lookup.key)
    repo.write("shop/orders/refunds.py", "class Refund:\n    pass\n")
    repo.git("add", "shop/orders/refunds.py")  # staged, not committed: HEAD is the same
    relisted = _listing(request.root, _Seen(), first)
    assert relisted is not first.listing
    assert "shop/orders/refunds.py" in {path for _mode, path in relisted.entries}
    assert not store.store(request, lookup.key, [report], {})
    store.close()


def test_a_file_over_the_size_limit_is_known_by_its_head(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """Discovery skips it (binary or too large) by its first bytes alone: the rest of
    it shapes no report, and is never read to fingerprint it."""
    repo = _shop(make_repo())
    big = repo.root / "data/big.txt"
    repo.write("data/big.txt", "x" * 20_000)
    repo.commit("big")
    request = RunRequest(
        root=repo.root.resolve(), config=replace(Config(), max_file_size=1000), formats=("json",)
    )
    store = RunCache(tmp_path / "cache")
    first = store.lookup(request).key.digest
    big.write_text("x" * 19_999 + "y")  # beyond the head: the same skip, the same key
    assert store.lookup(request).key.digest == first
    big.write_bytes(b"\0" + b"x" * 19_999)  # binary now: another skip reason
    assert store.lookup(request).key.digest != first
    store.close()


def test_a_hit_imports_neither_the_analysis_nor_pydantic(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """A warm run is start-up and a copy of stored files: it must not import what the
    analysis needs (networkx, tree-sitter, sqlglot, jinja2), nor pydantic (typer 0.29
    coerces every option through it: 0.06-0.1 s of each start-up, hence typer<0.29),
    nor the pipeline's modules."""
    repo = _shop(make_repo())
    command = [sys.executable, "-X", "importtime", "-m", "archscan", "analyze", str(repo.root)]
    command += ["--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), "-q"]
    subprocess.run(command, check=True, capture_output=True)
    second = subprocess.run(command, check=True, capture_output=True, text=True)
    imported = {
        line.rpartition("|")[2].strip()
        for line in second.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert {"archscan.cli", "archscan.run_cache", "typer"} <= imported
    assert not {"pydantic", "networkx", "tree_sitter", "sqlglot", "jinja2"} & imported
    assert "archscan.pipeline" not in imported  # 0.16 s of imports (stop 25 had it on hits)


def _imported(command: list[str]) -> set[str]:
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return {
        line.rpartition("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_a_quiet_run_imports_no_terminal_output_nor_the_user_cache_folder(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """``analyze -q --cache-dir`` prints nothing and needs no user cache folder, a miss
    as a hit: rich's console and tables (~0.016 s of each start-up) and platformdirs
    (~3 ms) stay unimported; the summary of a run without -q still imports them."""
    repo = _shop(make_repo())
    command = [sys.executable, "-X", "importtime", "-m", "archscan", "analyze", str(repo.root)]
    command += ["--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    lazy = {"rich.console", "rich.table", "rich.text", "platformdirs"}
    for run in ("miss", "hit"):
        imported = _imported([*command, "-q"])
        assert not lazy & imported, run
        assert "archscan.cli" in imported
    assert {"rich.console", "rich.table"} <= _imported(command)


def test_discovery_from_the_lookups_survey_is_discovery_itself(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """The run cache's key lists, matches and stats every candidate path; a miss hands
    that to discovery (Survey), which then gives what it would have found itself: a
    link, an excluded folder, a binary, a file too large, one deleted from the work tree,
    one that is not a file any more."""
    repo = _shop(make_repo())
    repo.write("vendor/lib.py", "x = 1\n")
    repo.write("data/big.txt", "x" * 5_000)
    (repo.root / "data/blob.bin").write_bytes(b"\0\1\2" * 10)
    repo.write("gone.py", "y = 2\n")
    repo.write("folder.py", "z = 3\n")
    repo.commit("more")
    (repo.root / "shop/link.py").symlink_to(repo.root / "shop/orders/models.py")
    repo.git("add", "shop/link.py")
    repo.commit("a link")
    (repo.root / "gone.py").unlink()
    (repo.root / "folder.py").unlink()
    (repo.root / "folder.py").mkdir()
    config = replace(Config(), max_file_size=1000, exclude=("vendor/**",))
    request = RunRequest(root=repo.root.resolve(), config=config, formats=("json",))
    store = RunCache(tmp_path / "cache")
    lookup = store.lookup(request)
    store.close()
    survey = lookup.survey
    assert survey is not None and survey.root == str(repo.root.resolve())
    assert survey.reasons["vendor/lib.py"] == "excluded"
    assert "shop/orders/models.py" in survey.stats
    itself = discover(repo.root.resolve(), config)
    assert discover(repo.root.resolve(), config, survey=survey) == itself
    reasons = {s.path: s.reason for s in itself.skipped}
    assert reasons["shop/link.py"] == "symlink" and reasons["data/big.txt"] == "too-large"
    assert reasons["data/blob.bin"] == "binary" and reasons["gone.py"] == "missing"
    assert reasons["folder.py"] == "missing"


def test_discovery_trusts_a_survey_only_for_its_root_and_configuration(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """What the survey says is taken as it is (a file it calls excluded is skipped
    unread), but only for the root and the configuration object it was made for."""
    repo = _shop(make_repo())
    root, config = repo.root.resolve(), Config()
    request = RunRequest(root=root, config=config, formats=("json",))
    store = RunCache(tmp_path / "cache")
    survey = store.lookup(request).survey
    store.close()
    assert survey is not None
    told = replace(survey, reasons={**survey.reasons, "shop/orders/views.py": "excluded"})
    trusted = discover(root, config, survey=told)
    assert ("shop/orders/views.py", "excluded") in {(s.path, s.reason) for s in trusted.skipped}
    for other in (replace(told, root=str(tmp_path)), replace(told, config=Config())):
        found = discover(root, config, survey=other)
        assert "shop/orders/views.py" in {f.path for f in found.files}


def test_the_repository_is_known_from_one_git_call_and_each_state_differs(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = make_repo()
    empty = _repository(repo.root)  # no commit yet: asked one by one (HEAD has no id)
    assert empty.identity == (None, "main") and empty.git_paths is None
    repo.write("a.py", "x = 1\n")
    head = repo.commit("first")
    found = _repository(repo.root)
    assert found.identity == (head, "refs/heads/main")
    assert found.git_paths == tuple(_git_paths(repo.root))  # what history's part reads
    repo.git("checkout", "-q", "-b", "other")  # the same commit on another branch
    assert _repository(repo.root).identity == (head, "refs/heads/other")
    repo.git("checkout", "-q", "--detach")
    assert _repository(repo.root).identity == (head, "HEAD")
    (repo.root / "sub").mkdir()  # a sub-folder: the same repository
    assert _repository(repo.root / "sub").git_paths == tuple(_git_paths(repo.root / "sub"))
    plain = tmp_path / "plain"
    plain.mkdir()
    assert _repository(plain).identity == ("not-git", None)
