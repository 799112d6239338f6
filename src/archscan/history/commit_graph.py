"""A commit-graph file for the analysed repository, kept in archscan's own cache.

git walks history several times faster with a commit-graph (saleor's `rev-list` of
18,939 commits, which every run with history needs: 0.17-0.24 s without one, 0.05 s
with), but a fresh clone has none, and archscan never writes into the repository. So it
writes one into its cache instead: ``git commit-graph write --object-dir DIR``, DIR an
object directory holding nothing but that file, which git is given as an alternate
object directory (``GIT_ALTERNATE_OBJECT_DIRECTORIES``, see gitio.use_commit_graph): git
reads a commit-graph from an alternate when the repository has none of its own.

A commit-graph is a cache of commit objects by id, so it never changes what git says:
one that misses the newest commits makes git read those from the repository, and one
holding commits the repository no longer has is never asked about them. It is written
again once more than :data:`STALE` commits are beyond the one it was written for.
Writing it (0.3 s on saleor) is left to the end of the mining child, after the mined
history was sent (history/forked.py): no run waits for it. A failure of any kind is
only a slower next run.
"""

from __future__ import annotations

import hashlib
import os
import time
from contextlib import suppress
from pathlib import Path

from archscan import gitio

FOLDER = "commit-graphs"
STALE = 1000  # commits beyond the graph's before it is written again
LOCK_SECONDS = 600  # a lock older than this was left by a killed write
_TIP = "archscan-tip"  # beside the graph: the commit it was written for


def graph_dir(cache_dir: Path, root: Path) -> Path:
    """The object directory of ``root``'s commit-graph in the cache."""
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:24]
    return cache_dir / FOLDER / digest


def attach(cache_dir: Path, root: Path) -> Path:
    """Have git commands on ``root`` read its commit-graph (when there is one);
    the directory either way."""
    directory = graph_dir(cache_dir, root)
    if (directory / "info" / "commit-graph").is_file():
        gitio.use_commit_graph(root, directory)
    return directory


def _is_commit_id(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdef" for c in text)


def _tip(directory: Path) -> str | None:
    try:
        tip = (directory / "info" / _TIP).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return tip if _is_commit_id(tip) else None


def _beyond(root: Path, tip: str, head: str) -> int | None:
    """Commits reachable from ``head`` and not from ``tip`` (None: not known)."""
    out = gitio.run_git(root, ["rev-list", "--count", head, f"^{tip}", "--"], check=False)
    text = out.decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _clear_stale_lock(lock: Path) -> None:
    """A lock left by a write that was killed (git takes it, then renames it over the
    graph); a younger one may be another run's write in progress: git then fails ours."""
    with suppress(OSError):
        if time.time() - lock.stat().st_mtime > LOCK_SECONDS:
            lock.unlink()


def refresh(cache_dir: Path, root: Path, head: str | None) -> bool:
    """Write ``root``'s commit-graph for ``head`` when there is none or it is stale;
    True when written."""
    if head is None or not _is_commit_id(head):
        return False
    directory = graph_dir(cache_dir, root)
    tip = _tip(directory) if (directory / "info" / "commit-graph").is_file() else None
    if tip is not None:
        beyond = _beyond(root, tip, head)
        if beyond is not None and beyond <= STALE:
            return False
    info = directory / "info"
    try:
        info.mkdir(parents=True, exist_ok=True)
        _clear_stale_lock(info / "commit-graph.lock")
        (info / _TIP).unlink(missing_ok=True)
    except OSError:
        return False
    gitio.use_commit_graph(root, directory)  # --object-dir must be a known alternate
    status, _out = gitio.run_git_status(
        root,
        ["commit-graph", "write", "--stdin-commits", "--object-dir", str(directory)],
        input=f"{head}\n".encode("ascii"),
    )
    if status != 0:
        return False
    with suppress(OSError):
        (info / _TIP).write_text(head + "\n", encoding="ascii")
    return True
