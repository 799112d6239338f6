"""Inputs that crashed archscan or silently lost part of the analysis: undecodable file
names, bad output folders, a damaged parse cache, deeply nested JSON, a damaged git
index, Ctrl-C. Each ends in a complete analysis or one clear line (exit 0, 2 or 130)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archscan.cache import FactsCache
from hostile_helpers import analyse_repo, cli, json_text

ALICE = "Alice <alice@example.com>"
NESTED = "[" * 1100 + "]" * 1100


def test_undecodable_file_names_reach_json_and_markdown(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    name = os.fsdecode(b"caf\xe9.py")
    repo.write(name, "import ok\n")
    repo.write("ok.py", "x = 1\n")
    repo.commit("one", ALICE)
    out = tmp_path / "out"
    first = cli(
        "analyze", str(repo.root), "--out", str(out), "-q", "--cache-dir", str(tmp_path / "c")
    )
    assert first.returncode == 0, first.stderr
    again = cli(
        "analyze", str(repo.root), "--out", str(out), "-q", "--cache-dir", str(tmp_path / "c")
    )
    assert again.returncode == 0 and "Traceback" not in again.stderr
    data = json.loads((out / "archscan.json").read_text(encoding="ascii"))
    paths = {f["path"] for f in data["files"]}
    assert name in paths and os.fsencode(name) == b"caf\xe9.py"  # the bytes, recoverable
    assert {"source": name, "target": "ok.py"}.items() <= next(
        d for d in data["dependencies"] if d["source"] == name
    ).items()
    assert "caf\\xe9.py" in (out / "report.md").read_text(encoding="utf-8")


def test_output_is_byte_identical_across_runs_and_jobs(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write(os.fsdecode(b"pkg/na\xefve.py"), "from pkg import b\n")
    for n in range(160):  # enough files for the process pool
        repo.write(f"pkg/m{n}.py", f"from pkg import m{(n + 1) % 160}\n")
    repo.write("pkg/b.py", "x = 1\n")
    repo.commit("one", ALICE)
    texts = {json_text(analyse_repo(repo.root, jobs=jobs)) for jobs in (1, 2, 1)}
    assert len(texts) == 1


@pytest.mark.parametrize("kind", ["file", "not-a-folder"])
def test_an_unusable_out_is_one_line_and_exit_2(make_repo, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("a.py", "x = 1\n")
    repo.commit("one", ALICE)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = blocker if kind == "file" else blocker / "below"
    result = cli("analyze", str(repo.root), "--out", str(out), "-q", "--no-cache")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("archscan: error:") and str(blocker) in lines[0]


def _corrupt(kind: str, database: Path) -> None:
    if kind == "header":
        with open(database, "r+b") as handle:
            handle.write(b"this is not sqlite at all")
    elif kind == "pages":
        size = database.stat().st_size
        with open(database, "r+b") as handle:
            for offset in range(4096, size, 4096):  # every page after the first
                handle.seek(offset)
                handle.write(b"\xff" * 64)
    else:  # another version's table shape
        database.unlink()
        db = sqlite3.connect(database)
        db.execute("CREATE TABLE facts (key TEXT PRIMARY KEY, facts_v9 BLOB, extra INTEGER)")
        db.commit()
        db.close()


@pytest.mark.parametrize("kind", ["header", "pages", "schema"])
def test_a_damaged_parse_cache_is_rebuilt_once(make_repo, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for n in range(40):
        repo.write(f"m{n}.py", f"import m{(n + 1) % 40}\n" + "x = 1\n" * 50)
    repo.commit("one", ALICE)
    cache = tmp_path / "cache"
    expected = json_text(analyse_repo(repo.root))
    analyse_repo(repo.root, cache)
    FactsCache(cache).close()  # checkpoint the WAL into the database file
    for suffix in ("-wal", "-shm"):
        Path(f"{cache / 'facts.sqlite'}{suffix}").unlink(missing_ok=True)
    _corrupt(kind, cache / "facts.sqlite")

    damaged = analyse_repo(repo.root, cache)
    repaired = analyse_repo(repo.root, cache)

    notes = [w for w in damaged.warnings if w.kind == "cache"]
    assert len(notes) == 1 and "rebuilt" in notes[0].message
    assert not [w for w in repaired.warnings if w.kind == "cache"]
    assert json_text(repaired) == expected
    assert _edges(damaged) == _edges(repaired) and damaged.facts == repaired.facts


def _edges(analysis) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(d.source, d.target) for d in analysis.resolution.dependencies}


def test_deeply_nested_manifests_lose_nothing_else(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("package.json", '{"name": "root", "workspaces": ["pkgs/*"], "x": ' + NESTED + "}")
    repo.write("pkgs/lib/package.json", '{"name": "lib", "main": "index.js"}')
    repo.write("pkgs/lib/index.js", "export const x = 1;\n")
    repo.write("pkgs/bad/package.json", NESTED)
    repo.write("web/tsconfig.json", '{"compilerOptions": ' + NESTED + "}")
    repo.write("web/app.ts", "import { x } from 'lib';\nimport { y } from './util';\n")
    repo.write("web/util.ts", "export const y = 1;\n")
    repo.write("composer.json", '{"autoload": {"psr-4": {"App\\\\": "src/"}}}')
    repo.write("lib/composer.json", '{"autoload": ' + NESTED + "}")
    repo.write("src/A.php", "<?php\nnamespace App;\nclass A { function f() { return new B(); } }\n")
    repo.write("src/B.php", "<?php\nnamespace App;\nclass B {}\n")
    repo.write("pnpm-workspace.yaml", "packages: " + NESTED + "\n")
    repo.write("docker-compose.yml", "services: " + NESTED + "\n")
    repo.commit("deep", ALICE)
    analysis = analyse_repo(repo.root)
    edges = _edges(analysis)
    assert ("web/app.ts", "web/util.ts") in edges
    assert ("src/A.php", "src/B.php") in edges
    assert not any("Recursion" in w.message for w in analysis.warnings)


def test_a_3000_long_extends_chain_is_cut_with_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    configs = root / "configs"
    configs.mkdir(parents=True)
    for n in range(3000):
        (configs / f"c{n}.json").write_text(json.dumps({"extends": f"./c{n + 1}.json"}))
    (configs / "c3000.json").write_text('{"compilerOptions": {"baseUrl": "."}}')
    own = {"baseUrl": ".", "paths": {"@app/*": ["*"]}}
    (root / "tsconfig.json").write_text(
        json.dumps({"extends": "./configs/c0.json", "compilerOptions": own})
    )
    (root / "app.ts").write_text("import { y } from '@app/util';\n")
    (root / "util.ts").write_text("export const y = 1;\n")
    analysis = analyse_repo(root)
    assert ("app.ts", "util.ts") in _edges(analysis)
    assert any("extends chain" in w.message for w in analysis.warnings)


def test_a_truncated_git_index_falls_back_to_head(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for n in range(50):
        repo.write(f"pkg/m{n}.py", "import os\n")
    repo.commit("one", ALICE)
    index = repo.root / ".git" / "index"
    index.write_bytes(index.read_bytes()[:1000])
    analysis = analyse_repo(repo.root)
    assert len([f for f in analysis.files if f.path.startswith("pkg/")]) == 50
    assert any(w.kind == "git-index" for w in analysis.warnings)


@pytest.mark.parametrize("caching", ["--no-cache", "--cache-dir"])
def test_ctrl_c_is_one_line_exit_130_and_no_half_report(
    make_repo, tmp_path: Path, caching: str
) -> None:  # type: ignore[no-untyped-def]
    """Without caches, and on a first run with them (its mining child forked before the
    run cache's key: pipeline.start_mining)."""
    repo = make_repo()
    for n in range(1200):
        repo.write(f"pkg/m{n}.py", f"from pkg import m{(n + 1) % 1200}\n" + "x = 1\n" * 30)
    repo.commit("one", ALICE)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "archscan", "analyze", str(repo.root), "--out", str(out)]
    cache = [caching, str(tmp_path / "cache")] if caching == "--cache-dir" else [caching]
    proc = subprocess.Popen(
        [*command, "-q", *cache, "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a terminal sends Ctrl-C to the whole process group
    )
    while not out.exists() and proc.poll() is None:
        time.sleep(0.01)
    time.sleep(0.3)  # into discovery/parsing
    os.killpg(proc.pid, signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["archscan: interrupted"]
    assert not list(out.iterdir())  # no archscan.json, no temporary file


# The race CI hit: the Ctrl-C lands while a module defines a dataclass, inside a field's
# __set_name__, and Python re-raises it as a RuntimeError. Made certain here: the class
# body's descriptor sends the signal to its own process and waits for the handler.
CTRL_C_IN_SET_NAME = """
import os, signal, sys, time
import archscan.cli as cli

class SendsCtrlC:
    def __set_name__(self, owner, name):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)

def command():
    class Record:
        field = SendsCtrlC()

cli.app = command
cli.main()
"""


def test_ctrl_c_wrapped_in_another_error_is_still_an_interrupt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CTRL_C_IN_SET_NAME], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip().splitlines() == ["archscan: interrupted"]


# The hang CI could hit: a Ctrl-C that lands while the parser's pool starts its workers,
# before its manager thread runs, leaves workers (which ignore Ctrl-C) that nobody stops.
# Here the pool is left running on purpose; archscan's exit must still end its workers,
# or they keep the pipes open and communicate() times out.
CTRL_C_WITH_ORPHAN_WORKERS = """
import os, signal, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
import archscan.cli as cli
from archscan.parse import _quiet_on_ctrl_c

pools = []

def command():
    pool = ProcessPoolExecutor(2, mp_context=get_context("fork"), initializer=_quiet_on_ctrl_c)
    pool.submit(time.sleep, 0).result()
    pools.append(pool)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)

cli.app = command
cli.main()
"""


def test_ctrl_c_ends_pool_workers_nobody_stopped() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CTRL_C_WITH_ORPHAN_WORKERS],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip().splitlines() == ["archscan: interrupted"]


def test_a_deeply_nested_baseline_is_one_line_and_exit_2(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("a.py", "import os\n")
    repo.write("archscan-baseline.json", '{"archscan_baseline": ' + NESTED + "}")
    repo.commit("one", ALICE)
    result = cli("check", str(repo.root))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nested deeper" in lines[0]
