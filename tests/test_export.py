"""Exported boundaries checked by each ecosystem's own tool: import-linter, tach and
dependency-cruiser pass on the generated repository they came from (today's violation
is in their baseline) and fail once a new forbidden import is added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from archscan.check import effective_specs
from archscan.config import ConfigError, load_config
from archscan.export import EXPORTERS, ExportInput
from conftest import GitRepo
from helpers import analyse

ROOT = Path(__file__).resolve().parent.parent
NODE_TOOLS = Path(os.environ.get("ARCHSCAN_NODE_TOOLS", ROOT / ".ci-tools" / "node"))
BIN = Path(sys.executable).parent

CONFIG = """\
[components]
api = ["{root}/api/**"]
core = ["{root}/core/**"]
db = ["{root}/db/**"]

[[rules]]
rule = "layers"
name = "layers"
layers = ["api", "core", "db"]
"""

PYTHON = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "from app.core import service\n",
    "app/core/__init__.py": "",
    "app/core/service.py": "from app.db import store\n",
    "app/db/__init__.py": "",
    "app/db/store.py": "X = 1\n",
    "app/db/legacy.py": "from app.core import service\n",  # today's violation
}

JS = {
    "src/api/views.js": "import { run } from '../core/service.js';\nexport const v = run;\n",
    "src/core/service.js": "import { get } from '../db/store.js';\nexport const run = get;\n",
    "src/db/store.js": "export const get = 1;\n",
    "src/db/legacy.js": "import { run } from '../core/service.js';\nexport const l = run;\n",
}


def generated(make_repo: Callable[..., GitRepo], files: dict[str, str], root: str) -> GitRepo:
    repo = make_repo("exported")
    for path, text in files.items():
        repo.write(path, text)
    repo.write("archscan.toml", CONFIG.format(root=root))
    repo.commit("start")
    return repo


def export(repo: GitRepo, tool: str) -> list[tuple[str, str]]:
    config = load_config(repo.root)
    analysis = analyse(repo.root, config)
    files = EXPORTERS[tool](ExportInput(analysis=analysis, specs=effective_specs(config)))
    for name, text in files:  # the user commits them in the repository
        repo.write(name, text)
    return files


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}, timeout=120
    )


def test_import_linter_keeps_todays_contracts_and_breaks_on_a_new_import(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = generated(make_repo, PYTHON, "app")
    ((name, text),) = export(repo, "import-linter")
    assert name == ".importlinter" and "app.db.legacy -> app.core.service" in text
    lint = [str(BIN / "lint-imports")]
    kept = run(lint, repo.root, PYTHONPATH=str(repo.root))
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "layers-db KEPT (1 ignored import)" in kept.stdout
    repo.write("app/db/bad.py", "from app.api import views\n")
    broken = run(lint, repo.root, PYTHONPATH=str(repo.root))
    assert broken.returncode == 1 and "app.db.bad -> app.api.views" in broken.stdout


def test_tach_keeps_todays_dependencies_deprecated_and_fails_on_a_new_one(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = generated(make_repo, PYTHON, "app")
    ((name, text),) = export(repo, "tach")
    assert name == "tach.toml" and "deprecated = true" in text
    tach = [str(BIN / "tach"), "check"]
    kept = run(tach, repo.root)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    repo.write("app/db/bad.py", "from app.api import views\n")
    broken = run(tach, repo.root)
    assert broken.returncode == 1
    assert "app/db/bad.py" in broken.stdout + broken.stderr


@pytest.mark.slow  # two node runs (~5 s each)
def test_dependency_cruiser_with_its_known_violations(make_repo: Callable[..., GitRepo]) -> None:
    depcruise = NODE_TOOLS / "node_modules" / ".bin" / "depcruise"
    if not depcruise.is_file() or shutil.which("node") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must install dependency-cruiser into {NODE_TOOLS}: see .ci/run")
        pytest.skip(f"dependency-cruiser not installed in {NODE_TOOLS} (.ci/run installs it)")
    repo = generated(make_repo, JS, "src")
    files = dict(export(repo, "dependency-cruiser"))
    assert set(files) == {".dependency-cruiser.json", ".dependency-cruiser-known-violations.json"}
    command = [
        str(depcruise),
        "src",
        "--config",
        ".dependency-cruiser.json",
        "--ignore-known",
        ".dependency-cruiser-known-violations.json",
    ]
    kept = run(command, repo.root)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "1 known violations ignored" in kept.stdout
    repo.write("src/db/bad.js", "import { v } from '../api/views.js';\nexport const b = v;\n")
    broken = run(command, repo.root)
    assert broken.returncode != 0
    assert "src/db/bad.js → src/api/views.js" in broken.stdout


def test_archunit_class_freezes_the_rules(make_repo: Callable[..., GitRepo]) -> None:
    java = {
        "src/main/java/com/shop/api/Views.java": "package com.shop.api;\n"
        "import com.shop.core.Service;\npublic class Views { Service s; }\n",
        "src/main/java/com/shop/core/Service.java": "package com.shop.core;\n"
        "import com.shop.db.Store;\npublic class Service { Store s; }\n",
        "src/main/java/com/shop/db/Store.java": "package com.shop.db;\n"
        "import com.shop.core.Service;\npublic class Store { Service s; }\n",
    }
    repo = generated(make_repo, java, "src/main/java/com/shop")
    files = dict(export(repo, "archunit"))
    test = files["src/test/java/archscan/ArchitectureTest.java"]
    assert "FreezingArchRule.freeze(" in test
    assert 'resideInAnyPackage("com.shop.db..")' in test
    assert 'dependOnClassesThat().resideInAnyPackage("com.shop.api..", "com.shop.core..")' in test
    assert "layers-db: src/main/java/com/shop/db/Store.java -> " in test
    assert "allowStoreCreation=true" in files["src/test/resources/archunit.properties"]


def test_export_without_components_is_a_usage_error(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo("flat")
    repo.write("a.py", "import b\n")
    repo.write("b.py", "")
    repo.commit("flat")
    with pytest.raises(ConfigError, match="fewer than two"):
        export(repo, "import-linter")


def test_without_boundary_rules_the_architecture_as_it_is_is_exported(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo("as-is")
    for path, text in PYTHON.items():
        repo.write(path, text)
    repo.write("archscan.toml", CONFIG.format(root="app").split("[[rules]]")[0])
    repo.commit("no rules")
    ((_name, text),) = export(repo, "import-linter")
    # api uses core, core uses db, db uses core: what is not used today is forbidden
    assert "name = api-as-is\ntype = forbidden\nsource_modules =\n    app.api\n" in text
    assert "forbidden_modules =\n    app.db\n" in text
    assert "name = db-as-is" in text and "ignore_imports" not in text
