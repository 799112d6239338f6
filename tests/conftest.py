"""Shared fixtures: real git repositories built in tmp_path with real commits."""

from __future__ import annotations

import functools
import inspect
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from archscan.forks import can_fork


class GitRepo:
    """A real git repository for tests: write files, commit as someone, on a date."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
        result = subprocess.run(
            ["git", "-C", str(self.root), *args],
            check=True,
            capture_output=True,
            env=full_env,
        )
        return result.stdout.decode("utf-8", "replace")

    def write(self, path: str, content: str | bytes) -> Path:
        full = self.root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            full.write_bytes(content)
        else:
            full.write_text(content, encoding="utf-8")
        return full

    def remove(self, path: str) -> None:
        self.git("rm", "-q", path)

    def commit(
        self,
        message: str = "change",
        author: str = "Alice <alice@example.com>",
        date: str = "2024-01-01T12:00:00+00:00",
    ) -> str:
        self.git("add", "-A")
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        name, _, email = author.partition(" <")
        self.git(
            "-c",
            f"user.name={name}",
            "-c",
            f"user.email={email.rstrip('>')}",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            env=env,
        )
        return self.git("rev-parse", "HEAD").strip()

    def snapshot(self) -> dict[str, bytes]:
        """Every file below the root (including .git) with its content: proves read-only."""
        out: dict[str, bytes] = {}
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                path = Path(dirpath) / name
                if path.is_symlink():
                    out[str(path)] = os.readlink(path).encode()
                else:
                    out[str(path)] = path.read_bytes()
        return out


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., GitRepo]:
    def factory(name: str = "repo") -> GitRepo:
        return GitRepo(tmp_path / name)

    return factory


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def assert_json_native(value: Any, where: str = "$") -> None:
    """``value`` holds only what ``json.loads`` builds (dicts with string keys, lists,
    strings, ints, finite floats, booleans, None): analyze renders the reports from the
    analysis dict itself, which must therefore equal archscan.json read back."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{where}: key {key!r} is not a string"
            assert_json_native(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            assert_json_native(item, f"{where}[{n}]")
    elif isinstance(value, float):
        assert math.isfinite(value), f"{where}: {value!r}"
    else:
        assert value is None or type(value) in (str, int, bool), f"{where}: {type(value)}"


F = TypeVar("F", bound=Callable[..., None])


def needs_fork(test: F) -> F:
    """For a test of work done in a forked child: archscan forks only in a process
    without other threads (forks.can_fork), and an earlier test may have left one
    running (the browser tests' Playwright). Then the test runs alone in a fresh pytest
    process, whose result is this test's."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        if can_fork():
            test(*args, **kwargs)
            return
        if os.environ.get("ARCHSCAN_TEST_ALONE"):
            pytest.fail("a fresh pytest process has other threads: cannot fork")
        node = f"{inspect.getfile(test)}::{test.__name__}"
        alone = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node],
            env={**os.environ, "ARCHSCAN_TEST_ALONE": "1"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert alone.returncode == 0, alone.stdout + alone.stderr
        assert re.search(r"^1 passed\b", alone.stdout, re.MULTILINE), alone.stdout

    return run  # type: ignore[return-value]
