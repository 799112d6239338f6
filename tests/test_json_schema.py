"""archscan.json validates against the shipped schema and is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from archscan.config import load_config
from archscan.pipeline import RunOptions, run
from archscan.report.json_report import analysis_to_dict, dumps
from archscan.resources import schema_path
from conftest import assert_json_native


def _shop(make_repo) -> Path:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("shop/__init__.py", "")
    repo.write("shop/a.py", "from shop import b\nimport requests\n")
    repo.write("shop/b.py", "from . import a\n\ndef f(x):\n    return 1 if x else 2\n")
    repo.write("shop/c.py", "from abc import ABC\n\nclass Port(ABC):\n    pass\n")
    repo.write("pyproject.toml", '[tool.archscan.components]\ncore = ["shop/**"]\n')
    repo.commit()
    return repo.root


def test_real_output_validates_against_schema(make_repo, cache_dir: Path) -> None:
    root = _shop(make_repo)
    analysis = run(root, load_config(root), RunOptions(cache_dir=cache_dir))
    data = analysis_to_dict(analysis)
    assert_json_native(data)
    schema = json.loads(schema_path().read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data["summary"]["dependencies"] == 2
    assert data["components"][0]["name"] == "core"


def test_output_is_byte_identical_across_runs(make_repo, tmp_path: Path) -> None:
    root = _shop(make_repo)
    first = dumps(run(root, load_config(root), RunOptions(cache_dir=tmp_path / "c1")))
    cached = dumps(run(root, load_config(root), RunOptions(cache_dir=tmp_path / "c1")))
    uncached = dumps(run(root, load_config(root), RunOptions(use_cache=False, jobs=1)))
    assert first == cached == uncached


def test_schema_rejects_a_broken_document(make_repo, cache_dir: Path) -> None:
    root = _shop(make_repo)
    data = analysis_to_dict(run(root, load_config(root), RunOptions(cache_dir=cache_dir)))
    data["dependencies"][0]["lines"] = "seven"
    schema = json.loads(schema_path().read_text())
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a document with a wrong type validated")
