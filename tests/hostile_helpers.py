"""Helpers of the hostile-repository tests: programs that leave a marker, CLI runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from archscan.config import Config, load_config
from archscan.pipeline import RunOptions, run
from archscan.records import Analysis
from archscan.report.json_report import dumps


def marker_program(folder: Path, name: str) -> tuple[Path, Path]:
    """An executable a hostile repository names; it creates ``<name>.ran`` when run."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{name}.ran"
    program = folder / f"{name}.sh"
    program.write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 0\n")
    program.chmod(0o755)
    return program, marker


def analyse_repo(root: Path, cache: Path | None = None, jobs: int = 1) -> Analysis:
    """The whole pipeline with the repository's own configuration (archscan.toml)."""
    options = RunOptions(use_cache=cache is not None, cache_dir=cache, jobs=jobs)
    return run(root, load_config(root), options)


def analyse_with(root: Path, config: Config, jobs: int = 1) -> Analysis:
    return run(root, config, RunOptions(use_cache=False, jobs=jobs))


def json_text(analysis: Analysis) -> str:
    return dumps(analysis)


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``archscan ...`` as a user runs it (a real process)."""
    return subprocess.run(
        [sys.executable, "-m", "archscan", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )
