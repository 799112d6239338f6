"""Stream commits from git: one ``git log`` process read incrementally, never the whole log.

Two passes, because their costs differ by an order of magnitude:

* the *name pass* (``--name-status``) needs only trees: who changed which files when,
  renames included. Revisions, coupling, authors and code age come from it.
* the *line pass* (``--numstat``) needs blob diffs. It is split into chunks of commit
  ids that several ``git log --no-walk --stdin`` processes diff in parallel.

Both use ``-z`` so that any path (commas, quotes, newlines, unicode) arrives verbatim.
Measured here (docs/history.md): the git CLI streamed into Python beats pygit2 by 4-7x
and GitPython by ~160x on a full history, so the CLI it is.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from archscan import gitio
from archscan.records import CommitInfo, FileChange

_MARK = b"\x00\x1e"  # NUL + record separator: starts every commit record
_HEX40 = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?\x00")
_READ = 1 << 20


class HistoryReadError(RuntimeError):
    """git could not produce the log (missing objects, bad revision, ...)."""


@dataclass(frozen=True)
class LogQuery:
    """Which commits: git log's own options."""

    revision: str = ""  # "" = HEAD
    all_refs: bool = False
    merges: bool = False
    since: str = ""
    until: str = ""
    max_commits: int = 0
    follow_renames: bool = True
    messages: bool = False  # full messages (ticket ids) instead of subjects
    pathspec: tuple[str, ...] = ()  # ("." when analysing a sub-folder of a repository)

    def selection(self) -> list[str]:
        args = []
        if not self.merges:
            args.append("--no-merges")
        if self.since:
            args.append(f"--since={self.since}")
        if self.until:
            args.append(f"--until={self.until}")
        if self.max_commits:
            args.append(f"--max-count={self.max_commits}")
        if self.all_refs:
            args.append("--all")
        else:
            if self.revision.startswith("-"):
                raise HistoryReadError(f"not a revision: {self.revision!r}")
            args += ["--end-of-options", self.revision or "HEAD"]  # never an option
        return args

    def renames(self) -> list[str]:
        # --relative: paths relative to the analysed folder (a no-op at the top level)
        return ["--relative", "-M" if self.follow_renames else "--no-renames"]

    def paths(self) -> list[str]:
        return ["--", *self.pathspec]


def _records(stream: Iterable[bytes]) -> Iterator[bytes]:
    """Split a byte stream into commit records (each starting after the marker)."""
    pending = b""
    for chunk in stream:
        pending += chunk
        parts = pending.split(_MARK)
        pending = parts.pop()
        for part in parts:
            if part:
                yield part
    if pending:
        yield pending


def _joined(records: Iterable[bytes]) -> Iterator[bytes]:
    """Re-join a record wrongly split at a path that begins with the marker byte."""
    current = b""
    for record in records:
        if current and not _HEX40.match(record):
            current += _MARK + record
            continue
        if current:
            yield current
        current = record
    if current:
        yield current


def _read_chunks(proc: subprocess.Popen[bytes]) -> Iterator[bytes]:
    assert proc.stdout is not None
    while True:
        chunk = proc.stdout.read(_READ)
        if not chunk:
            return
        yield chunk


def _text(raw: bytes) -> str:
    # git paths are bytes; undecodable ones keep their bytes as surrogates (like fsdecode)
    return raw.decode("utf-8", "surrogateescape")


def _name_files(text: str) -> tuple[FileChange, ...]:
    """``status\\0path\\0`` or ``Rnnn\\0old\\0new\\0`` entries (hot loop: kept plain)."""
    fields = text.split("\0")
    files: list[FileChange] = []
    count = len(fields)
    i = 0
    while i < count:
        kind = fields[i].lstrip("\n")[:1]
        if not kind:
            i += 1
        elif kind == "R" or kind == "C":
            if i + 2 < count and fields[i + 2]:
                files.append(FileChange(fields[i + 2], kind, fields[i + 1] if kind == "R" else ""))
            i += 3
        else:
            if i + 1 < count and fields[i + 1]:
                files.append(FileChange(fields[i + 1], kind))
            i += 2
    return tuple(files)


def _parse_name_record(record: bytes) -> CommitInfo | None:
    fields = record.split(b"\x00", 5)
    if len(fields) < 5:
        return None
    commit, author, email, stamp, message = fields[:5]
    try:
        timestamp = int(stamp or b"0")
    except ValueError:
        timestamp = 0
    rest = fields[5] if len(fields) > 5 else b""
    return CommitInfo(
        id=commit.decode("ascii", "replace"),
        author=author.decode("utf-8", "replace"),
        email=email.decode("utf-8", "replace"),
        timestamp=timestamp,
        message=message.decode("utf-8", "replace"),
        # paths are bytes to git: undecodable ones keep their bytes as surrogates
        files=_name_files(rest.decode("utf-8", "surrogateescape")) if rest else (),
    )


parse_name_record = _parse_name_record  # the public name of the record parser

_NAME_FORMAT = "--format=%x00%x1e%H%x00%aN%x00%aE%x00%at%x00"


def stream_commits(root: Path, query: LogQuery) -> Iterator[CommitInfo]:
    """The name pass: commits newest first, each with its changed files (no line counts)."""
    message = "%B" if query.messages else "%s"
    args = [
        "log",
        "-z",
        "--name-status",
        *query.renames(),
        "--use-mailmap",
        _NAME_FORMAT + message,
        *query.selection(),
        *query.paths(),
    ]
    # stderr goes to a file: rename warnings on huge commits could fill a pipe and stall git.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                gitio.git_command(root, args),
                stdout=subprocess.PIPE,
                stderr=errors,
                stdin=subprocess.DEVNULL,
                env=gitio.git_env(root),
            )
        except FileNotFoundError as exc:
            raise HistoryReadError("git is not installed") from exc
        try:
            for record in _joined(_records(_read_chunks(proc))):
                info = _parse_name_record(record)
                if info is not None:
                    yield info
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout:
                proc.stdout.close()
        if proc.returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise HistoryReadError(lines[-1] if lines else "git log failed")


def _log_for_ids(root: Path, args: list[str], ids: Sequence[str]) -> tuple[int, bytes]:
    """``git log --stdin`` over the given commit ids, whole (a chunk is small): the exit
    status and what it wrote (all commits before the one it failed on, if it failed)."""
    try:
        return gitio.run_git_status(root, args, input=("\n".join(ids) + "\n").encode())
    except gitio.GitError as exc:
        raise HistoryReadError(str(exc)) from exc


def record_id(record: bytes) -> str:
    """The commit id a record starts with."""
    return record[: record.find(b"\x00")].decode("ascii", "replace")


ChunkRun = Callable[[Sequence[str]], tuple[int, bytes]]


def resume_past_failures(
    run: ChunkRun, ids: Sequence[str], alone: Callable[[str], list[bytes] | None]
) -> tuple[list[bytes], list[str]]:
    """Records of ``ids`` read by ``run``; where git stops at an unreadable commit, the
    records before it are kept and the log resumes after it (no bisection: one or two
    git calls per unreadable commit). ``alone`` reads one commit the chunk stopped at
    (None: unreadable). Returns (records, unreadable ids)."""
    position = {commit: i for i, commit in enumerate(ids)}
    records: list[bytes] = []
    failed: list[str] = []
    start = 0
    while start < len(ids):
        status, out = run(ids[start:])
        got = list(_joined(_records([out])))
        if status == 0:
            records += got
            break
        if got:
            got.pop()  # the last record may have been cut short by the failure
        records += got
        # the commit after the last whole record: the one git failed on (or cut short)
        start = position[record_id(got[-1])] + 1 if got else start
        single = alone(ids[start])
        if single is None:
            failed.append(ids[start])
        else:
            records += single
        start += 1
    return records, failed


def _name_args(query: LogQuery) -> list[str]:
    message = "%B" if query.messages else "%s"
    return [
        "log",
        "-z",
        "--name-status",
        *query.renames(),
        "--use-mailmap",
        "--no-walk=unsorted",
        "--stdin",
        _NAME_FORMAT + message,
        *query.paths(),
    ]


def name_records(
    root: Path, ids: Sequence[str], query: LogQuery, degraded: list[str]
) -> list[bytes]:
    """Raw name-pass records of a chunk. A commit whose renames cannot be detected (a
    blob missing from a partial clone) is read without rename detection (names need no
    blobs) and appended to ``degraded``."""
    args = _name_args(query)
    plain = _name_args(replace(query, follow_renames=False))

    def alone(commit: str) -> list[bytes] | None:
        status, out = _log_for_ids(root, args, [commit])
        if status != 0:
            status, out = _log_for_ids(root, plain, [commit])
            if status != 0:
                raise HistoryReadError(f"cannot read commit {commit}")
            degraded.append(commit)
        return list(_joined(_records([out])))

    records, _failed = resume_past_failures(
        lambda chunk: _log_for_ids(root, args, chunk), ids, alone
    )
    return records


def stream_commits_parallel(
    root: Path, ids: Sequence[str], query: LogQuery, jobs: int, degraded: list[str] | None = None
) -> Iterator[CommitInfo]:
    """The name pass split over ``jobs`` git processes; commits still arrive in order.

    Commits whose renames could not be detected are appended to ``degraded``.
    """
    lost: list[str] = [] if degraded is None else degraded

    def work(root: Path, chunk: Sequence[str], query: LogQuery) -> list[bytes]:
        return name_records(root, chunk, query, lost)

    for records in _in_order(work, root, ids, query, jobs):
        for record in records:
            info = _parse_name_record(record)
            if info is not None:
                yield info


T = TypeVar("T")


def _in_order(
    work: Callable[[Path, Sequence[str], LogQuery], T],
    root: Path,
    ids: Sequence[str],
    query: LogQuery,
    jobs: int,
) -> Iterator[T]:
    """Run ``work`` on consecutive chunks of ids in a pool; results in chunk order.

    At most ``2 * jobs`` chunks are in flight, so memory holds a few chunks, not the log,
    and one slow chunk at the head does not leave the other workers without work.
    """
    jobs = max(jobs, 1)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pending: list[Future[T]] = []
        for chunk in guided_chunks(ids, jobs):
            pending.append(pool.submit(work, root, chunk, query))
            if len(pending) >= 2 * jobs:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


MIN_CHUNK, MAX_CHUNK = 200, 2000


def guided_chunks(ids: Sequence[str], jobs: int) -> list[Sequence[str]]:
    """Consecutive chunks, each a share of what is left (guided scheduling): large first,
    so that git's delta cache serves most of the history, and small last, so that the
    workers finish together instead of one core diffing the last big chunk alone while
    the run waits for it. Measured on saleor (benchmarks/speed.py, 3 rounds): cold
    9.79 s median with equal chunks of an eighth, 9.57 and 9.72 s with these, CPU
    unchanged: within run-to-run variation (docs/speed.md)."""
    chunks: list[Sequence[str]] = []
    start = 0
    while start < len(ids):
        size = max(MIN_CHUNK, min(MAX_CHUNK, (len(ids) - start) // (jobs * 2) + 1))
        chunks.append(ids[start : start + size])
        start += size
    return chunks


def commit_ids(root: Path, query: LogQuery) -> list[str]:
    """The ids the name pass will visit, in the same order (cheap: no diffs)."""
    out = gitio.run_git(root, ["rev-list", *query.selection(), *query.paths()], check=False)
    return out.decode("ascii", "replace").split()


# --- the line pass -------------------------------------------------------------------


def _numstat_files(fields: list[bytes]) -> list[tuple[str, str, int, int]]:
    """(path, old path, added, deleted) from ``a\\td\\tpath\\0`` / ``a\\td\\t\\0old\\0new\\0``."""
    out = []
    i = 0
    while i < len(fields):
        entry = fields[i].lstrip(b"\n")
        i += 1
        if not entry:
            continue
        parts = entry.split(b"\t", 2)
        if len(parts) != 3:
            continue
        added = int(parts[0]) if parts[0].isdigit() else 0  # "-": binary
        deleted = int(parts[1]) if parts[1].isdigit() else 0
        if parts[2]:
            out.append((_text(parts[2]), "", added, deleted))
        elif i + 1 < len(fields):
            out.append((_text(fields[i + 1]), _text(fields[i]), added, deleted))
            i += 2
    return out


LineChanges = dict[str, list[tuple[str, str, int, int]]]  # commit -> files


def _numstat_args(query: LogQuery) -> list[str]:
    return [
        "log",
        "-z",
        "--numstat",
        *query.renames(),
        "--no-walk=unsorted",
        "--stdin",
        "--format=%x00%x1e%H",
        *query.paths(),
    ]


def numstat_records(
    root: Path, ids: Sequence[str], query: LogQuery, failed: list[str]
) -> list[bytes]:
    """Raw line-pass records of a chunk; unreadable commits (a partial clone's missing
    blob) are appended to ``failed`` and the log resumes after them."""
    args = _numstat_args(query)

    def alone(commit: str) -> list[bytes] | None:
        status, out = _log_for_ids(root, args, [commit])
        return list(_joined(_records([out]))) if status == 0 else None

    records, lost = resume_past_failures(lambda chunk: _log_for_ids(root, args, chunk), ids, alone)
    failed.extend(lost)
    return records


def numstat_of(record: bytes) -> list[tuple[str, str, int, int]]:
    return _numstat_files(record.split(b"\x00")[1:])


def _numstat_chunk(
    root: Path, ids: Sequence[str], query: LogQuery, failed: list[str]
) -> LineChanges:
    return {
        record_id(record): numstat_of(record)
        for record in numstat_records(root, ids, query, failed)
    }


def line_changes(
    root: Path, ids: Sequence[str], query: LogQuery, jobs: int, failed: list[str]
) -> Iterator[LineChanges]:
    """Line counts of the given commits, chunk by chunk in order, diffed in parallel."""

    def work(root: Path, chunk: Sequence[str], query: LogQuery) -> LineChanges:
        return _numstat_chunk(root, chunk, query, failed)

    yield from _in_order(work, root, ids, query, jobs)
