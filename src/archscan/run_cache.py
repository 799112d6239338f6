"""The whole-run result cache: an unchanged ``archscan analyze`` writes the stored reports.

A run is keyed by a fingerprint of every input that shapes its outputs: archscan's code
(every source and data file, the Python version and the libraries that parse, cluster
and render), the effective configuration, the options that change a report (formats,
``--contexts``, decomposition files, ``--templates``, history on or off), the repository
(its path, HEAD and branch), the candidate file set with each file's content and, with
history, everything git history is read from (the commits it starts at, ``.mailmap``,
the team map, shallow and graft files, git's attributes and configuration). On a hit
the stored bytes of every report are written again (atomically, ``outputs.py``) and the
terminal summary is printed from the part of the document it reads: byte-identical to a
fresh run, in a fraction of its time.

Content identity is cheap, as in git's index: a stat cache maps (path, size, mtime,
ctime, inode, device) to the file's blob id, and only files whose stat changed are read.
A file changed within ``RACY_NS`` before it was hashed could change again within the
same timestamp tick unseen: such an entry is re-hashed on the next run (git's "racily
clean" entries). Anything that could make a hit wrong is a miss: a relative history
date (``since = "2 years ago"`` moves with the clock), a PDF (an external Chromium
renders it), a run whose warnings came from a cache or a failing git (not reproducible).

SQLite in the user cache folder (or ``--cache-dir``), never in the repository: a few
runs (least recently used dropped, at most ``MAX_BYTES`` in all); a damaged file is
rebuilt once with a warning; a failing cache is a miss, never an error. The report bytes
themselves are files beside it (``OUTPUTS_DIR``), named by their SHA-256: writing 19 MB
of reports into SQLite's WAL (and checkpointing them into the database) took 0.15-0.28 s
of every stored run on saleor, a plain file ~0.02 s. A file whose bytes no longer match
its name (damaged, truncated) makes its run a miss.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from stat import S_IFMT, S_ISLNK, S_ISREG
from typing import Any, NamedTuple

from archscan import __version__, gitio, sqlite_store
from archscan.cache import blob_id
from archscan.config import Config
from archscan.contexts.decomposition import Decomposition
from archscan.discover import SNIFF_BYTES, Listing, Survey, list_entries, unread_reasons
from archscan.outputs import OutputError, link_or_write_atomic, write_bytes_atomic
from archscan.records import AnalysisWarning
from archscan.resources import data_dir
from archscan.sqlite_store import Table

FILE_NAME = "runs.sqlite"
OUTPUTS_DIR = "run-outputs"  # the stored report files, by their SHA-256
SCHEMA = 2  # PRAGMA user_version: another number is another layout (dropped, not read)
KEPT = 8  # runs kept (repositories, checkouts, option sets)
MAX_BYTES = 512 * 1024 * 1024  # stored report bytes in all; the newest run always stays
RACY_NS = 2_000_000_000  # a file changed this soon before hashing is re-hashed next time
# An output file no stored run names is deleted once this old: a younger one may belong
# to a run another process is storing right now (written, its rows not yet committed).
ORPHAN_SECONDS = 600
# Warnings that say more about this run's circumstances than about the repository.
TRANSIENT_WARNINGS = frozenset({"cache", "history-cache", "history-unreadable"})
# Libraries whose version can change what a report says (parsers, SQL, clustering,
# templates, YAML of the rules): their installed files are part of the fingerprint.
_LIBRARIES = (
    "tree_sitter",
    "tree_sitter_python",
    "tree_sitter_java",
    "tree_sitter_javascript",
    "tree_sitter_typescript",
    "tree_sitter_go",
    "tree_sitter_c_sharp",
    "tree_sitter_kotlin",
    "tree_sitter_php",
    "tree_sitter_ruby",
    "sqlglot",
    "graspologic_native",
    "jinja2",
    "markupsafe",
    "yaml",
    "re2",
    "orjson",
    "defusedxml",
)
_ABSOLUTE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:?\d{2})?")


@dataclass(frozen=True)
class RunRequest:
    """What ``archscan analyze`` was asked to do (everything but where and how fast)."""

    root: Path  # resolved
    config: Config  # effective: files, --include/--exclude and --rules applied
    formats: tuple[str, ...]
    history: bool = True
    contexts: int | None = None
    decompositions: tuple[Decomposition, ...] = ()
    ground_truths: tuple[Decomposition, ...] = ()
    templates: Path | None = None


@dataclass(frozen=True)
class RunKey:
    digest: str
    root: str
    parts: Mapping[str, str]  # input group -> its digest (to say what changed on a miss)
    uncacheable: str = ""  # why no stored run may be used or stored ("" = cacheable)
    edited: int = 0  # files whose content differs from the stat cache's last digest


@dataclass(frozen=True)
class StoredRun:
    outputs: tuple[tuple[str, bytes], ...]  # (file name in the output folder, its bytes)
    summary: dict[str, Any]  # the part of the document the terminal summary reads


@dataclass(frozen=True)
class Lookup:
    key: RunKey
    stored: StoredRun | None
    note: str  # "hit", "miss (...)", "off (...)": for --timings
    # path -> blob id of every file the key hashed whole, as the stat cache has just
    # established it (git's index does the same): a miss's parsing reads only the
    # files whose facts are not cached
    blobs: Mapping[str, str] = field(default_factory=dict)
    # what the key found of every candidate path: discovery takes it (None on a hit)
    survey: Survey | None = None


class _Stat(NamedTuple):
    """What git's index compares too: a change of any means the content is read again.
    (A tuple, not a dataclass: one is built per file of every run.)"""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    dev: int


@dataclass
class _StatCache:
    """Blob ids by stat, of one repository root: read at once, written back changed."""

    known: dict[str, tuple[_Stat, str, int]]  # path -> (stat, digest, hashed at, ns)
    changed: dict[str, tuple[_Stat, str, int]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    edited: int = 0

    def digest(self, full: str, rel: str, stat: _Stat, head_only: bool = False) -> str:
        """The blob id of the file (``head:`` and that of its first bytes when only
        those are read: a file over the size limit is skipped, binary or too large,
        by what its head says)."""
        self.seen.add(rel)
        entry = self.known.get(rel)
        kind = "head:" if head_only else ""
        if entry is not None and entry[0] == stat and entry[1].startswith("head:") == head_only:
            digest, hashed_ns = entry[1], entry[2]
            if max(stat.mtime_ns, stat.ctime_ns) < hashed_ns - RACY_NS:
                return digest
        hashed_ns = time.time_ns()  # before reading: a change after it gets a later mtime
        try:
            with open(full, "rb") as handle:
                digest = kind + blob_id(handle.read(SNIFF_BYTES if head_only else -1))
        except OSError as exc:
            return f"unreadable:{exc.errno}"
        if entry is not None and entry[1] != digest:
            self.edited += 1
        self.changed[rel] = (stat, digest, hashed_ns)
        return digest

    def blobs(self) -> dict[str, str]:
        """path -> blob id of the files this run's key saw, hashed whole (not those known
        by their head or unreadable)."""
        out: dict[str, str] = {}
        for rel in self.seen:
            entry = self.changed.get(rel) or self.known.get(rel)
            if entry is not None and ":" not in entry[1]:
                out[rel] = entry[1]
        return out


def _text_digest(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


def _tree_stats(folder: Path) -> Iterator[str]:
    """(path, size, mtime) of every file below ``folder``, sorted; bytecode left out."""
    for current, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            full = os.path.join(current, name)
            with suppress(OSError):
                stat = os.stat(full)
                yield f"{os.path.relpath(full, folder)}:{stat.st_size}:{stat.st_mtime_ns}"


@cache
def code_fingerprint() -> str:
    """archscan's own code and data, the Python and the libraries that shape a report.

    By size and mtime (an install or checkout rewrites what it changes), not content:
    hashing the source of every run would cost more than the rest of a hit."""
    package = Path(__file__).resolve().parent
    folders = [package]
    for name in ("rules", "report_templates"):
        with suppress(FileNotFoundError):
            found = data_dir(name)
            if package not in found.parents:
                folders.append(found)
    lines = [f"runs-v{SCHEMA}", __version__, sys.version, sys.platform]
    for folder in folders:
        lines.append(str(folder))
        lines.extend(_tree_stats(folder))
    for module in _LIBRARIES:
        lines.append(f"{module}={_library_stamp(module)}")
    return _text_digest(*lines)


def _library_stamp(module: str) -> str:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return "absent"
    if spec is None or not spec.origin:
        return "absent"
    try:
        stat = os.stat(spec.origin)
    except OSError:
        return "absent"
    return f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}"


def _file_digest(path: Path, follow: bool = False) -> str:
    """A small file git or the history reads (never through a link unless ``follow``)."""
    try:
        if not follow and S_ISLNK(os.lstat(path).st_mode):
            return "link"
        return blob_id(path.read_bytes())
    except FileNotFoundError:
        return "absent"
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _templates_digest(templates: Path | None) -> str:
    if templates is None:
        return "shipped"
    lines = [str(templates.resolve())]
    for current, folders, names in os.walk(templates):
        folders.sort()
        for name in sorted(names):
            full = Path(current, name)
            lines.append(f"{full.relative_to(templates)}:{_file_digest(full, follow=True)}")
    return _text_digest(*lines)


def _relative_dates(config: Config) -> str:
    for name in ("since", "until"):
        value = getattr(config.history, name).strip()
        if value and not _ABSOLUTE_DATE.fullmatch(value):
            return f"history {name} {value!r} is relative to today"
    return ""


_GIT_FILES = ("shallow", "info/grafts", "info/attributes", "config")
_GIT_PATHS = ("--show-toplevel", *(a for name in _GIT_FILES for a in ("--git-path", name)))
# One git call for the repository's identity and the git files history depends on: it
# stood for four (work tree?, HEAD, branch, the files), and a key is made twice a run,
# at the lookup and in the check at the end: 6 of its 12 git processes, ~1.5 ms each.
_REV_PARSE = (
    "rev-parse",
    "--is-inside-work-tree",
    *_GIT_PATHS,
    "HEAD",
    "--symbolic-full-name",
    "HEAD",
)


@dataclass(frozen=True)
class _Repository:
    """What git says of the folder: its identity for the key (HEAD's commit and ref,
    or "not-git"), and the work tree's top with the git files (None: not asked yet)."""

    identity: tuple[str | None, ...]
    git_paths: tuple[str, ...] | None = None


def _repository(root: Path) -> _Repository:
    """From one ``git rev-parse`` where it answers all (a work tree with a commit);
    elsewhere (an empty repository, no git, a folder name with a line break...) asked
    one by one as before."""
    try:
        out = gitio.run_git(root, _REV_PARSE).decode("utf-8", "surrogateescape")
    except gitio.GitError:  # no HEAD yet, not a work tree, no git
        out = ""
    lines = out.split("\n")
    answered = len(lines) == 9 and lines[0] == "true" and not lines[8]
    if answered and gitio.OBJECT_ID.fullmatch(lines[6]):
        return _Repository((lines[6], lines[7]), tuple(lines[1:6]))
    if not gitio.is_git_repo(root):
        return _Repository(("not-git", None))
    return _Repository(gitio.head_info(root))


def _git_paths(root: Path) -> list[str]:
    """The work tree's top and the git files history depends on (one git call)."""
    out = gitio.run_git(root, ["rev-parse", *_GIT_PATHS], check=False)
    return out.decode("utf-8", "surrogateescape").splitlines()


def _history_part(root: Path, config: Config, git_paths: Sequence[str] | None = None) -> str:
    """Where history is read from: its starting commits, the author mapping, git's files
    (``git_paths``: as :func:`_git_paths` gives them, None: asked here)."""
    history = config.history
    lines: list[str] = []
    if history.all_refs:
        refs = gitio.run_git(
            root, ["for-each-ref", "--format=%(objectname) %(refname)"], check=False
        )
        lines.append(refs.decode("utf-8", "surrogateescape"))
    if history.branch:
        lines.append(f"branch {gitio.resolve_commit(root, history.branch)}")
    found = _git_paths(root) if git_paths is None else git_paths
    if found:
        top, git_files = Path(found[0]), found[1:]
        lines.append(f".mailmap {_file_digest(top / '.mailmap')}")
        for name in git_files:
            path = Path(name) if os.path.isabs(name) else root / name
            lines.append(f"{name} {_file_digest(path, follow=True)}")
    if history.team_map:
        lines.append(f"team map {_team_map_digest(root, config)}")
    return _text_digest(*lines)


def _team_map_digest(root: Path, config: Config) -> str:
    """The team map file the history stage reads, by the same rule of where it may be."""
    path = Path(config.history.team_map)
    if config.history.team_map_from_user:
        return _file_digest(path if path.is_absolute() else root / path, follow=True)
    if path.is_absolute():
        return "refused"
    real = os.path.realpath(root / path)
    if not real.startswith(os.path.realpath(root) + os.sep):
        return "refused"
    return _file_digest(Path(real), follow=True)


@dataclass
class _Seen:
    """What a key's computation found of each candidate path, for discovery (Survey)."""

    listing: Listing | None = None
    index: tuple[int, ...] | None = None  # the git index's stat before it was listed
    reasons: dict[str, str | None] = field(default_factory=dict)
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (mode, size)

    def survey(self, request: RunRequest) -> Survey | None:
        if self.listing is None:
            return None
        return Survey(str(request.root), request.config, self.listing, self.reasons, self.stats)


def _content_part(
    root: Path, listing: Listing, config: Config, stats: _StatCache, seen: _Seen
) -> Iterator[str]:
    """One line per candidate path: the reason it is left out unread, or what it holds.

    Made twice a run (the lookup, the check at the end) for every path: the lstat is
    inline and the path one concatenation (``os.path.join``'s result for a relative
    path), 0.036 -> 0.030 s a key on saleor's 4,700 paths."""
    prefix = os.path.join(str(root), "")
    reasons, found, limit = seen.reasons, seen.stats, config.max_file_size
    for rel, reason in unread_reasons(root, listing, config):
        reasons[rel] = reason
        if reason is not None:
            yield f"{rel}\0{reason}"
            continue
        full = prefix + rel
        try:
            st = os.lstat(full)
        except OSError as exc:
            yield f"{rel}\0mode {-exc.errno if exc.errno else -1}"
            continue
        mode, size = st.st_mode, st.st_size
        found[rel] = (mode, size)
        if not S_ISREG(mode):
            yield f"{rel}\0mode {S_IFMT(mode)}"
            continue
        stat = _Stat(size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        yield f"{rel}\0{size}\0{stats.digest(full, rel, stat, size > limit)}"


def _index_stat(root: Path) -> tuple[int, ...] | None:
    """The stat of ``root/.git/index`` (size, times, inode), or None where the index is
    elsewhere (a worktree, a sub-folder of a repository, ``GIT_INDEX_FILE``) or absent."""
    if "GIT_INDEX_FILE" in os.environ or "GIT_DIR" in os.environ:
        return None
    try:
        if not os.path.isdir(os.path.join(root, ".git")):
            return None
        found = os.lstat(os.path.join(root, ".git", "index"))
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


def _listing(root: Path, seen: _Seen, before: _Seen | None) -> Listing:
    """git's listing of ``root``; ``before``'s where the index is the same file, not
    rewritten since (the listing is a function of the index): the run cache's check
    at the end of a run then runs three git commands fewer."""
    index = seen.index = _index_stat(root)
    unchanged = before is not None and index is not None and before.index == index
    if unchanged and before is not None and before.listing is not None:
        return before.listing
    return list_entries(root)


def run_key(
    request: RunRequest, stats: _StatCache, seen: _Seen | None = None, before: _Seen | None = None
) -> RunKey:
    """The fingerprint of every input of a run; ``stats`` serves content identities;
    ``seen`` collects what the key found of each path; ``before``: what an earlier key
    of the same run found (its listing is reused while the git index is unchanged)."""
    seen = seen if seen is not None else _Seen()
    root = request.root
    repository = _repository(root)
    listing = seen.listing = _listing(root, seen, before)
    options = (
        request.formats,
        request.history,
        request.contexts,
        request.decompositions,
        request.ground_truths,
        _templates_digest(request.templates),
    )
    parts = {
        "code": code_fingerprint(),
        "config": _text_digest(request.config),
        "options": _text_digest(*options),
        "repository": _text_digest(str(root), *repository.identity),
        "files": _text_digest(listing.from_git, listing.warnings),
        "content": _text_digest(*_content_part(root, listing, request.config, stats, seen)),
    }
    uncacheable = ""
    if request.history:
        parts["history"] = _history_part(root, request.config, repository.git_paths)
        uncacheable = _relative_dates(request.config)
    if "pdf" in request.formats:
        uncacheable = "the PDF is rendered by an external Chromium"
    digest = _text_digest(*sorted(parts.items()))
    return RunKey(digest, str(root), parts, uncacheable, stats.edited)


def _summary_text(summary: Mapping[str, Any]) -> str:
    """The summary as JSON text that ``json.loads`` reads back as the same values, by
    the report's JSON writer (orjson, falling back to ``json`` for file names with
    surrogates): ~0.002 s on saleor, where ``json.dumps`` took 0.02 s."""
    from archscan.report import fastjson

    return fastjson.dumps(summary)


def unstorable(warnings: Sequence[AnalysisWarning]) -> str:
    """Why a run's result must not be stored ("" when it may be)."""
    for warning in warnings:
        if warning.kind in TRANSIENT_WARNINGS:
            return f"a {warning.kind} warning says more about this run than the repository"
    return ""


class RunCache:
    """The stored runs and the stat cache, in one SQLite file."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE_NAME
        self.outputs = directory / OUTPUTS_DIR
        self.warnings: list[str] = []
        self._stats: dict[str, tuple[_Stat, str, int]] = {}
        self._seen: _Seen | None = None  # what the lookup's key found
        directory.mkdir(parents=True, exist_ok=True)
        self._db: sqlite3.Connection | None = None
        try:
            self._db = _connect(self.path)
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)

    def _rebuild(self, problem: Exception) -> None:
        """Delete a damaged database and start anew, once; then go on without."""
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        if self.warnings:
            return
        sqlite_store.delete(self.path)
        try:
            self._db = _connect(self.path)
            self.warnings.append(f"run cache {self.path} was unusable ({problem}): rebuilt")
        except sqlite3.DatabaseError as exc:
            self.warnings.append(f"run cache {self.path} is unusable ({exc}): not cached")

    def lookup(self, request: RunRequest) -> Lookup:
        stats = _StatCache(self._known_stats(str(request.root)))
        seen = _Seen()
        try:
            key = run_key(request, stats, seen)
        except (OSError, ValueError, gitio.GitError) as exc:  # an input unreadable: a miss
            key = RunKey("", str(request.root), {}, f"its inputs cannot be read ({exc})")
            return Lookup(key, None, f"off ({key.uncacheable})")
        self._save_stats(key.root, stats)
        self._stats = {**stats.known, **stats.changed}  # for the check before storing
        self._seen = seen
        if key.uncacheable:
            return Lookup(
                key, None, f"off ({key.uncacheable})", stats.blobs(), seen.survey(request)
            )
        stored = self._get(key)
        if stored is not None:
            return Lookup(key, stored, "hit")  # no analysis follows: no blob ids needed
        return Lookup(key, None, f"miss ({self._why(key)})", stats.blobs(), seen.survey(request))

    def store(
        self,
        request: RunRequest,
        key: RunKey,
        outputs: Iterable[Path],
        summary: Mapping[str, Any],
        current: bool | None = None,
    ) -> bool:
        """Keep a finished run's report files (read back: the bytes as written), unless
        an input changed while it ran (a file edited, a commit made): its reports may
        then mix both states, and a later run with the first state must not get them.
        ``current``: what :meth:`current` said once the analysis was done (None: ask it
        now). True when stored."""
        if key.uncacheable or self._db is None:
            return False
        if not (current if current is not None else self.current(request, key)):
            return False
        try:
            files = [(path, path.read_bytes()) for path in outputs]
        except OSError:
            return False
        text = _summary_text(summary)
        size = sum(len(data) for _path, data in files) + len(text)
        try:
            self._put(key, files, text, size)
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            return False
        except OutputError:  # the output folder is full or read-only: not stored
            return False
        return True

    def current(self, request: RunRequest, key: RunKey) -> bool:
        """Whether the inputs are still those of ``key`` (looked up at the start)."""
        try:
            stats = _StatCache(dict(self._stats))
            return run_key(request, stats, before=self._seen).digest == key.digest
        except (OSError, ValueError, gitio.GitError):
            return False

    def close(self) -> None:
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def has_runs(self, root: str) -> bool:
        """Whether a run of ``root`` is stored (False: the lookup will miss; an
        unreadable cache stores nothing either)."""
        if self._db is None:
            return False
        try:
            row = self._db.execute("SELECT 1 FROM latest WHERE root=?", (_raw(root),)).fetchone()
        except sqlite3.DatabaseError:
            return False
        return row is not None

    def _known_stats(self, root: str) -> dict[str, tuple[_Stat, str, int]]:
        if self._db is None:
            return {}
        try:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, ctime_ns, ino, dev, digest, hashed_ns"
                " FROM stats WHERE root=?",
                (_raw(root),),
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            return {}
        return {
            bytes(row[0]).decode("utf-8", "surrogateescape"): (_Stat(*row[1:6]), row[6], row[7])
            for row in rows
        }

    def _save_stats(self, root: str, stats: _StatCache) -> None:
        """Entries hashed anew, and none of paths that are gone."""
        gone = [(_raw(root), _raw(path)) for path in stats.known.keys() - stats.seen]
        if self._db is None or not (stats.changed or gone):
            return
        rows = [
            (_raw(root), _raw(path), s.size, s.mtime_ns, s.ctime_ns, s.ino, s.dev, digest, hashed)
            for path, (s, digest, hashed) in stats.changed.items()
        ]
        with suppress(sqlite3.Error), self._db:
            self._db.executemany("DELETE FROM stats WHERE root=? AND path=?", gone)
            self._db.executemany("INSERT OR REPLACE INTO stats VALUES (?,?,?,?,?,?,?,?,?)", rows)

    def _get(self, key: RunKey) -> StoredRun | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT summary, names FROM runs WHERE key=?", (key.digest,)
            ).fetchone()
            if row is None:
                return None
            found = dict(
                self._db.execute("SELECT name, digest FROM outputs WHERE key=?", (key.digest,))
            )
            names = json.loads(row[1])
            if any(name not in found for name in names):
                return None  # an incomplete entry is a miss
            outputs = tuple((name, self._read_output(found[name])) for name in names)
            summary = json.loads(row[0])
            with self._db:
                self._db.execute("UPDATE runs SET used=? WHERE key=?", (time.time(), key.digest))
        except (sqlite3.Error, ValueError, OSError):
            return None  # a missing or damaged output file too: a miss
        return StoredRun(outputs, summary)

    def _read_output(self, digest: str) -> bytes:
        data = (self.outputs / digest).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"stored output {digest} is damaged")
        return data

    def _write_output(self, source: Path, data: bytes) -> str:
        """The file of these bytes (read from ``source``), named by their digest: made
        anew even when there (a file of that name may be damaged; writing costs what
        comparing would). A hard link to ``source`` where the file system allows one
        (saves writing 19 MB on saleor: 0.045 s), else a copy: either way complete or not
        at all. Linked, the stored file changes if ``source`` is later edited in place:
        then its digest no longer matches and the stored run is a miss (_read_output);
        archscan itself only ever replaces an output, never writes into one."""
        digest = hashlib.sha256(data).hexdigest()
        self.outputs.mkdir(exist_ok=True)
        link_or_write_atomic(self.outputs / digest, source, data)
        return digest

    def _put(self, key: RunKey, files: list[tuple[Path, bytes]], summary: str, size: int) -> None:
        if self._db is None:
            return
        names = json.dumps([path.name for path, _data in files])
        parts = json.dumps(dict(key.parts), sort_keys=True)
        rows = [(key.digest, path.name, self._write_output(path, data)) for path, data in files]
        with self._db:
            self._db.execute("DELETE FROM outputs WHERE key=?", (key.digest,))
            self._db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?)",
                (key.digest, _raw(key.root), summary, names, size, time.time()),
            )
            self._db.executemany("INSERT INTO outputs VALUES (?,?,?)", rows)
            self._db.execute("INSERT OR REPLACE INTO latest VALUES (?,?)", (_raw(key.root), parts))
            self._prune()
        self._delete_orphans()

    def _prune(self) -> None:
        """At most KEPT runs and MAX_BYTES of them (the newest always stays); the stat
        cache and the last keys of repositories no longer kept go with them."""
        assert self._db is not None
        kept, total = [], 0
        rows = self._db.execute("SELECT key, bytes FROM runs ORDER BY used DESC").fetchall()
        for number, (key, size) in enumerate(rows):
            if number < KEPT and (number == 0 or total + size <= MAX_BYTES):
                kept.append(key)
                total += size
        dropped = [(key,) for key, _size in rows if key not in kept]
        self._db.executemany("DELETE FROM runs WHERE key=?", dropped)
        self._db.executemany("DELETE FROM outputs WHERE key=?", dropped)
        self._db.execute("DELETE FROM stats WHERE root NOT IN (SELECT root FROM runs)")
        self._db.execute("DELETE FROM latest WHERE root NOT IN (SELECT root FROM runs)")

    def _delete_orphans(self) -> None:
        """The output files no stored run names (their runs pruned), once old enough."""
        assert self._db is not None
        try:
            named = {row[0] for row in self._db.execute("SELECT digest FROM outputs")}
            files = list(self.outputs.iterdir())
        except (sqlite3.Error, OSError):
            return
        cutoff = time.time() - ORPHAN_SECONDS
        for path in files:
            with suppress(OSError):
                if path.name not in named and path.stat().st_mtime < cutoff:
                    path.unlink()

    def _why(self, key: RunKey) -> str:
        """What differs from the last run stored for the same folder."""
        if self._db is None:
            return "no cache"
        try:
            row = self._db.execute(
                "SELECT parts FROM latest WHERE root=?", (_raw(key.root),)
            ).fetchone()
            last = json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            last = None
        if not isinstance(last, dict):
            return "nothing stored for this folder"
        changed = sorted(name for name, value in key.parts.items() if last.get(name) != value)
        if not changed:
            return "stored run dropped"
        words = [
            f"{key.edited} file(s) edited" if n == "content" and key.edited else n for n in changed
        ]
        return "changed: " + ", ".join(words)


def _raw(path: str) -> bytes:
    """A path as SQLite stores it: bytes (undecodable file-name bytes are surrogates)."""
    return path.encode("utf-8", "surrogateescape")


_TABLES = (
    Table(
        "runs",
        ("key", "root", "summary", "names", "bytes", "used"),
        "(key TEXT PRIMARY KEY, root BLOB, summary TEXT, names TEXT, bytes INTEGER, used REAL)",
    ),
    Table(  # the bytes are in OUTPUTS_DIR, in the file named by their digest
        "outputs",
        ("key", "name", "digest"),
        "(key TEXT, name TEXT, digest TEXT, PRIMARY KEY (key, name))",
    ),
    Table(
        "stats",
        ("root", "path", "size", "mtime_ns", "ctime_ns", "ino", "dev", "digest", "hashed_ns"),
        "(root BLOB, path BLOB, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER,"
        " dev INTEGER, digest TEXT, hashed_ns INTEGER, PRIMARY KEY (root, path)) WITHOUT ROWID",
    ),
    Table("latest", ("root", "parts"), "(root BLOB PRIMARY KEY, parts TEXT)"),
)


def _connect(path: Path) -> sqlite3.Connection:
    """Open the store and prove it usable; a store of another layout version is emptied."""
    db = sqlite3.connect(str(path), timeout=10)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA:
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table.name}")
            db.execute(f"PRAGMA user_version={SCHEMA}")
            db.execute("VACUUM")  # version 1 held the report bytes: give their space back
    finally:
        db.close()
    store = sqlite_store.connect(path, _TABLES, timeout=10)
    # WAL without a sync at every commit (as the history store): a power cut may lose
    # the last runs' rows, never the file's consistency, and anything lost or half
    # written is a miss (an output file is checked against its digest). Saving a
    # re-run's stat entries: 3.0 -> 0.6 ms (saleor, 10 alternated runs, medians).
    store.execute("PRAGMA synchronous=NORMAL")
    return store


def open_run_cache(directory: Path) -> RunCache | None:
    """None when the folder cannot hold it (the run goes on uncached)."""
    try:
        return RunCache(directory)
    except (OSError, sqlite3.Error):
        return None


def write_stored(stored: StoredRun, target: Path) -> list[Path]:
    """The stored report files into ``target``, each complete or not at all."""
    return [write_bytes_atomic(target / name, data) for name, data in stored.outputs]
