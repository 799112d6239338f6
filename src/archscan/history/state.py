"""The aggregated history of a run, saved for the next one (the history cache's states).

A re-run after a few new commits would otherwise replay all ~20,000 cached records
through the aggregators. When the new commits rename nothing, the older history resolves
its names exactly as before, so the saved aggregate of the older commits is merged below
the aggregate of the new ones (:meth:`Aggregator.merge_older`) and the result is the
replay's, number for number. A state is the aggregate *before* the coupling pairs are
counted (``finish``), with what its validity is checked against: the commits it covers
(the newest id, their number and a digest of all ids), the reported paths it kept, every
name it resolved, and the commits whose renames or line counts were unreadable.
Stored with ``marshal`` as plain tuples, dicts, strings and ints (never pickle).
"""

from __future__ import annotations

import hashlib
import marshal
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from archscan.history.native import Aggregator, FileStats
from archscan.records import Changeset

VERSION = 1


@dataclass(frozen=True)
class SavedState:
    """A state as loaded: its aggregate and what decides whether it still applies."""

    tip: str  # the newest commit it covers
    count: int  # how many commits it covers
    ids_digest: str
    paths: frozenset[str]  # the reported paths it kept
    degraded: tuple[str, ...]  # commits read without rename detection
    failed: tuple[str, ...]  # commits without line counts
    aggregate: Aggregator

    def covers(self, ids: Sequence[str]) -> int | None:
        """How many of ``ids`` are newer than this state, when the rest is exactly its
        history (None: another history, e.g. rewritten, or a window that moved)."""
        try:
            start = ids.index(self.tip)
        except ValueError:
            return None
        if len(ids) - start != self.count or ids_digest(ids[start:]) != self.ids_digest:
            return None
        return start

    def fits(self, paths: frozenset[str]) -> bool:
        """True when the reported paths are the state's, or more that no older commit
        touched (a new file): a path it dropped, or a new path with older history, would
        change older numbers."""
        return self.paths <= paths and not (paths - self.paths) & self.aggregate.seen


def state_key(names_shape: str, lines_shape: str, settings: str) -> str:
    text = "\0".join((f"state-v{VERSION}", names_shape, lines_shape, settings))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def ids_digest(ids: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode("ascii", "replace")).hexdigest()


def _stats(stats: FileStats) -> tuple[Any, ...]:
    return (
        stats.revisions,
        stats.first,
        stats.last,
        dict(stats.commits_by),
        stats.added,
        stats.deleted,
        dict(stats.added_by),
        dict(stats.deleted_by),
    )


def dump_later(
    aggregator: Aggregator,
    ids: Sequence[str],
    paths: frozenset[str],
    degraded: Sequence[str],
    failed: Sequence[str],
) -> Callable[[], bytes]:
    """``aggregator`` (not finished) as the state of the history ``ids``: its bytes,
    made when called, which may be after ``finish``. The one thing ``finish`` takes
    away, the pending changesets, is held from now. The mining child dumps after it has
    sent the history (0.05-0.08 s on numpy's 31,000 commits that only the next run
    needs); nothing changes the aggregate after ``finish``."""
    return partial(_dump, aggregator, aggregator.coupling.pending, ids, paths, degraded, failed)


def _dump(
    aggregator: Aggregator,
    pending: list[list[str]],
    ids: Sequence[str],
    paths: frozenset[str],
    degraded: Sequence[str],
    failed: Sequence[str],
) -> bytes:
    coupling = aggregator.coupling
    body = (
        VERSION,
        ids[0] if ids else "",
        len(ids),
        ids_digest(ids),
        tuple(sorted(paths)),
        tuple(sorted(degraded)),
        tuple(sorted(failed)),
        {name: _stats(stats) for name, stats in aggregator.files.items()},
        tuple((c.commit, c.author, c.timestamp, c.files) for c in aggregator.raw),
        dict(coupling.revisions),
        dict(coupling.soc),
        tuple(tuple(members) for members in pending),
        dict(aggregator.author_last),
        aggregator.commits,
        aggregator.bot_commits,
        aggregator.first,
        aggregator.last,
        tuple(sorted(aggregator.seen)),
    )
    return marshal.dumps(body)


def load(blob: bytes, fresh: Aggregator) -> SavedState | None:
    """The state in ``blob``, its aggregate filled into ``fresh`` (an empty aggregator of
    this run's settings); None when it is damaged or of another version."""
    try:
        body = marshal.loads(blob)
        if body[0] != VERSION:
            return None
        (_v, tip, count, digest, paths, degraded, failed, files, raw) = body[:9]
        revisions, soc, pending, author_last, commits, bots, first, last, seen = body[9:]
        fresh.files = {name: _file(row) for name, row in files.items()}
        fresh.raw = [Changeset(c, a, t, tuple(f)) for c, a, t, f in raw]
        fresh.coupling.revisions = Counter(revisions)
        fresh.coupling.soc = Counter(soc)
        fresh.coupling.pending.extend(list(members) for members in pending)
        fresh.author_last = dict(author_last)
        fresh.commits, fresh.bot_commits, fresh.first, fresh.last = commits, bots, first, last
        fresh.seen = set(seen)
        return SavedState(
            tip, count, digest, frozenset(paths), tuple(degraded), tuple(failed), fresh
        )
    except (TypeError, ValueError, EOFError, IndexError, KeyError, AttributeError):
        return None  # a damaged state is only a miss


def _file(row: tuple[Any, ...]) -> FileStats:
    revisions, first, last, commits_by, added, deleted, added_by, deleted_by = row
    return FileStats(
        revisions,
        first,
        last,
        Counter(commits_by),
        added,
        deleted,
        Counter(added_by),
        Counter(deleted_by),
    )
