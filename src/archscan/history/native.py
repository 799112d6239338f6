"""Native mode: aggregate the streamed commits incrementally (never the whole log).

Beyond code-maat: renames are followed (a file keeps its history across moves), files
that no longer exist are left out, bot authors are recognised by patterns, and the
changesets for temporal coupling can be commits, author-days, fixed time windows or
ticket ids taken from commit messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import combinations

from archscan.globs import name_matcher
from archscan.history.linefilter import LineNeeds
from archscan.records import Changeset, CommitInfo
from archscan.userregex import TextPattern

_DAY = 86400


def bot_matcher(patterns: Sequence[str]) -> Callable[[str, str], bool]:
    """True for an author whose name or e-mail matches a pattern (case-insensitive).

    ``*`` and ``?`` are wildcards, everything else literal (so ``[bot]``); matched in
    linear time (patterns come from the repository's configuration)."""
    if not patterns:
        return lambda name, email: False
    match = name_matcher(patterns, ignore_case=True)
    verdicts: dict[tuple[str, str], bool] = {}  # a few hundred authors, 20,000 commits

    def is_bot(name: str, email: str) -> bool:
        found = verdicts.get((name, email))
        if found is None:
            found = verdicts[name, email] = bool(match(name) or match(email))
        return found

    return is_bot


class Renames:
    """Maps every older path of a file to its newest name, walking history newest first."""

    def __init__(self) -> None:
        self._alias: dict[str, str] = {}

    def resolve(self, path: str) -> str:
        return self._alias.get(path, path)

    def record(self, old: str, new: str) -> None:
        if old != new:
            self._alias[old] = self.resolve(new)


@dataclass
class FileStats:
    """Running totals of one file (mutable while aggregating, then frozen into records)."""

    revisions: int = 0
    first: int = 0
    last: int = 0
    commits_by: Counter[str] = field(default_factory=Counter)
    added: int = 0
    deleted: int = 0
    added_by: Counter[str] = field(default_factory=Counter)
    deleted_by: Counter[str] = field(default_factory=Counter)

    def __reduce__(self) -> tuple[Callable[..., FileStats], tuple[object, ...]]:
        # The mining child sends thousands of these: pickled by default, each Counter
        # is rebuilt through Counter.__init__ and each record through its state dict
        # (0.07 s of saleor's re-run in the parent); as plain values, 0.04 s.
        return _file_stats, (
            *(self.revisions, self.first, self.last, dict(self.commits_by)),
            *(self.added, self.deleted, dict(self.added_by), dict(self.deleted_by)),
        )


def _counter(counts: dict[str, int]) -> Counter[str]:
    # a Counter is a dict: made without Counter.__init__ and update's checks
    made: Counter[str] = Counter.__new__(Counter)
    dict.update(made, counts)
    return made


def _file_stats(
    revisions: int,
    first: int,
    last: int,
    commits_by: dict[str, int],
    added: int,
    deleted: int,
    added_by: dict[str, int],
    deleted_by: dict[str, int],
) -> FileStats:
    """FileStats from its pickled values (FileStats.__reduce__)."""
    return FileStats(
        revisions,
        first,
        last,
        _counter(commits_by),
        added,
        deleted,
        _counter(added_by),
        _counter(deleted_by),
    )


PAIR_BUDGET = 3_000_000  # pair increments at most: ~110 bytes each in the Counter


@dataclass
class CouplingCounts:
    """Revisions per file and shared revisions per pair, over the coupling changesets.

    Pairs are counted at :meth:`finish`, only among files with at least ``min_shared``
    revisions: a pair reported needs ``min_shared`` shared revisions, so no reported
    number changes, while a huge commit of files that hardly ever change (a mass rename,
    a licence header) no longer makes millions of pairs. Past ``pair_budget`` pair
    increments the largest changesets are left out of the pairs (``capped`` counts them).
    """

    max_changeset_size: int
    min_shared: int = 1
    pair_budget: int = PAIR_BUDGET
    revisions: Counter[str] = field(default_factory=Counter)
    shared: Counter[tuple[str, str]] = field(default_factory=Counter)
    soc: Counter[str] = field(default_factory=Counter)
    capped: int = 0  # changesets left out of the pairs by the budget
    _pending: list[list[str]] = field(default_factory=list)

    @property
    def pending(self) -> list[list[str]]:
        """The changesets :meth:`finish` will pair, newest first (what a saved state keeps)."""
        return self._pending

    def merge_older(self, older: CouplingCounts) -> None:
        """Append the counts of older commits (before :meth:`finish` of either)."""
        self.revisions.update(older.revisions)
        self.soc.update(older.soc)
        self._pending += older.pending

    def add(self, files: Iterable[str]) -> None:
        members = sorted(set(files))  # pairs (a, b) with a < b
        if not members:
            return
        others = len(members) - 1
        soc = self.soc
        for name in members:
            soc[name] += others
        if len(members) > self.max_changeset_size:
            return
        self.revisions.update(members)
        if others:
            self._pending.append(members)

    def finish(self) -> None:
        revisions, least = self.revisions, self.min_shared
        eligible = []
        for members in self._pending:
            kept = [name for name in members if revisions[name] >= least]
            if len(kept) > 1:
                eligible.append(kept)
        self._pending = []
        # the budget drops the largest changesets first (ties: the older ones first)
        order = sorted(range(len(eligible)), key=lambda i: (len(eligible[i]), -i))
        budget = self.pair_budget
        for i in order:
            size = len(eligible[i])
            budget -= size * (size - 1) // 2
            if budget < 0:
                self.capped += 1
                eligible[i] = []
        for kept in eligible:
            if kept:
                self.shared.update(combinations(kept, 2))


def day_of(timestamp: int) -> int:
    return timestamp // _DAY


def iso_date(timestamp: int) -> str:
    try:
        return datetime.fromtimestamp(timestamp, timezone.utc).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return "1970-01-01" if timestamp < 0 else "9999-12-31"


@dataclass
class Aggregator:
    """Consumes the name pass commit by commit."""

    keep: Callable[[str], bool]  # is this (current) path reported?
    is_bot: Callable[[str, str], bool]
    coupling_by: str
    window_days: int
    ticket: TextPattern
    coupling: CouplingCounts
    renames: Renames = field(default_factory=Renames)
    files: dict[str, FileStats] = field(default_factory=dict)
    rename_events: list[tuple[int, str, str]] = field(default_factory=list)
    commit_authors: list[str | None] = field(default_factory=list)  # None: a bot commit
    index_of: dict[str, int] = field(default_factory=dict)  # commit id -> position
    author_last: dict[str, int] = field(default_factory=dict)
    changesets: dict[object, set[str]] = field(default_factory=dict)
    # every human commit's reported files, newest first: the raw co-change later stages use
    raw: list[Changeset] = field(default_factory=list)
    commits: int = 0
    bot_commits: int = 0
    first: int | None = None
    last: int | None = None
    seen: set[str] = field(default_factory=set)  # every resolved name, reported or not
    lines: LineNeeds = field(default_factory=LineNeeds)  # what the line pass must diff

    def _current_names(self, files: Sequence[tuple[str, str, str]], index: int) -> list[str]:
        resolve = self.renames.resolve
        names = [resolve(path) for path, _status, _old in files]
        for path, status, old in files:
            if status == "R" and old:
                self.rename_events.append((index, old, path))
                self.renames.record(old, path)
        return names

    def _changeset_keys(self, author: str, stamp: int, message: str) -> Sequence[object]:
        if self.coupling_by == "author-day":
            return [(author, day_of(stamp))]
        if self.coupling_by == "window":
            return [day_of(stamp) // self.window_days]
        if self.coupling_by == "ticket":
            return sorted({m.group(0) for m in self.ticket.finditer(message)})
        return []

    def add(self, commit: CommitInfo) -> None:
        files = tuple((f.path, f.status, f.old_path) for f in commit.files)
        self.add_entry(
            commit.id, commit.author, commit.email, commit.timestamp, commit.message, files
        )

    def add_entry(
        self,
        commit: str,
        author: str,
        email: str,
        stamp: int,
        message: str,
        changes: Sequence[tuple[str, str, str]],
    ) -> None:
        """One commit of the name pass, newest first; ``changes``: (path, status, old
        path), the shape the history cache stores (no objects made per record)."""
        index = len(self.commit_authors)
        self.index_of[commit] = index
        names = self._current_names(changes, index)
        self.seen.update(names)
        keep = self.keep
        bot = self.is_bot(author, email)
        self.lines.note(index, commit, changes, [keep(name) for name in names], not bot)
        if bot:
            self.commit_authors.append(None)
            self.bot_commits += 1
            return
        self.commit_authors.append(author)
        self.commits += 1
        self.first = stamp if self.first is None else min(self.first, stamp)
        self.last = stamp if self.last is None else max(self.last, stamp)
        self.author_last[author] = max(self.author_last.get(author, stamp), stamp)
        files = self.files
        kept = [name for name in dict.fromkeys(names) if keep(name)]
        if kept:
            self.raw.append(Changeset(commit, author, stamp, tuple(kept)))
        for name in kept:
            stats = files.get(name)
            if stats is None:
                stats = files[name] = FileStats(first=stamp, last=stamp)
            stats.revisions += 1
            if stamp < stats.first:
                stats.first = stamp
            elif stamp > stats.last:
                stats.last = stamp
            stats.commits_by[author] += 1
        if self.coupling_by == "commit":
            self.coupling.add(kept)
            return
        for key in self._changeset_keys(author, stamp, message):
            self.changesets.setdefault(key, set()).update(kept)

    def merge_older(self, older: Aggregator) -> None:
        """Append the aggregate of the history below this one's commits (commit
        changesets only). Exact when none of this one's commits renamed a file: the older
        history then resolves its names as it did alone (index_of and rename_events stay
        this one's: the line pass of the older commits is already in ``older``)."""
        for name, stats in older.files.items():
            mine = self.files.get(name)
            if mine is None:
                self.files[name] = stats
                continue
            mine.revisions += stats.revisions
            mine.first, mine.last = min(mine.first, stats.first), max(mine.last, stats.last)
            mine.added += stats.added
            mine.deleted += stats.deleted
            for own, other in (
                (mine.commits_by, stats.commits_by),
                (mine.added_by, stats.added_by),
                (mine.deleted_by, stats.deleted_by),
            ):
                own.update(other)
        for author, stamp in older.author_last.items():
            self.author_last[author] = max(self.author_last.get(author, stamp), stamp)
        self.raw += older.raw
        self.coupling.merge_older(older.coupling)
        self.commits += older.commits
        self.bot_commits += older.bot_commits
        self.first = _pick(self.first, older.first, min)
        self.last = _pick(self.last, older.last, max)
        self.seen |= older.seen

    def finish(self) -> None:
        """Feed the accumulated author-day / window / ticket changesets to coupling."""
        for key in sorted(self.changesets, key=repr):
            self.coupling.add(self.changesets[key])
        self.changesets.clear()
        self.coupling.finish()


def _pick(a: int | None, b: int | None, pick: Callable[[int, int], int]) -> int | None:
    return b if a is None else a if b is None else pick(a, b)


@dataclass
class LineAggregator:
    """Consumes the line pass in commit order, replaying the renames of the name pass."""

    aggregator: Aggregator
    renames: Renames = field(default_factory=Renames)
    _next_event: int = 0

    def _replay_until(self, index: int) -> None:
        events = self.aggregator.rename_events
        while self._next_event < len(events) and events[self._next_event][0] < index:
            _i, old, new = events[self._next_event]
            self.renames.record(old, new)
            self._next_event += 1

    def add(self, commit: str, files: Sequence[tuple[str, str, int, int]]) -> None:
        index = self.aggregator.index_of.get(commit)
        if index is None:
            return
        self._replay_until(index)
        author = self.aggregator.commit_authors[index]
        if author is None:
            return
        for path, _old, added, deleted in files:
            name = self.renames.resolve(path)
            stats = self.aggregator.files.get(name)
            if stats is None:
                continue
            stats.added += added
            stats.deleted += deleted
            stats.added_by[author] += added
            stats.deleted_by[author] += deleted
