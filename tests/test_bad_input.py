"""Bad input never stops the analysis and never writes into the analysed repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archscan.config import Config
from archscan.pipeline import InputError, RunOptions, run


def _run(root: Path, cache: Path):  # type: ignore[no-untyped-def]
    return run(root, Config(), RunOptions(cache_dir=cache, jobs=1))


def test_a_hostile_repository_is_analysed_completely_and_left_untouched(
    make_repo, tmp_path: Path
) -> None:
    repo = make_repo()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("import secret_stuff\n")
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/good.py", "from pkg import legacy, broken\n")
    repo.write("pkg/legacy.py", 'print "python 2"\nimport pkg.good\n')
    repo.write("pkg/broken.py", "def f(:\n    return\nimport pkg.good\n")
    repo.write("pkg/latin1.py", "# caf\xe9\nimport pkg.good\n".encode("latin-1"))
    repo.write("pkg/nul.py", b"import os\0\0binary")
    repo.write("pkg/generated_big.py", "X = 1\n" * (9 * 1024 * 1024))  # ~54 MB
    repo.write("pkg/with space.py", "import pkg.good\n")
    repo.write("pkg/ünïcödé.py", "import pkg.good\n")
    repo.write("pkg/$(rm -rf x);`echo`.py", "import pkg.good\n")
    (repo.root / "pkg" / "escape.py").symlink_to(outside / "secret.py")
    (repo.root / "pkg" / "loop").symlink_to(repo.root / "pkg")
    repo.commit()
    before = repo.snapshot()

    analysis = _run(repo.root, tmp_path / "cache")

    assert repo.snapshot() == before
    paths = {f.path for f in analysis.files}
    assert {"pkg/good.py", "pkg/legacy.py", "pkg/broken.py", "pkg/latin1.py"} <= paths
    assert {"pkg/with space.py", "pkg/ünïcödé.py", "pkg/$(rm -rf x);`echo`.py"} <= paths
    skipped = {s.path: s.reason for s in analysis.skipped}
    assert skipped["pkg/nul.py"] == "binary"
    assert skipped["pkg/generated_big.py"] == "too-large"
    assert skipped["pkg/escape.py"] == "symlink"
    assert skipped["pkg/loop"] == "symlink"
    kinds = {(w.path, w.kind) for w in analysis.warnings}
    assert ("pkg/legacy.py", "python2") in kinds
    assert ("pkg/broken.py", "parse") in kinds
    assert ("pkg/latin1.py", "encoding") in kinds
    edges = {(d.source, d.target) for d in analysis.resolution.dependencies}
    for importer in ("pkg/legacy.py", "pkg/broken.py", "pkg/latin1.py", "pkg/ünïcödé.py"):
        assert (importer, "pkg/good.py") in edges
    assert not any("secret" in e.package for e in analysis.resolution.external)


def test_a_plain_directory_with_symlinks_outside_and_loops(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text("from app import util\n")
    (root / "app" / "util.py").write_text("")
    (root / "app" / "ignored_dir").mkdir()
    (root / "app" / "ignored_dir" / "x.py").write_text("import app.main\n")
    (root / ".gitignore").write_text("ignored_dir/\n")
    (root / "app" / "up").symlink_to(tmp_path)
    (root / "app" / "self").symlink_to(root / "app")
    analysis = _run(root, tmp_path / "cache")
    paths = {f.path for f in analysis.files}
    assert paths == {".gitignore", "app/__init__.py", "app/main.py", "app/util.py"}
    assert {s.path for s in analysis.skipped} == {"app/up", "app/self"}
    assert any(w.kind == "no-git" for w in analysis.warnings)
    assert {(d.source, d.target) for d in analysis.resolution.dependencies} == {
        ("app/main.py", "app/util.py")
    }


def test_empty_directory_and_empty_git_repository(make_repo, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    analysis = _run(empty, tmp_path / "cache")
    assert analysis.files == ()
    assert {w.kind for w in analysis.warnings} >= {"no-git", "no-files"}

    repo = make_repo("fresh")
    repo.write("a.py", "import b\n")
    repo.write("b.py", "")
    analysis = _run(repo.root, tmp_path / "cache")
    kinds = {w.kind for w in analysis.warnings}
    assert "empty-repository" in kinds and "git-tracks-nothing" in kinds
    assert {(d.source, d.target) for d in analysis.resolution.dependencies} == {("a.py", "b.py")}


def test_missing_path_and_file_instead_of_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        _run(tmp_path / "nope", tmp_path / "cache")
    file = tmp_path / "file.py"
    file.write_text("")
    with pytest.raises(InputError, match="not a directory"):
        _run(file, tmp_path / "cache")


def test_repository_config_cannot_make_git_run_programs(make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    marker = tmp_path / "fsmonitor-ran"
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    repo.write("a.py", "")
    repo.commit()
    repo.git("config", "core.fsmonitor", str(hook))
    before = repo.snapshot()
    _run(repo.root, tmp_path / "cache")
    assert not marker.exists()
    assert repo.snapshot() == before


def test_cli_errors_are_one_line_with_exit_code_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archscan", "analyze", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"archscan: error: path does not exist: {tmp_path / 'missing'}"
    ]
    assert "Traceback" not in result.stderr
