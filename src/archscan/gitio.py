"""The one place that runs git.

Every call is read-only and hardened, because the analysed repository is untrusted: its
``.git/config`` is written by whoever handed it over. Four promises (README, threat model):

* **No program named by the repository runs.** No lazy fetch of a partial clone's missing
  objects (that would run ``core.sshCommand``, an ``ext::`` transport or ``uploadpack``):
  every transport is forbidden (``GIT_ALLOW_PROTOCOL``, which beats any
  ``protocol.<name>.allow``), ``GIT_NO_LAZY_FETCH`` where git knows it, and a child
  ``git fetch`` dies while reading its configuration (``fetch.prune`` set to a non-boolean)
  before it could write ``.git/config``. No signature checks (``gpg.program``), no pager,
  external diff, textconv, fsmonitor or hooks.
* **Nothing is written into the repository**: no index refresh (``GIT_OPTIONAL_LOCKS=0``),
  no auto gc/maintenance, no fetch.
* **No file outside it is read into the report**: ``mailmap.file``/``mailmap.blob`` are
  pinned empty, so only the work tree's own ``.mailmap`` (read without following links)
  maps authors.
* **Same repository, same numbers on every machine**: the user's global and system git
  configuration are not read at all, and every setting the parsing depends on is pinned
  on the command line, which beats the repository's own configuration.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

# A commit touching more files than this on both sides is diffed without inexact rename
# detection (git's own default; a repository's ``diff.renameLimit 0`` would make a
# 20,000-file rename run for minutes).
RENAME_LIMIT = 1000

# Settings pinned on every call (``-c`` beats every configuration file).
PINNED_CONFIG: tuple[tuple[str, str], ...] = (
    ("safe.directory", "*"),
    # programs the repository could name
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("core.sshCommand", "false"),
    ("diff.external", ""),
    ("log.showSignature", "false"),
    ("protocol.allow", "never"),
    ("protocol.ext.allow", "never"),
    ("protocol.file.allow", "never"),
    ("protocol.ssh.allow", "never"),
    ("protocol.git.allow", "never"),
    ("protocol.http.allow", "never"),
    ("protocol.https.allow", "never"),
    # a lazy ``git fetch`` child inherits these and dies reading them, before any write
    ("fetch.prune", "archscan-forbids-fetching"),
    # writes into the repository
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    # files outside the repository
    ("mailmap.file", ""),
    ("mailmap.blob", ""),
    # what the parsing and the numbers depend on
    ("core.quotePath", "false"),
    ("core.bigFileThreshold", "512m"),
    ("i18n.logOutputEncoding", "UTF-8"),
    ("log.showRoot", "true"),
    ("log.follow", "false"),
    ("log.decorate", "false"),
    ("log.mailmap", "true"),
    ("log.diffMerges", "separate"),
    ("color.ui", "false"),
    ("diff.renameLimit", str(RENAME_LIMIT)),
    ("diff.renames", "true"),
    ("diff.algorithm", "myers"),
    ("diff.relative", "false"),
    ("diff.noprefix", "false"),
    ("diff.mnemonicPrefix", "false"),
    ("diff.orderFile", os.devnull),
    ("diff.ignoreSubmodules", "none"),
)

SAFE_OPTIONS: tuple[str, ...] = (
    "--no-pager",
    *(arg for key, value in PINNED_CONFIG for arg in ("-c", f"{key}={value}")),
)

# Options of ``git log`` that no configuration can turn back on; inserted right after
# the sub-command, before the caller's own options.
_LOG_OPTIONS: tuple[str, ...] = (
    "--no-textconv",
    "--no-ext-diff",
    "--no-show-signature",
    "--no-color",
    "--no-decorate",
    "--no-notes",
)

# The environment git runs in: none of the user's GIT_* variables (they could point at
# another repository, index or configuration), these instead.
_ENV: dict[str, str] = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_ALLOW_PROTOCOL": "archscan-none",
    "GIT_PROTOCOL_FROM_USER": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "LC_ALL": "C",
}


class GitError(RuntimeError):
    """git failed or is not installed."""


# Repository root -> an object directory of archscan's cache holding only a commit-graph
# file for it (history/commit_graph.py), given to git as an alternate.
_GRAPHS: dict[str, str] = {}


def use_commit_graph(root: Path, directory: Path) -> None:
    """git commands run on ``root`` from now on (in this process) read the commit-graph
    in ``directory``: an alternate object directory, which holds no objects."""
    _GRAPHS[str(root)] = str(directory)


# glibc's malloc as a long git process ends up tuned, from the start. Left dynamic, the
# thresholds start at 128 KiB: every inflated blob above it is a fresh mmap, faulted page
# by page and unmapped again, until a free raises them. Each chunk of the line pass is a
# new process, so most of them never got there: on numpy (24 chunks) the pass made 2.2M
# page faults and 5.7 s of system time, with these 0.55M and 2.2 s. git's output is the
# same; its peak memory too (measured). A GLIBC_TUNABLES of the user's is left as it is;
# other C libraries ignore the variable.
_MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864"


def git_env(root: Path | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(_ENV)
    env.setdefault("GLIBC_TUNABLES", _MALLOC_TUNABLES)
    graph = _GRAPHS.get(str(root)) if root is not None and _GRAPHS else None
    if graph is not None:
        env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = graph
    return env


def rename_limit_args() -> list[str]:
    return [f"-l{RENAME_LIMIT}"]


def git_command(root: Path, args: Sequence[str]) -> list[str]:
    head, rest = (list(args[:1]), list(args[1:])) if args else ([], [])
    if head == ["log"]:
        head += [*_LOG_OPTIONS, *rename_limit_args()]
    return ["git", *SAFE_OPTIONS, "-C", str(root), *head, *rest]


def run_git(
    root: Path, args: Sequence[str], check: bool = True, input: bytes | None = None
) -> bytes:
    """Run git to completion; its stdout. ``input`` feeds stdin (``--stdin`` options)."""
    try:
        proc = subprocess.run(
            git_command(root, args),
            capture_output=True,
            env=git_env(root),
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


OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256


def resolve_commit(root: Path, revision: str) -> str | None:
    """The commit id a revision names, or None. The only way a value from a configuration
    reaches git: never as an option (``--output=...``), only after ``--end-of-options``,
    and what is passed on afterwards is the resolved object id."""
    if not revision or revision.startswith("-") or "\0" in revision or "\n" in revision:
        return None
    out = run_git(
        root,
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        check=False,
    )
    commit = out.decode("ascii", "replace").strip()
    return commit if OBJECT_ID.fullmatch(commit) else None


_INDEX_VERSIONS = (2, 3, 4)


def index_damage(root: Path) -> str | None:
    """Why the repository's index (``.git/index``) cannot be trusted, or None.

    git reads a truncated index without complaint and lists zero-filled entries, so the
    file's own checksum (its last 20 or 32 bytes) is verified here. Only hashed, never
    reported: its content does not reach any output."""
    where = run_git(root, ["rev-parse", "--git-path", "index"], check=False).strip()
    if not where:
        return None
    path = root / os.fsdecode(where)
    digest_name = run_git(root, ["rev-parse", "--show-object-format"], check=False).strip()
    size = 32 if digest_name == b"sha256" else 20
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None  # nothing staged yet
    except OSError as exc:
        return f"cannot read the index: {exc.strerror or exc}"
    if len(data) < 12 + size or data[:4] != b"DIRC":
        return "the index has no valid header"
    if int.from_bytes(data[4:8], "big") not in _INDEX_VERSIONS:
        return "unknown index version"
    trailer = data[-size:]
    if trailer == bytes(size):
        return None  # index.skipHash: git wrote no checksum
    import hashlib

    if hashlib.new(digest_name.decode() or "sha1", data[:-size]).digest() != trailer:
        return "the index checksum does not match (truncated or corrupt)"
    return None


def run_git_status(
    root: Path, args: Sequence[str], input: bytes | None = None
) -> tuple[int, bytes]:
    """Run git to completion; (exit status, stdout), even when it failed part-way: a log
    that stops at an unreadable commit has still written the commits before it.

    Its input and output go through unnamed temporary files, not pipes: a pipe needs
    this process to read each 64 KB as git writes it, and a history thread reading
    beside a busy main thread waits for the GIL at every read, so git stalled on a full
    pipe (saleor's line pass beside data access and resolution: 7.8 s against 5 s)."""
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout:
        if input is not None:
            stdin.write(input)
            stdin.seek(0)
        try:
            proc = subprocess.run(
                git_command(root, args),
                stdout=stdout,
                stderr=subprocess.DEVNULL,
                env=git_env(root),
                stdin=stdin if input is not None else subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed") from exc
        stdout.seek(0)
        return proc.returncode, stdout.read()
