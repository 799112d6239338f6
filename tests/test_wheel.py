"""The wheel, installed into a fresh venv, runs `archscan analyze` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    wheel = next(dist.glob("archscan-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "archscan/_data/rules/ci-defaults.yaml" in names
    assert "archscan/_data/report_templates/report.md.j2" in names
    assert "archscan/report/archscan.schema.json" in names
    assert "archscan/languages/python/queries/facts.scm" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "pip", "install", "-q", str(wheel)], check=True)
    shop = tmp_path / "shop"
    subprocess.run([sys.executable, str(ROOT / "examples" / "make_shop.py"), str(shop)], check=True)
    out = tmp_path / "out"
    # Run from an unrelated folder so nothing of the source checkout can be picked up.
    result = subprocess.run(
        [
            venv / "bin" / "archscan",
            "analyze",
            str(shop),
            "--out",
            str(out),
            "--quiet",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "archscan.json").read_text())
    assert data["summary"]["files"] == 21
    assert "## Components" in (out / "report.md").read_text()
