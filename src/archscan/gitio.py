"""The one place that runs git.

Every call is read-only and hardened: the analysed repository is a client's property,
so a repository-level setting must never make archscan execute a program
(``core.fsmonitor``, external diff drivers, textconv filters) or write into it
(``GIT_OPTIONAL_LOCKS=0`` stops index refreshes).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

SAFE_OPTIONS: tuple[str, ...] = (
    "-c",
    "safe.directory=*",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.external=",
    "-c",
    "core.pager=cat",
)


class GitError(RuntimeError):
    """git failed or is not installed."""


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "LC_ALL": "C",
            "GIT_NO_REPLACE_OBJECTS": "1",
        }
    )
    # A user's global config could still name an fsmonitor hook; the -c options win.
    return env


def git_command(root: Path, args: Sequence[str]) -> list[str]:
    return ["git", *SAFE_OPTIONS, "-C", str(root), *args]


def run_git(
    root: Path, args: Sequence[str], check: bool = True, input: bytes | None = None
) -> bytes:
    """Run git to completion; its stdout. ``input`` feeds stdin (``--stdin`` options)."""
    try:
        proc = subprocess.run(
            git_command(root, args),
            capture_output=True,
            env=git_env(),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return proc.stdout


def is_git_repo(root: Path) -> bool:
    """True when root is inside a git work tree (a sub-folder of a monorepo included)."""
    try:
        out = run_git(root, ["rev-parse", "--is-inside-work-tree"], check=False)
    except GitError:
        return False
    return out.strip() == b"true"


def head_info(root: Path) -> tuple[str | None, str | None]:
    """(HEAD commit id, branch name) or None where there is none (empty repo, detached)."""
    head = run_git(root, ["rev-parse", "--verify", "--quiet", "HEAD"], check=False)
    branch = run_git(root, ["symbolic-ref", "--quiet", "--short", "HEAD"], check=False)
    return (head.decode().strip() or None, branch.decode().strip() or None)


def run_git_status(
    root: Path, args: Sequence[str], input: bytes | None = None
) -> tuple[int, bytes]:
    """Run git to completion; (exit status, stdout), even when it failed part-way: a log
    that stops at an unreadable commit has still written the commits before it."""
    try:
        proc = subprocess.run(
            git_command(root, args),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_env(),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    return proc.returncode, proc.stdout
