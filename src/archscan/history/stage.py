"""The history stage of ``archscan analyze``: git -> aggregates -> HistoryResult.

Never fatal: no git, no commits, a shallow clone, missing objects or an unreadable team
map become warnings, and whatever history can be read is analysed.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from archscan import gitio
from archscan.config import HistoryConfig
from archscan.history import incremental, metrics, state
from archscan.history.linefilter import LinePlan, pathspec, plan_lines
from archscan.history.native import (
    PAIR_BUDGET,
    Aggregator,
    CouplingCounts,
    LineAggregator,
    bot_matcher,
    iso_date,
)
from archscan.history.reader import (
    HistoryReadError,
    LogQuery,
    commit_ids,
    line_changes,
    name_records,
    numstat_records,
    stream_commits,
    stream_commits_parallel,
)
from archscan.records import (
    AnalysisWarning,
    CommitInfo,
    FileFacts,
    HistoryResult,
    RepositoryInfo,
)
from archscan.userregex import compile_user_regex


@dataclass(frozen=True, kw_only=True)
class MiningInput:
    """What reading the history from git needs (no parsing result: it runs beside it)."""

    root: Path
    repository: RepositoryInfo
    paths: frozenset[str]  # the discovered files: history reports only these
    config: HistoryConfig
    jobs: int = 1
    subfolder: bool = False  # the root is a folder inside a larger repository
    # the history cache's folder (None: every commit is read from git)
    cache_dir: Path | None = None
    # pathspec magic left out of the line pass: paths never reported (short globs)
    line_excludes: tuple[str, ...] = ()
    progress: HistoryProgress | None = None
    # leave the history cache's state write to MinedHistory.pending_writes (the mining
    # child makes it once the history is sent); False: written before mining returns
    defer_writes: bool = False


@dataclass(frozen=True)
class MinedHistory:
    """The history as read from git: aggregated commits, ready for the metrics."""

    head: date  # the commit date of the analysed commit
    aggregator: Aggregator
    shallow: bool
    # with MiningInput.defer_writes: the history cache's writes still to make (then it
    # closes the cache); never sent to another process
    pending_writes: Callable[[], None] | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class HistoryInput:
    mining: MiningInput  # what reads git (the repository, its files, the settings)
    facts: Mapping[str, FileFacts]
    component_of: Callable[[str], str]
    # The architecture view (production code by default, roles.py): hotspots, temporal
    # coupling, components and bus factors cover only these files; every file keeps
    # its own history row.
    in_view: Callable[[str], bool] | None = None
    # run_mining's result, when it ran ahead (pipeline.py runs it beside other stages;
    # its warnings are then the caller's); None: run_history reads git itself
    mined: MinedHistory | None = None


class HistoryProgress(Protocol):
    """Commits read out of the total (the total is known once rev-list has run)."""

    def set_total(self, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


def _warning(kind: str, message: str) -> AnalysisWarning:
    return AnalysisWarning("", kind, message)


def _query(config: HistoryConfig, follow_renames: bool, subfolder: bool) -> LogQuery:
    return LogQuery(
        pathspec=(".",) if subfolder else (),
        revision=config.branch,
        all_refs=config.all_refs,
        merges=config.merges,
        since=config.since,
        until=config.until,
        max_commits=config.max_commits,
        follow_renames=follow_renames,
        messages=config.coupling_by == "ticket",
    )


def _team_map_path(root: Path, config: HistoryConfig) -> str | None:
    """Where to read the team map; None when a repository's own configuration names a
    file outside it (absolute, ``..`` or through a link): only the user may do that."""
    path = Path(config.team_map)
    if config.team_map_from_user:
        return str(path if path.is_absolute() else root / path)
    if path.is_absolute():
        return None
    real = os.path.realpath(root / path)
    return real if real.startswith(os.path.realpath(root) + os.sep) else None


def _team_map(root: Path, config: HistoryConfig, warnings: list[AnalysisWarning]) -> dict[str, str]:
    teams = {author: team for team, authors in config.teams.items() for author in authors}
    if not config.team_map:
        return teams
    real = _team_map_path(root, config)
    if real is None:
        warnings.append(_warning("team-map", f"{config.team_map} points outside the repository"))
        return teams
    try:
        with open(real, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("author") and row.get("team"):
                    teams[row["author"]] = row["team"]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        warnings.append(_warning("team-map", f"cannot read team map {config.team_map}: {exc}"))
    return teams


def load_team_map(root: Path, config: HistoryConfig) -> dict[str, str]:
    """author -> team from ``teams`` and ``team_map`` (problems are reported by the history
    stage, which reads the same map)."""
    return _team_map(root, config, [])


def _head_date(root: Path, commit: str) -> date | None:
    """The commit date of ``commit``, a resolved object id (never a configured string)."""
    out = gitio.run_git(root, ["log", "-1", "--format=%ct", commit, "--"], check=False)
    try:
        return date.fromisoformat(iso_date(int(out.strip())))
    except ValueError:
        return None


HEAD_START = 2000  # newest commits streamed by one git process while rev-list runs


@dataclass(frozen=True)
class _NamePlan:
    query: LogQuery
    ids: Future[list[str]]
    head_start: int  # newest commits streamed by one process first; -1: all of them
    degraded: list[str]  # commits read without rename detection


def _commits(data: MiningInput, plan: _NamePlan) -> Iterator[CommitInfo]:
    """The name pass. The newest commits stream from one git process at once (no wait
    for the id list); the rest is split over ``jobs`` processes, in order."""
    query, first = plan.query, plan.head_start
    if first < 0:
        yield from stream_commits(data.root, query)
        return
    if query.max_commits:
        first = min(first, query.max_commits)
    seen = 0
    if first:
        for commit in stream_commits(data.root, replace(query, max_commits=first)):
            seen += 1
            yield commit
        if seen < first:
            return  # the whole history fitted in the head start
    rest = plan.ids.result()[seen:]
    if rest:
        yield from stream_commits_parallel(data.root, rest, query, data.jobs, plan.degraded)


def _new_aggregator(data: MiningInput) -> Aggregator:
    config = data.config
    return Aggregator(
        keep=data.paths.__contains__,
        is_bot=bot_matcher(config.bots + config.extra_bots),
        coupling_by=config.coupling_by,
        window_days=config.window_days,
        ticket=compile_user_regex(config.ticket_pattern),
        coupling=CouplingCounts(config.max_changeset_size, max(config.min_shared_revs, 1)),
    )


def _aggregator(data: MiningInput, plan: _NamePlan) -> Aggregator:
    aggregator = _new_aggregator(data)
    for commit in _commits(data, plan):
        aggregator.add(commit)
    aggregator.finish()
    return aggregator


def _name_pass(
    data: MiningInput, ids: Future[list[str]], warnings: list[AnalysisWarning]
) -> tuple[Aggregator, LogQuery] | None:
    query = _query(data.config, data.config.follow_renames, data.subfolder)
    head_start = HEAD_START if data.jobs > 1 else -1  # one stream when single-core
    plan = _NamePlan(query, ids, head_start, [])
    try:
        aggregator = _aggregator(data, plan)
    except HistoryReadError:
        # Rename detection reads blobs and a partial clone may lack some: start again in
        # chunks, where only the commits that cannot be diffed lose rename detection.
        plan = _NamePlan(query, ids, 0, [])
        try:
            aggregator = _aggregator(data, plan)
        except HistoryReadError as exc:
            warnings.append(_warning("history-unreadable", f"git log failed: {exc}"))
            return None
    _warn_degraded(plan.degraded, warnings)
    return aggregator, query


def _warn_degraded(degraded: list[str], warnings: list[AnalysisWarning]) -> None:
    if degraded:
        warnings.append(
            _warning(
                "history-renames",
                f"renames not detected in {len(degraded)} commit(s) whose objects are "
                f"missing (a partial clone?); e.g. {min(degraded)}",
            )
        )


def _warn_failed(failed: list[str], warnings: list[AnalysisWarning]) -> None:
    if failed:
        warnings.append(
            _warning(
                "history-missing-objects",
                f"line counts unavailable for {len(failed)} commit(s) (objects missing from "
                f"the object store, e.g. a partial clone); e.g. {min(failed)}",
            )
        )


def _line_query(data: MiningInput, query: LogQuery) -> LogQuery:
    return replace(query, pathspec=(*query.pathspec, *data.line_excludes))


def _line_pass(
    data: MiningInput,
    aggregator: Aggregator,
    query: LogQuery,
    ids: list[str],
    warnings: list[AnalysisWarning],
) -> None:
    lines = LineAggregator(aggregator)
    failed: list[str] = []
    base = _line_query(data, query)
    plan = plan_lines(data.root, aggregator.lines, aggregator.index_of, ids, None)
    for chunk in line_changes(data.root, plan.ids, _filtered(base, plan), data.jobs, failed):
        entries: list[incremental.LineEntry | None] = [(c, tuple(f)) for c, f in chunk.items()]
        for entry in _agreed(aggregator, entries, _reread(data, base)):
            if entry is not None:
                lines.add(*entry)
    _warn_failed(failed, warnings)


def _filtered(query: LogQuery, plan: LinePlan) -> LogQuery:
    return replace(query, pathspec=(*query.pathspec, *pathspec(plan.excludes)))


Reread = Callable[[list[str]], list[incremental.LineEntry | None]]


def _agreed(
    aggregator: Aggregator,
    entries: list[incremental.LineEntry | None],
    reread: Reread,
) -> list[incremental.LineEntry | None]:
    """The entries, with each commit whose renames the filtered pass paired unlike the
    name pass diffed again without the filter (the unfiltered numbers, exactly)."""
    needs, index_of = aggregator.lines, aggregator.index_of
    again = [
        entry[0]
        for entry in entries
        if entry is not None and not needs.agrees(index_of.get(entry[0], -1), entry[1])
    ]
    if not again:
        return entries
    fixed = {entry[0]: entry for entry in reread(again) if entry is not None}
    # a commit that cannot be read again keeps its filtered entry: the best there is
    return [fixed.get(entry[0], entry) if entry is not None else None for entry in entries]


def _reread(data: MiningInput, query: LogQuery) -> Reread:
    def reread(ids: list[str]) -> list[incremental.LineEntry | None]:
        unreadable: list[str] = []
        return [
            incremental.line_entry(r) for r in numstat_records(data.root, ids, query, unreadable)
        ]

    return reread


def _cached_passes(
    data: MiningInput, cache_dir: Path, warnings: list[AnalysisWarning]
) -> tuple[Aggregator | None, Callable[[], None] | None]:
    """Both passes through the history cache: git reads only the commits not stored;
    every record is replayed newest first, so renames resolve as in a cold run.
    Returns the aggregate and, with MiningInput.defer_writes, the writes still to make
    (else None)."""
    query = _query(data.config, data.config.follow_renames, data.subfolder)
    line_query = _line_query(data, query)
    ids = commit_ids(data.root, _query(data.config, False, data.subfolder))
    progress = data.progress
    if progress is not None:
        progress.set_total(len(ids) * (2 if data.config.line_counts else 1))
    cached = incremental.open_reader(
        cache_dir, data.root, data.jobs, progress.advance if progress else _ignore
    )
    if data.defer_writes:
        cached.deferred = []
    try:
        aggregator = _replay(data, cached, ids, query, line_query, warnings)
    except BaseException:
        cached.close()
        raise
    if cached.deferred is None:
        cached.close()
    if cached.problem:
        warnings.append(_warning("history-cache", f"history cache {cached.problem}"))
    return aggregator, (cached.flush if cached.deferred is not None else None)


def _ignore(amount: int = 1) -> None:
    return None


def _replay(
    data: MiningInput,
    cached: incremental.CachedReader,
    ids: list[str],
    query: LogQuery,
    line_query: LogQuery,
    warnings: list[AnalysisWarning],
) -> Aggregator | None:
    shape = incremental.shapes(data.root, query, line_query)
    key = _state_key(data, shape)
    if key is not None:
        merged = _from_state(data, cached, key, shape, ids, (query, line_query), warnings)
        if merged is not None:
            return merged
    degraded: list[str] = []
    try:
        names = incremental.read_names(cached, shape.names, ids, query, degraded)
    except HistoryReadError as exc:
        warnings.append(_warning("history-unreadable", f"git log failed: {exc}"))
        return None
    _warn_degraded(degraded, warnings)
    aggregator = _new_aggregator(data)
    for entry in names:
        if entry is not None:
            aggregator.add_entry(*entry)
    del names
    failed: list[str] = []
    if data.config.line_counts:
        plan = _cached_plan(data, cached, shape, aggregator, ids)
        filtered = incremental.filtered_shape(shape.lines, plan.excludes)
        lines = incremental.read_lines(
            cached, filtered, plan.ids, _filtered(line_query, plan), failed
        )

        def reread(again: list[str]) -> list[incremental.LineEntry | None]:
            # stored under the unfiltered shape: a replay does not diff them again
            unreadable: list[str] = []
            return incremental.read_lines(
                cached, shape.lines, again, line_query, unreadable, pack=False
            )

        _add_lines(aggregator, _agreed(aggregator, lines, reread))
        _warn_failed(failed, warnings)
    if key is not None and ids:
        # the state is the aggregate before the pairs are counted: the next run adds to it
        cached.put_state(
            key, ids[0], state.dump_later(aggregator, ids, data.paths, degraded, failed)
        )
    aggregator.finish()
    return aggregator


def _cached_plan(
    data: MiningInput,
    cached: incremental.CachedReader,
    shape: incremental.Shapes,
    aggregator: Aggregator,
    ids: list[str],
) -> LinePlan:
    """The line plan, with the filter the stored records were read with while it is
    still safe (a new filter would make every stored line record a miss)."""
    previous = cached.get_filter(shape.lines)
    plan = plan_lines(data.root, aggregator.lines, aggregator.index_of, ids, previous)
    if plan.excludes != previous:
        cached.put_filter(shape.lines, plan.excludes)
    if data.progress is not None:
        data.progress.advance(len(ids) - len(plan.ids))  # commits with nothing to diff
    return plan


def _add_lines(aggregator: Aggregator, lines: Sequence[incremental.LineEntry | None]) -> None:
    replay = LineAggregator(aggregator)
    for line in lines:
        if line is not None:
            replay.add(line[0], line[1])


def _state_key(data: MiningInput, shape: incremental.Shapes) -> str | None:
    """What a saved state must have been made with: the record shapes and the history
    settings (the branch aside: it is pinned to a commit id, which the ids check covers).
    None when coupling is not by commit (changesets merge across commits: no state)."""
    if data.config.coupling_by != "commit":
        return None
    settings = repr(replace(data.config, branch=""))
    return state.state_key(shape.names, shape.lines, settings)


def _from_state(
    data: MiningInput,
    cached: incremental.CachedReader,
    key: str,
    shape: incremental.Shapes,
    ids: list[str],
    queries: tuple[LogQuery, LogQuery],
    warnings: list[AnalysisWarning],
) -> Aggregator | None:
    """A saved state with the new commits merged in: the replay's aggregate, without
    the replay. None (replay) when no state covers this history and these paths, when a
    new commit renamed a file, or when an unreadable commit can now be read."""
    present = set(ids)
    for tip in cached.state_tips(key):
        blob = cached.get_state(key, tip) if tip in present else None
        if blob is None:
            continue
        saved = state.load(blob, _new_aggregator(data))
        new = saved.covers(ids) if saved is not None else None
        if saved is None or new is None or not saved.fits(data.paths):
            continue
        if not _still_unreadable(data, saved, queries):
            return None
        front = _newer(data, cached, shape, ids[:new], queries)
        if front is None:
            return None
        front.merge_older(saved.aggregate)
        if new:
            later = state.dump_later(front, ids, data.paths, saved.degraded, saved.failed)
            cached.put_state(key, ids[0], later, base=tip)
        else:
            cached.touch_state(key, tip)
        if data.progress is not None:
            data.progress.advance(len(ids) * (2 if data.config.line_counts else 1))
        _warn_degraded(list(saved.degraded), warnings)
        _warn_failed(list(saved.failed), warnings)
        front.finish()
        return front
    return None


def _still_unreadable(
    data: MiningInput, saved: state.SavedState, queries: tuple[LogQuery, LogQuery]
) -> bool:
    """True when the commits the state could not read fully still cannot be (a replay
    reads them again every run too, and would count them now)."""
    query, line_query = queries
    degraded: list[str] = []
    failed: list[str] = []
    try:
        if saved.degraded:
            name_records(data.root, saved.degraded, query, degraded)
        if saved.failed and data.config.line_counts:
            numstat_records(data.root, saved.failed, line_query, failed)
    except HistoryReadError:
        return False
    return sorted(degraded) == list(saved.degraded) and sorted(failed) == list(saved.failed)


def _newer(
    data: MiningInput,
    cached: incremental.CachedReader,
    shape: incremental.Shapes,
    ids: list[str],
    queries: tuple[LogQuery, LogQuery],
) -> Aggregator | None:
    """The aggregate of the commits newer than a state (None: one renamed a file or could
    not be read fully, so the older history must be replayed)."""
    query, line_query = queries
    lost: list[str] = []
    try:
        names = incremental.read_names(cached, shape.names, ids, query, lost, pack=False)
    except HistoryReadError:
        return None
    if lost or any(entry is not None and incremental.renames_in(entry) for entry in names):
        return None
    front = _new_aggregator(data)
    for entry in names:
        if entry is not None:
            front.add_entry(*entry)
    if data.config.line_counts:
        lines = incremental.read_lines(cached, shape.lines, ids, line_query, lost, pack=False)
        if lost:
            return None
        _add_lines(front, lines)
    return front


def _preconditions(data: MiningInput, warnings: list[AnalysisWarning]) -> date | None:
    if not data.repository.is_git:
        warnings.append(_warning("no-history", "not a git repository: no history analysed"))
        return None
    if data.repository.head is None:
        warnings.append(_warning("no-history", "the repository has no commits: no history"))
        return None
    shallow = gitio.run_git(data.root, ["rev-parse", "--is-shallow-repository"], check=False)
    if shallow.strip() == b"true":
        warnings.append(
            _warning("shallow-clone", "shallow clone: history starts at the shallow boundary")
        )
    commit = gitio.resolve_commit(data.root, data.config.branch or "HEAD")
    head = _head_date(data.root, commit) if commit else None
    if head is None:
        warnings.append(
            _warning("no-history", f"cannot read the commit {data.config.branch or 'HEAD'}")
        )
    return head


def _pinned_branch(data: MiningInput) -> MiningInput:
    """The configured branch replaced by the commit id it names: a repository's
    configuration never reaches a git command line as text (``--output=...``)."""
    if not data.config.branch:
        return data
    commit = gitio.resolve_commit(data.root, data.config.branch)
    return replace(data, config=replace(data.config, branch=commit or ""))


def _uncached_passes(data: MiningInput, warnings: list[AnalysisWarning]) -> Aggregator | None:
    # The commit ids (cheap: no diffs) split both passes into chunks for parallel git;
    # they are listed while the name pass already streams the newest commits.
    with ThreadPoolExecutor(max_workers=1) as pool:
        ids = pool.submit(commit_ids, data.root, _query(data.config, False, data.subfolder))
        passed = _name_pass(data, ids, warnings)
        if passed is None:
            return None
        aggregator, query = passed
        if data.config.line_counts:
            _line_pass(data, aggregator, query, ids.result(), warnings)
    return aggregator


def run_mining(data: MiningInput) -> tuple[MinedHistory | None, Sequence[AnalysisWarning]]:
    """The history stage's git half: both passes, aggregated (None: no history)."""
    warnings: list[AnalysisWarning] = []
    head = _preconditions(data, warnings)
    if head is None:
        return None, warnings
    data = _pinned_branch(data)
    pending: Callable[[], None] | None = None
    if data.cache_dir is None:
        aggregator = _uncached_passes(data, warnings)
    else:
        aggregator, pending = _cached_passes(data, data.cache_dir, warnings)
    if aggregator is None:
        if pending is not None:
            pending()
        return None, warnings
    shallow = any(w.kind == "shallow-clone" for w in warnings)
    return MinedHistory(head, aggregator, shallow, pending), warnings


def run_history(data: HistoryInput) -> tuple[HistoryResult | None, Sequence[AnalysisWarning]]:
    warnings: list[AnalysisWarning] = []
    mined = data.mined
    if mined is None:
        mined, found = run_mining(data.mining)
        warnings += found
    if mined is None:
        return None, warnings
    aggregator, head = mined.aggregator, mined.head
    config = data.mining.config
    settings = metrics.MetricSettings(
        knowledge_island_share=config.knowledge_island_share,
        active_days=config.active_days,
        min_revs=config.min_revs,
        min_shared_revs=config.min_shared_revs,
        min_coupling=config.min_coupling,
        max_coupling=config.max_coupling,
    )
    context = metrics.HistoryContext(
        aggregator,
        data.facts,
        data.component_of,
        head,
        config.line_counts,
        settings,
        _team_map(data.mining.root, config, warnings),
    )
    if aggregator.coupling.capped:
        warnings.append(
            _warning(
                "history-coupling-capped",
                f"temporal coupling left out the {aggregator.coupling.capped} largest "
                f"changeset(s): their pairs would pass {PAIR_BUDGET:,} (memory bound; "
                "lower max_changeset_size to choose which)",
            )
        )
    files = metrics.file_histories(context)
    in_view = data.in_view or (lambda path: True)
    viewed = [f for f in files if in_view(f.path)]
    pairs = [
        p for p in metrics.temporal_coupling(context) if in_view(p.entity) and in_view(p.coupled)
    ]
    rows, (factor, owners) = metrics.components(context, viewed, pairs)
    result = HistoryResult(
        head_date=head.isoformat(),
        commits=aggregator.commits,
        bot_commits=aggregator.bot_commits,
        authors=len(aggregator.author_last),
        first_commit_date=iso_date(aggregator.first) if aggregator.first is not None else None,
        last_commit_date=iso_date(aggregator.last) if aggregator.last is not None else None,
        shallow=mined.shallow,
        coupling_by=config.coupling_by,
        line_counts=config.line_counts,
        bus_factor=factor,
        bus_factor_authors=owners,
        files=tuple(files),
        hotspots=tuple(metrics.hotspots(context, viewed)),
        coupling=tuple(pairs),
        components=tuple(rows),
        team_coupling=tuple(metrics.team_coupling(rows)) if context.team_of else (),
        changesets=tuple(aggregator.raw),
    )
    return result, warnings
