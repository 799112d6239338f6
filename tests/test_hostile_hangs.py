"""Patterns a hostile repository writes (globs, a ticket regex) cost linear time: each of
these inputs ran past two minutes with a backtracking matcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archscan.config import ConfigError, load_config
from archscan.globs import compile_glob, matches
from hostile_helpers import analyse_repo, analyse_with

EVIL_GLOB = "**/**/**/**/**/**/**/**/**/zz"
DEEP = "/".join(f"d{n}" for n in range(40))


def test_the_glob_matcher_keeps_gitignore_semantics() -> None:
    cases = {
        ("node_modules", "a/node_modules/b.js"): True,
        ("*.min.js", "web/x.min.js"): True,
        ("src/**", "src/a/b.py"): True,
        ("src/**", "src"): False,
        ("src/**/x.py", "src/x.py"): True,
        ("src/**/x.py", "src/a/b/x.py"): True,
        ("/build", "build/out.js"): True,
        ("/build", "a/build/out.js"): False,
        ("a/*/c", "a/b/c/d"): True,
        ("a/*/c", "a/c"): False,
        ("*[bot]*", "x[bot]y"): True,
        ("?b", "xb/q"): True,
        (EVIL_GLOB, f"{DEEP}/zz"): True,
        (EVIL_GLOB, f"{DEEP}/file.py"): False,
        ("*a*a*a*a*a*a*a*a*b", "a" * 3000): False,
    }
    for (pattern, path), expected in cases.items():
        assert bool(compile_glob(pattern).match(path)) is expected, (pattern, path)
    assert matches("x/vendor/y.py", ("docs/**", "vendor")) == "vendor"


def test_a_backtracking_exclude_glob_against_a_deep_path(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("archscan.toml", f'exclude = ["{EVIL_GLOB}"]\n')
    repo.write(f"{DEEP}/file.py", "import os\n")
    repo.write(f"{DEEP}/zz", "excluded\n")
    repo.commit("deep")
    analysis = analyse_repo(repo.root)
    assert f"{DEEP}/file.py" in {f.path for f in analysis.files}
    assert {s.path: s.reason for s in analysis.skipped}[f"{DEEP}/zz"] == "excluded"


def test_a_backtracking_gitignore_in_a_plain_folder(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / DEEP).mkdir(parents=True)
    (root / ".gitignore").write_text(f"{EVIL_GLOB}\n")
    (root / DEEP / "file.py").write_text("import os\n")
    (root / DEEP / "zz").write_text("ignored\n")
    analysis = analyse_repo(root)
    paths = {f.path for f in analysis.files}
    assert f"{DEEP}/file.py" in paths and f"{DEEP}/zz" not in paths


def test_backtracking_workspace_and_bot_patterns(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    bots = "*a*a*a*a*a*a*a*a*a*a*a*a*b"
    repo.write("archscan.toml", f'[history]\nbots = ["{bots}"]\n')
    repo.write("package.json", json.dumps({"workspaces": [EVIL_GLOB, "pkgs/*"]}))
    repo.write(f"{DEEP}/package.json", json.dumps({"name": "deep"}))
    repo.write("pkgs/lib/package.json", json.dumps({"name": "lib", "main": "index.js"}))
    repo.write("pkgs/lib/index.js", "export const x = 1;\n")
    repo.write("app.js", "import { x } from 'lib';\n")
    repo.commit("js", "A" * 40 + f" <{'a' * 60}@example.com>")
    analysis = analyse_repo(repo.root)
    assert ("app.js", "pkgs/lib/index.js") in {
        (d.source, d.target) for d in analysis.resolution.dependencies
    }
    assert analysis.history is not None and analysis.history.bot_commits == 0


def test_a_backtracking_ticket_pattern(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("archscan.toml", '[history]\ncoupling_by = "ticket"\nticket_pattern = "(a+)+$"\n')
    repo.write("a.py", "a = 1\n")
    repo.write("b.py", "b = 1\n")
    repo.commit("a" * 34 + "!")
    repo.write("a.py", "a = 2\n")
    repo.write("b.py", "b = 2\n")
    repo.commit("x" + "a" * 40)
    analysis = analyse_repo(repo.root)
    assert analysis.history is not None and analysis.history.commits == 2


def test_a_ticket_pattern_the_linear_engine_cannot_run_is_a_config_error(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("archscan.toml", '[history]\nticket_pattern = "(a)\\\\1"\n')
    repo.commit("one")
    with pytest.raises(ConfigError, match="ticket_pattern"):
        analyse_with(repo.root, load_config(repo.root))
