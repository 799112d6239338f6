"""The integration examples: valid for the tools that read them, and using only options
archscan has."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from archscan.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BIN = Path(sys.executable).parent


def test_pre_commit_manifest_validates() -> None:
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-manifest", str(EXAMPLES / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_workflow_checks_out_history_and_uploads_sarif() -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions" / "archscan.yml").read_text())
    steps = workflow["jobs"]["architecture"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    action = yaml.safe_load((EXAMPLES / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    gitlab = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    assert gitlab["archscan"]["artifacts"]["reports"]["junit"] == "archscan-junit.xml"


def test_examples_use_only_existing_options() -> None:
    helps = {
        command: CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
        for command in ("check", "baseline")
    }
    used = 0
    for path in EXAMPLES.rglob("*.y*ml"):
        for command, options in re.findall(
            r"archscan (check|baseline) ([^\n|]*)", path.read_text()
        ):
            for option in re.findall(r"(--[a-z-]+)", options):
                assert option in helps[command], f"{path.name}: {command} {option}"
                used += 1
    assert used >= 8
