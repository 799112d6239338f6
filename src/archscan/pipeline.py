"""The order of the stages: discover -> parse -> roles -> boundaries -> data access ->
resolve -> graph -> metrics -> service links -> history.

Only this module (and the CLI above it) knows the order. Each stage is a function of
records to records; progress is reported through a small callback interface so that
the CLI can draw a progress bar and tests can run silently.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from archscan import digraph, gitio
from archscan.assess.plan import PlanInput, run_extraction_plan
from archscan.assess.rules import default_rules
from archscan.assess.stage import AssessmentInput, run_assessment
from archscan.assess.units import resolve_units
from archscan.boundaries import BoundariesInput, run_boundaries
from archscan.cache import FactsCache, default_cache_dir
from archscan.config import Config
from archscan.contexts.decomposition import Decomposition
from archscan.contexts.stage import ContextsInput, prepare_contexts, run_contexts
from archscan.data_access.stage import DataAccessInput, run_data_access
from archscan.discover import Survey, discover
from archscan.forks import Forked
from archscan.graph import file_graph
from archscan.history.excludes import line_excludes
from archscan.history.forked import ForkedMining
from archscan.history.stage import (
    HistoryInput,
    MinedHistory,
    MiningInput,
    load_team_map,
    run_history,
    run_mining,
)
from archscan.languages import registry
from archscan.languages.base import ResolverSettings
from archscan.links.stage import ServiceLinksInput, run_service_links
from archscan.metrics.structure import measure_structure
from archscan.parse import parse_files
from archscan.records import (
    Analysis,
    AnalysisWarning,
    Boundaries,
    DiscoveryResult,
    FileFacts,
    HistoryResult,
    RepositoryInfo,
    Resolution,
    ServiceLinksResult,
    SourceFile,
    StructureMetrics,
    TeamsResult,
)
from archscan.repocheck import InputError as InputError  # re-exported: callers catch it
from archscan.repocheck import check_repository
from archscan.resolution_cache import open_resolution_cache, read_blobs, resolution_inputs
from archscan.resolve import resolve_all, resolve_tracked
from archscan.roles import RolesInput, RolesResult, run_roles
from archscan.teams import TeamsInput, run_teams


class Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> AbstractContextManager[None]: ...

    def advance(self, amount: int = 1) -> None: ...

    def set_total(self, total: int) -> None: ...


class SilentProgress:
    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        yield

    def advance(self, amount: int = 1) -> None:
        return None

    def set_total(self, total: int) -> None:
        return None


@dataclass(frozen=True)
class RunOptions:
    jobs: int = 0  # 0: one per core
    cache_dir: Path | None = None
    use_cache: bool = True
    history: bool = True  # mine git history (--no-history turns it off)
    contexts: int | None = None  # --contexts K: ask for this many contexts
    decompositions: tuple[Decomposition, ...] = ()  # --decomposition FILE, scored beside ours
    ground_truths: tuple[Decomposition, ...] = ()  # --ground-truth FILE
    cross_scores: bool = False  # score the decompositions against each other (compare)
    # path -> blob id already established from the files' stat (the run cache's lookup):
    # parsing reads only what its cache has no facts for
    known_blobs: Mapping[str, str] = field(default_factory=dict)
    # what the run cache's lookup found of every candidate path (discover.Survey):
    # discovery does not list and check them again
    survey: Survey | None = None


def _repository_info(root: Path) -> RepositoryInfo:
    if not gitio.is_git_repo(root):
        return RepositoryInfo(root=str(root), head=None, branch=None, is_git=False)
    head, branch = gitio.head_info(root)
    return RepositoryInfo(root=str(root), head=head, branch=branch, is_git=True)


def _open_cache(options: RunOptions) -> tuple[FactsCache | None, list[AnalysisWarning]]:
    if not options.use_cache:
        return None, []
    directory = options.cache_dir or default_cache_dir()
    try:
        return FactsCache(directory), []
    except Exception as exc:  # noqa: BLE001 - no cache is slower, not wrong
        return None, [AnalysisWarning("", "cache", f"parse cache unavailable ({exc}); not cached")]


def _stage_cache_dir(options: RunOptions) -> Path | None:
    """Where the per-file caches of the later stages live (None: --no-cache)."""
    return (options.cache_dir or default_cache_dir()) if options.use_cache else None


def _mining_input(
    root: Path,
    repository: RepositoryInfo,
    discovered: DiscoveryResult,
    config: Config,
    options: RunOptions,
    progress: _HistoryProgress | None,
    excludes: bool = True,
) -> MiningInput:
    """``excludes``: compute the line pass's exclude pathspec (0.04 s on saleor), which
    only the process reading git needs."""
    return MiningInput(
        root=root,
        repository=repository,
        paths=frozenset(f.path for f in discovered.files),
        config=config.history,
        jobs=options.jobs or os.cpu_count() or 1,
        subfolder=repository.is_git and _is_subfolder(root),
        cache_dir=_stage_cache_dir(options),
        line_excludes=line_excludes(discovered, config) if excludes else (),
        progress=progress,
    )


def _discovered_mining_input(
    root: Path,
    repository: RepositoryInfo,
    config: Config,
    options: RunOptions,
) -> MiningInput:
    """The mining input as the mining child makes it: after its own discovery, the same
    as this process's (the same files, configuration and known blob ids)."""
    discovered = discover(
        root, config, options.known_blobs, _stage_cache_dir(options), options.survey
    )
    return _mining_input(root, repository, discovered, config, options, None)


def _early_mining(
    root: Path, repository: RepositoryInfo, config: Config, options: RunOptions, jobs: int
) -> ForkedMining | None:
    """The history's git half in a child process (history/forked.py), forked before
    discovery (which the child does itself), the parser's workers and any thread exist;
    None where this process may not fork or has one core (then the thread, later)."""
    if not options.history or jobs <= 1:
        return None
    return ForkedMining.start(partial(_discovered_mining_input, root, repository, config, options))


def start_mining(root: Path, config: Config, options: RunOptions) -> ForkedMining | None:
    """The history's git half, started ahead of :func:`run` and handed to it (its
    ``mining``), for a caller with work of its own first that reads no git: the run
    cache hashing every file of a first run (0.3-0.7 s on saleor, while the second core
    idled and git, the run's longest part, waited). The child's discovery is its own,
    without the blob ids that work establishes (``options.known_blobs`` and ``survey``,
    not known yet): it finds the same files, reading their first bytes itself. None
    where :func:`run` would not fork the child either."""
    root = check_repository(root)
    jobs = options.jobs or os.cpu_count() or 1
    return _early_mining(root, _repository_info(root), config, options, jobs)


def _history(
    mining: MiningInput,
    mined: MinedHistory | None,
    facts: dict[str, FileFacts],
    boundaries: Boundaries,
    roles: RolesResult,
) -> tuple[HistoryResult | None, list[AnalysisWarning]]:
    """Behavioural half: history of the discovered files, by the same boundaries as the
    structure, its rankings on the same architecture view (production code)."""
    if mined is None:
        return None, []
    data = HistoryInput(
        mining=mining,
        facts=facts,
        component_of=boundaries.of,
        in_view=roles.in_view,
        mined=mined,
    )
    result, warnings = run_history(data)
    return result, list(warnings)


class _HistoryProgress:
    """Commits read out of the total, on the pipeline's progress bar (when it has one).
    Mining runs beside other phases: until the history phase opens (:meth:`attach`) its
    counts are kept here, then handed to that phase's bar and forwarded as they come."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._lock = threading.Lock()
        self._live = False
        self._total: int | None = None
        self._done = 0

    def set_total(self, total: int) -> None:
        with self._lock:
            if not self._live:
                self._total = total
                return
            set_total = getattr(self._progress, "set_total", None)
            if set_total is not None:
                set_total(total)

    def advance(self, amount: int = 1) -> None:
        with self._lock:
            if self._live:
                self._progress.advance(amount)
            else:
                self._done += amount

    def attach(self) -> None:
        with self._lock:
            self._live = True
            total, done = self._total, self._done
        if total is not None:
            self.set_total(total)
        if done:
            self.advance(done)


class _Mining:
    """The history's git half in a thread beside the other stages: its name pass while
    the parser's workers run (the main thread only waits then), its line pass (git
    diffing on one core) while data access, resolution and links run on the other.
    Started once the parser has forked its workers (:meth:`start` is parse_files'
    ``forked``): a fork while this thread runs would copy a lock it holds. A daemon
    thread: after Ctrl-C or an error the process exits without waiting for git."""

    def __init__(
        self,
        data: MiningInput,
        child: ForkedMining | None = None,
        excludes: Callable[[], tuple[str, ...]] | None = None,
    ) -> None:
        self.data = data
        # the line excludes, where ``data`` was made without them
        self._excludes = excludes
        self._thread: threading.Thread | None = None
        self._child = child  # mining since before discovery (see _early_mining)
        self._done = threading.Event()
        self._result: tuple[MinedHistory | None, Sequence[AnalysisWarning]] = (None, ())
        self._error: BaseException | None = None

    def start(self) -> None:
        if self._thread is None and self._child is None:
            self._thread = threading.Thread(target=self._mine, name="archscan-history", daemon=True)
            self._thread.start()

    def ready(self) -> bool:
        """Has the history been mined (its result waits to be collected)?"""
        if self._child is not None:
            return self._child.ready()
        return self._done.is_set()

    def join(self) -> None:
        """Wait for the child's work after sending its result (a run that succeeded)."""
        if self._child is not None:
            self._child.join()

    def _mine(self) -> None:
        try:
            data = self.data
            if self._excludes is not None:
                data = replace(data, line_excludes=self._excludes())
            self._result = run_mining(data)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> tuple[MinedHistory | None, list[AnalysisWarning]]:
        if self._child is not None:
            sent = self._child.result(self.data.progress)
            if sent is not None:
                return sent
            self._child = None
            # the child failed (killed, out of memory): read git here, in the thread
        self.start()  # parsing failed before its workers existed: read git now
        self._done.wait()
        if self._error is not None:
            raise self._error
        mined, warnings = self._result
        return mined, list(warnings)


def _resolve(
    root: Path,
    files: tuple[SourceFile, ...],
    discovered: DiscoveryResult,
    facts: dict[str, FileFacts],
    settings: ResolverSettings,
    boundaries: Boundaries,
    options: RunOptions,
) -> Resolution:
    """Resolution, or the stored result of the same inputs (an unchanged re-run)."""
    if not options.use_cache:
        return resolve_all(root, files, facts, settings, boundaries.of)
    store = open_resolution_cache(options.cache_dir or default_cache_dir())
    if store is None:
        return resolve_all(root, files, facts, settings, boundaries.of)
    try:
        # the boundaries scope resolution: their groups and assignment are inputs too
        scope = repr((boundaries.kind, boundaries.groups))
        assignment = repr(sorted(boundaries.assignment.items()))
        base = _quietly(lambda: store.base(str(root)))
        inputs = resolution_inputs(
            files,
            discovered.skipped,
            settings,
            scope,
            facts,
            assignment=assignment,
            known=base.known if base else None,
        )
        found = _quietly(lambda: store.get(inputs.key, files))
        if found is not None:
            return found
        # a miss resolves again only the files whose results the last run cannot give
        previous = _quietly(lambda: store.reusable(str(root), base)) if base else None
        tracked = resolve_tracked(
            root,
            files,
            facts,
            settings,
            boundaries.of,
            parts=inputs.parts,
            context=inputs.context,
            previous=previous,
        )
        reads = read_blobs(files, tracked.reads)
        _quietly(
            lambda: store.put(
                inputs.key,
                tracked.resolution,
                reads,
                root=str(root),
                known=inputs.known,
                reusable=tracked.reusable,
            )
        )
        return tracked.resolution
    finally:
        store.close()


T = TypeVar("T")


def _quietly(action: Callable[[], T]) -> T | None:
    """A cache that fails (locked, full disk, damaged) is a miss, never an error."""
    try:
        return action()
    except sqlite3.Error:
        return None


def _is_subfolder(root: Path) -> bool:
    return bool(gitio.run_git(root, ["rev-parse", "--show-prefix"], check=False).strip())


def _recommendation(root: Path, analysis: Analysis, config: Config) -> Analysis:
    """Teams, the readiness verdict and the extraction plan, over the same units (contexts
    when the contexts stage ran, else the boundaries, else top-level packages)."""
    rules = config.assessment or default_rules()
    units = resolve_units(
        (f.path for f in analysis.structure.files),
        {f.path: f.role for f in analysis.files},
        analysis.view_roles,
        analysis.boundaries,
        analysis.contexts,
        analysis.resolution.dependencies,
    )
    history = analysis.history
    warnings = list(analysis.warnings)
    teams: TeamsResult | None = None
    if history is not None and history.commits:
        teams, found = run_teams(
            TeamsInput(
                changesets=history.changesets,
                head_date=history.head_date,
                units=units,
                files=history.files,
                sloc={path: facts.sloc for path, facts in analysis.facts.items()},
                team_of=load_team_map(root, config.history),
                rules=rules.teams,
            )
        )
        warnings += found
    assessment, found = run_assessment(
        AssessmentInput(
            units=units,
            paths=[f.path for f in analysis.files],
            boundaries=analysis.boundaries,
            dependencies=analysis.resolution.dependencies,
            structure=analysis.structure,
            facts=analysis.facts,
            history=history,
            teams=teams,
            contexts=analysis.contexts,
            data_access=analysis.data_access,
            service_links=analysis.service_links,
            rules=rules,
        )
    )
    warnings += found
    plan, found = run_extraction_plan(
        PlanInput(
            units=units,
            dependencies=analysis.resolution.dependencies,
            facts=analysis.facts,
            history=history,
            teams=teams,
            data_access=analysis.data_access,
            rules=rules.extraction,
        )
    )
    warnings += found
    return replace(
        analysis,
        teams=teams,
        assessment=assessment,
        extraction_plan=plan,
        warnings=tuple(warnings),
    )


@dataclass(frozen=True, kw_only=True)
class MeasureInput:
    """What the structure metrics and the service links need: parsing's and
    resolution's results (no history, no contexts)."""

    root: Path
    graph: digraph.DiGraph[str]
    files: tuple[SourceFile, ...]  # with their roles
    discovered: tuple[SourceFile, ...]  # every discovered file (links scan them all)
    facts: Mapping[str, FileFacts]
    modules: Mapping[str, str]
    boundaries: Boundaries
    in_view: Callable[[str], bool]
    blobs: Mapping[str, str]
    cache_dir: Path | None


@dataclass(frozen=True)
class Measured:
    structure: StructureMetrics
    service_links: ServiceLinksResult
    link_warnings: tuple[AnalysisWarning, ...]


Links = tuple[ServiceLinksResult, tuple[AnalysisWarning, ...]]


def _structure(data: MeasureInput) -> StructureMetrics:
    return measure_structure(
        data.graph,
        data.facts,
        data.modules,
        {f.path: f.language for f in data.files},
        data.boundaries.of,
        bool(data.boundaries.groups),
        data.in_view,
    )


def _links(data: MeasureInput) -> Links:
    links, warnings = run_service_links(
        ServiceLinksInput(
            root=data.root,
            files=data.discovered,
            component_of=data.boundaries.of,
            generated=frozenset(p for p, f in data.facts.items() if f.generated),
            blobs=data.blobs,
            cache_dir=data.cache_dir,
        )
    )
    return links, tuple(warnings)


@dataclass(frozen=True)
class _Parts:
    structure: StructureMetrics | None = None
    links: Links | None = None


def _left(data: MeasureInput, done: _Parts) -> _Parts:
    """The parts ``done`` lacks (what a child computes)."""
    structure = done.structure if done.structure is not None else _structure(data)
    return _Parts(structure, done.links if done.links is not None else _links(data))


class _Measuring:
    """Structure metrics and service links: nothing needs them before the assessment.
    Each part is computed here while the history is still being mined (time this
    thread would spend waiting: most of a cold run's), and what is left in a child
    (forks.py), where it can be, forked once the history has been mined: it then runs
    while this process reads the history and proposes the contexts. Forked sooner,
    beside a mining child still at work, it would take the core that child uses (the
    history arrived 0.1-0.2 s later on saleor's re-run); forked after the history was
    read, as it was until stop 27, the re-run took 2.5% longer (8 alternated rounds)."""

    def __init__(self, data: MeasureInput, jobs: int) -> None:
        self._data, self._jobs = data, jobs
        self._done = _Parts()
        self._child: Forked[_Parts] | None = None

    def while_waiting(self, ready: Callable[[], bool]) -> None:
        # the links first: the shorter part (0.06-0.1 s on saleor's re-run, the
        # structure 0.09-0.14 s), so that a history arriving meanwhile leaves the longer
        # one to the child
        if not ready():
            self._done = replace(self._done, links=_links(self._data))
        if not ready():
            self._done = replace(self._done, structure=_structure(self._data))

    def beside(self) -> None:
        if self._jobs > 1 and (self._done.structure is None or self._done.links is None):
            self._child = Forked.start(partial(_left, self._data, self._done))

    def result(self) -> Measured:
        """Both parts (computed here when there is no child or it failed)."""
        if self._child is not None:
            sent, parts = self._child.result()
            self._child = None
            if sent and parts is not None:
                self._done = parts
        parts = _left(self._data, self._done)
        assert parts.structure is not None and parts.links is not None
        return Measured(parts.structure, parts.links[0], parts.links[1])

    def stop(self) -> None:
        if self._child is not None:
            self._child.stop()


def run(
    root: Path,
    config: Config,
    options: RunOptions | None = None,
    progress: Progress | None = None,
    started: ForkedMining | None = None,
) -> Analysis:
    """The analysis of ``root``; ``started``: the history's child from
    :func:`start_mining`, which this run then owns (stopped however it ends)."""
    options = options or RunOptions()
    progress = progress or SilentProgress()
    early = started
    mining: _Mining | None = None
    measuring: _Measuring | None = None
    try:
        root = check_repository(root)
        repository = _repository_info(root)
        jobs = options.jobs or os.cpu_count() or 1
        if early is None:
            early = _early_mining(root, repository, config, options, jobs)
        with progress.phase("Discovering files"):
            discovered = discover(
                root, config, options.known_blobs, _stage_cache_dir(options), options.survey
            )
        cache, warnings = _open_cache(options)
        warnings = list(config.warnings) + list(discovered.warnings) + warnings
        if repository.is_git and repository.head is None:
            warnings.append(
                AnalysisWarning("", "empty-repository", "the repository has no commits")
            )
        if not discovered.files:
            warnings.append(AnalysisWarning("", "no-files", "no source files found to analyse"))
        parseable = [f for f in discovered.files if f.language is not None]
        history_progress = _HistoryProgress(progress)
        if options.history:
            # the line excludes are computed where git is read: by a mining child for its
            # own input, else by the thread that mines here
            data = _mining_input(
                root, repository, discovered, config, options, history_progress, False
            )
            mining = _Mining(data, early, partial(line_excludes, discovered, config))
        with progress.phase("Parsing", total=len(parseable)):
            parsed = parse_files(
                root,
                discovered.files,
                cache,
                jobs,
                progress.advance,
                forked=mining.start if mining is not None else None,
                known=options.known_blobs,
            )
        if cache:
            cache.close()
            warnings += cache.warnings  # a damaged cache that was rebuilt
        roles, role_warnings = run_roles(
            RolesInput(
                root=root,
                files=parsed.files,
                facts=parsed.facts,
                config=config.roles,
                cache_dir=_stage_cache_dir(options),
            )
        )
        files = roles.files
        boundaries, boundary_warnings = run_boundaries(
            BoundariesInput(root=root, files=files, components=config.components)
        )
        warnings += list(role_warnings) + list(boundary_warnings)
        blobs = {f.path: f.blob_id for f in parsed.files}  # the content parsing read
        settings = ResolverSettings(python_source_roots=config.python.source_roots)
        with progress.phase("Resolving dependencies"):
            resolution = _resolve(
                root, files, discovered, parsed.facts, settings, boundaries, options
            )
        nodes = [f.path for f in files if registry.has_plugin(f.language)]
        graph = file_graph(nodes, resolution.dependencies)
        measuring = _Measuring(
            MeasureInput(
                root=root,
                graph=graph,
                files=files,
                discovered=discovered.files,
                facts=parsed.facts,
                modules=resolution.modules,
                boundaries=boundaries,
                in_view=roles.in_view,
                blobs=blobs,
                cache_dir=_stage_cache_dir(options),
            ),
            jobs,
        )
        with progress.phase("Reading data access"):
            data_access, data_warnings = run_data_access(
                DataAccessInput(
                    root=root,
                    files=discovered.files,
                    blobs=blobs,
                    cache_dir=_stage_cache_dir(options),
                )
            )
        warnings += list(parsed.warnings) + list(resolution.warnings) + list(data_warnings)
        contexts_input = ContextsInput(
            files=files,
            facts=parsed.facts,
            graph=graph,
            modules=resolution.modules,
            config=config.contexts,
            data_access=data_access,
            root=root,
            requested=options.contexts,
            jobs=jobs,
            decompositions=options.decompositions,
            ground_truths=options.ground_truths,
            cross_scores=options.cross_scores,
            cache_dir=_stage_cache_dir(options),
        )
        with progress.phase("Preparing context signals"):
            # every signal but co-change, while git may still be read in the mining child
            prepared = prepare_contexts(contexts_input)
        later: list[AnalysisWarning] = []  # after the links' warnings, as they ran before
        history = None
        if mining is not None:
            with progress.phase("Measuring structure and linking services"):
                measuring.while_waiting(mining.ready)
        measuring.beside()
        if mining is not None:
            with progress.phase("Mining git history"):
                history_progress.attach()
                mined, history_warnings = mining.result()
                history, found = _history(mining.data, mined, parsed.facts, boundaries, roles)
            later += history_warnings + found
        with progress.phase("Proposing bounded contexts"):
            contexts, context_warnings = run_contexts(
                replace(contexts_input, history=history, prepared=prepared)
            )
        later += context_warnings
        with progress.phase("Waiting for structure and links"):
            measured = measuring.result()
        warnings += list(measured.link_warnings) + later
        analysis = Analysis(
            repository=repository,
            components=boundaries.components(),
            files=files,
            skipped=discovered.skipped,
            facts=parsed.facts,
            resolution=resolution,
            structure=measured.structure,
            warnings=tuple(warnings),
            history=history,
            contexts=contexts,
            boundaries=boundaries,
            view_roles=roles.architecture,
            data_access=data_access,
            service_links=measured.service_links,
        )
        # after history, data access, service links and contexts: the verdict reads them all
        with progress.phase("Assessing"):
            assessed = _recommendation(root, analysis, config)
        if mining is not None:
            mining.join()
        return assessed
    finally:
        if early is not None:
            early.stop()  # mining.stop() too: the same child
        if measuring is not None:
            measuring.stop()
