"""Typed, immutable records that flow between the pipeline stages.

Every stage takes records and returns new ones; nothing here has behaviour beyond
small derived properties, so the records can be pickled into the parse cache and
sent across process boundaries. (One exception, invisible to readers: a FileFacts the
parse cache's base gives unpickles its imports and definitions when first read, see
``PACKED_FIELDS``.)
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields

from archscan.globs import matches


@dataclass(frozen=True)
class AnalysisWarning:
    """Something the user should know about; never fatal to the analysis."""

    path: str
    kind: str
    message: str


@dataclass(frozen=True)
class SourceFile:
    """One file of the analysed repository, as discovery found it."""

    path: str  # repo-relative POSIX path
    language: str | None  # plugin name, or None for files no plugin parses
    size: int
    blob_id: str = ""  # git blob sha1 of the content analysed (filled when read)
    role: str = "production"  # one of FILE_ROLES (set by the roles stage, roles.py)


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str  # e.g. "vendored", "binary", "too-large", "symlink-outside"


@dataclass(frozen=True)
class Import:
    """One import-like statement, as written in the source (unresolved).

    ``target`` is the language-native spelling: a dotted module for Python/Java,
    a path or package specifier for JS/TS, an import path for Go, ...
    ``names`` are the imported names for ``from x import a, b`` style imports.
    ``level`` is the number of leading dots of a Python relative import.
    """

    target: str
    line: int
    kind: str = "import"  # import | from | require | dynamic | include | use | reference
    names: tuple[str, ...] = ()
    level: int = 0
    type_checking: bool = False  # inside `if TYPE_CHECKING:` or a type-only import
    local: bool = False  # inside a function/method body (deferred import)


@dataclass(frozen=True)
class Definition:
    """A top-level (or nested type) definition."""

    name: str
    kind: str  # class | function | interface | enum | struct | trait | ...
    line: int
    abstract: bool = False


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    line: int
    end_line: int
    complexity: int  # cyclomatic complexity, 1 + decision points


@dataclass(frozen=True)
class FileFacts:
    """What parsing learned about one file. Pure function of (path, bytes)."""

    path: str
    language: str
    sloc: int
    imports: tuple[Import, ...] = ()
    definitions: tuple[Definition, ...] = ()
    functions: tuple[FunctionInfo, ...] = ()
    namespace: str = ""  # package / namespace declared in the file (Java, C#, Go, PHP)
    references: tuple[str, ...] = ()  # identifiers used as types (same-package resolution)
    errors: tuple[str, ...] = ()  # parse problems (syntax errors tree-sitter recovered from)
    generated: str = ""  # why the file looks machine-generated ("" when it does not)
    # Names of the methods the file calls on an object (`x.Name(...)`, `x?.Name<T>(...)`):
    # C# resolves extension methods (definitions of kind "extension-method") with them.
    member_calls: tuple[str, ...] = ()

    @property
    def complexity(self) -> int:
        """File complexity: sum of function complexities (1 when there are none)."""
        return sum(f.complexity for f in self.functions) or 1

    @property
    def max_complexity(self) -> int:
        return max((f.complexity for f in self.functions), default=1)


# --- FileFacts as the parse cache's base stores them (cache.py) ----------------------
# A re-run reads ~4,400 FileFacts from the base and builds every record nested in them
# (saleor: 26,000 imports, 21,000 definitions, 22,000 functions): 0.087 CPU-s, nearly
# all of it object construction. Yet a re-run reads the definitions of no unchanged file
# and the imports of a quarter of them (the contexts' deferred lines; resolution is
# stored): the base keeps those two fields pickled, per file, and a FileFacts read from
# it unpickles one on first read. Every other field, and every FileFacts built any other
# way, is an ordinary attribute (the descriptor below is not consulted: an instance's
# own value comes first).
PACKED_FIELDS = ("imports", "definitions")


def packed_key(name: str) -> str:
    """Where a base's FileFacts holds the pickled ``name`` field until it is read."""
    return _PACKED_KEYS[name]


# One string object each (and the language below interned): the base's pickle then
# writes each once, where per-file strings were 13,000 of its 43,000 (saleor).
_PACKED_KEYS = {name: sys.intern(f"_packed_{name}") for name in PACKED_FIELDS}


class _Unpacked:
    """Reads a packed field: unpickles it, keeps the value as the instance's own (so it
    is unpickled once) and drops the packed bytes. A FileFacts is unpickled from the
    base as pickle builds every record (``__new__``, then its state), not through
    ``__init__``, which only assigns the fields (no ``__post_init__``, no checks): the
    packed value is the field's own, pickled by the cache, and is equal to it unpacked.
    A FileFacts pickled while a field is packed pickles the packed bytes and unpickles
    into an equal FileFacts."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._key = packed_key(name)

    def __get__(self, facts: object, owner: type | None = None) -> object:
        if facts is None:
            return ()  # the field's default, as the class attribute was
        state = facts.__dict__
        packed = state.get(self._key)
        if packed is None:  # unpacked meanwhile by another thread
            return state[self._name]
        value = pickle.loads(packed)
        state[self._name] = value
        state.pop(self._key, None)
        return value


for _name in PACKED_FIELDS:
    setattr(FileFacts, _name, _Unpacked(_name))


def packed_state(facts: FileFacts) -> dict[str, object]:
    """The state the base pickles for ``facts``: its fields in order, the packed ones
    pickled (what is still packed stays so; an empty one is stored as it is)."""
    state = facts.__dict__
    out: dict[str, object] = {}
    for name in _FIELD_NAMES:
        if name == "language":
            out[name] = sys.intern(state[name])
        elif name not in PACKED_FIELDS:
            out[name] = state[name]
        elif (packed := state.get(packed_key(name))) is not None:
            out[packed_key(name)] = packed
        elif state[name]:
            out[packed_key(name)] = pickle.dumps(state[name], protocol=pickle.HIGHEST_PROTOCOL)
        else:
            out[name] = state[name]
    return out


_FIELD_NAMES = tuple(f.name for f in fields(FileFacts))


@dataclass(frozen=True)
class Dependency:
    """A resolved dependency between two files of the repository."""

    source: str
    target: str
    kind: str = "import"
    lines: tuple[int, ...] = ()
    type_only: bool = False
    # Every statement establishing it is deferred (inside a function body): not an
    # import-time edge. Set by resolve.py from the imports on the dependency's lines.
    local: bool = False


@dataclass(frozen=True)
class ExternalDependency:
    source: str
    package: str


@dataclass(frozen=True)
class Resolution:
    """What resolving all files produced."""

    modules: dict[str, str]  # path -> language-native module name
    dependencies: tuple[Dependency, ...]
    external: tuple[ExternalDependency, ...]
    warnings: tuple[AnalysisWarning, ...] = ()


@dataclass(frozen=True)
class FileMetrics:
    path: str
    language: str | None
    module: str
    component: str
    sloc: int
    complexity: int
    max_complexity: int
    functions: int
    fan_in: int
    fan_out: int


@dataclass(frozen=True)
class ComponentMetrics:
    name: str
    kind: str  # "package" (directory) or "component" (configured)
    files: int
    sloc: int
    ca: int  # afferent: outside files depending on files of this component
    ce: int  # efferent: outside files this component depends on
    instability: float
    abstractness: float
    distance: float
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cycle:
    members: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]  # edges inside the SCC (the ones closing it)
    level: str = "file"  # file | package | component
    edge_set: str = "runtime"  # runtime (import-time: not type-only, not local) | all


@dataclass(frozen=True)
class StructureMetrics:
    files: tuple[FileMetrics, ...]
    packages: tuple[ComponentMetrics, ...]
    components: tuple[ComponentMetrics, ...]
    cycles: tuple[Cycle, ...]
    propagation_cost: float  # on the runtime (import-time) edges, the default
    propagation_cost_with_self: float
    # The same on every edge (type-only and deferred imports included).
    propagation_cost_all: float = 0.0
    propagation_cost_all_with_self: float = 0.0


@dataclass(frozen=True)
class RepositoryInfo:
    root: str
    head: str | None
    branch: str | None
    is_git: bool


@dataclass(frozen=True)
class DiscoveryResult:
    files: tuple[SourceFile, ...]
    skipped: tuple[SkippedFile, ...]
    warnings: tuple[AnalysisWarning, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """Everything a report needs; what archscan.json serialises."""

    repository: RepositoryInfo
    components: dict[str, tuple[str, ...]]  # configured component -> globs
    files: tuple[SourceFile, ...]
    skipped: tuple[SkippedFile, ...]
    facts: dict[str, FileFacts]
    resolution: Resolution
    structure: StructureMetrics
    warnings: tuple[AnalysisWarning, ...]
    history: HistoryResult | None = None
    boundaries: Boundaries | None = None  # the components every view uses
    view_roles: tuple[str, ...] = ("production",)  # roles the architecture views cover
    data_access: DataAccessResult | None = None
    service_links: ServiceLinksResult | None = None
    contexts: ContextsResult | None = None
    teams: TeamsResult | None = None
    assessment: AssessmentResult | None = None
    extraction_plan: ExtractionPlan | None = None


# --- history (git history mining) -------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """One file of one commit, as the history reader saw it."""

    path: str  # the path in that commit
    status: str = "M"  # A | M | D | R (rename) | T | ...
    old_path: str = ""  # the previous path of a rename
    added: int = 0  # lines; binary files count 0
    deleted: int = 0


@dataclass(frozen=True)
class CommitInfo:
    """One commit from ``git log`` (merges are left out by default)."""

    id: str
    author: str  # .mailmap applied
    email: str
    timestamp: int  # author date, seconds since the epoch
    message: str = ""
    files: tuple[FileChange, ...] = ()


@dataclass(frozen=True)
class FileHistory:
    """What the history says about one file that exists at HEAD (renames followed)."""

    path: str
    component: str
    revisions: int
    added: int
    deleted: int
    authors: int
    main_developer: str | None  # most lines added
    ownership: float  # main developer's share of the lines added (0..1)
    first_change: str  # ISO date
    last_change: str
    age_months: int  # whole months from the last change to the HEAD commit date
    knowledge_island: bool  # one active author owns >= the configured share
    soc: int  # sum of coupling: co-changed files over all its commits


@dataclass(frozen=True)
class Hotspot:
    """Change frequency x complexity."""

    path: str
    component: str
    revisions: int
    complexity: int
    sloc: int
    score: int  # revisions * complexity
    rank: int


@dataclass(frozen=True)
class TemporalCoupling:
    """Two files that change together (code-maat's degree definition)."""

    entity: str
    coupled: str
    degree: int  # truncated 100 * shared / average revisions
    shared: int
    revisions_entity: int
    revisions_coupled: int
    average_revisions: int  # rounded up
    component_entity: str
    component_coupled: str
    cross_boundary: bool


@dataclass(frozen=True)
class ComponentHistory:
    name: str
    files: int
    revisions: int  # sum over its files
    added: int
    deleted: int
    authors: int
    bus_factor: int  # smallest number of authors owning more than half of its code
    bus_factor_authors: tuple[str, ...]
    knowledge_islands: int
    soc: int
    cross_boundary_pairs: int
    cross_boundary_shared: int
    teams: tuple[tuple[str, int], ...] = ()  # (team, commits) when a team map is set


@dataclass(frozen=True)
class TeamCoupling:
    """Two teams that change the same components (Conway's law view)."""

    team_a: str
    team_b: str
    shared_components: tuple[str, ...]


@dataclass(frozen=True)
class HistoryResult:
    head_date: str  # the HEAD commit date: "now" for code age
    commits: int  # commits analysed (bots and merges left out)
    bot_commits: int
    authors: int
    first_commit_date: str | None
    last_commit_date: str | None
    shallow: bool
    coupling_by: str  # commit | author-day | window | ticket
    line_counts: bool  # False when churn was not computed
    bus_factor: int
    bus_factor_authors: tuple[str, ...]
    files: tuple[FileHistory, ...] = ()
    hotspots: tuple[Hotspot, ...] = ()
    coupling: tuple[TemporalCoupling, ...] = ()
    components: tuple[ComponentHistory, ...] = ()
    team_coupling: tuple[TeamCoupling, ...] = ()
    changesets: tuple[Changeset, ...] = ()  # internal: raw co-change, not in the JSON


@dataclass(frozen=True)
class Changeset:
    """One human commit's files that exist at HEAD (renames followed to their HEAD names):
    the raw co-change the contexts and teams stages weight themselves, instead of
    code-maat's thresholded pairs. Internal: passed between stages, not in the JSON."""

    commit: str
    author: str
    timestamp: int
    files: tuple[str, ...]

    def __reduce__(self) -> tuple[type[Changeset], tuple[str, str, int, tuple[str, ...]]]:
        # by its values: the mining child sends ~19,000 of these (saleor); rebuilt from
        # their state dicts they took 0.055 s to load, from tuples 0.016 s
        return Changeset, (self.commit, self.author, self.timestamp, self.files)


# --- contracts between the assessment stages ----------------------------------------
# Each record below is produced by one stage and read by later ones (contexts ->
# assessment -> report). The stages own the logic; the shapes live here so that every
# stage and reporter agrees on them. Fields may be added; renaming one changes the JSON.

FILE_ROLES = (
    "production",
    "test",
    "migration",
    "generated",
    "vendored",
    "build",
    "config",
    "docs",
    "data",
)


@dataclass(frozen=True)
class TableAccess:
    """One table (or entity collection) and the files that declare, read and write it."""

    name: str  # the table name as the database knows it (lower-cased)
    entities: tuple[str, ...] = ()  # model/entity classes mapped to it
    declared_in: tuple[str, ...] = ()  # files declaring it (model, migration, schema)
    readers: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # tables it points to by foreign key


@dataclass(frozen=True)
class DataAccessResult:
    tables: tuple[TableAccess, ...] = ()
    sql_statements: int = 0  # SQL strings/statements parsed
    sql_unparsed: int = 0  # SQL-looking strings the SQL parser rejected (skipped)


@dataclass(frozen=True)
class ServiceLink:
    """A run-time link between two deployables (or seams of one)."""

    source: str  # component (boundary) name of the caller / publisher
    target: str  # component name of the callee / consumer, or the topic/host when unknown
    kind: str  # grpc | http | topic | depends-on | ...
    name: str  # the service, topic, queue or host named
    evidence: tuple[tuple[str, int], ...] = ()  # (path, line) where it is established


@dataclass(frozen=True)
class ServiceLinksResult:
    services: tuple[str, ...] = ()
    links: tuple[ServiceLink, ...] = ()


@dataclass(frozen=True)
class ContextInterface:
    """A file of a context that other contexts use, with the symbols they use."""

    path: str
    symbols: tuple[str, ...]
    uses: int  # dependencies from other contexts onto this file


@dataclass(frozen=True)
class BoundedContext:
    """A candidate bounded context proposed by clustering."""

    id: str
    name: str
    files: tuple[str, ...]
    sloc: int
    cohesion: float  # share of its members' edge weight that stays inside it
    confidence: float  # 0..1: how stably its files stay together across seeds/resolutions
    interface: tuple[ContextInterface, ...] = ()
    owners: tuple[tuple[str, float], ...] = ()  # (author, share of its commits), top first
    hotspots: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()  # test files attached to it
    packages: tuple[str, ...] = ()  # packages (folders) it spans, largest first
    platform: bool = False  # the shared bootstrap/configuration context
    # where it cuts across packages: each signal's share of the weight tying its files in
    # different packages together (which edges pulled it together)
    cross_package: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class ContextEdge:
    source: str  # context id
    target: str
    dependencies: int  # file edges source -> target
    by_kind: tuple[tuple[str, int], ...] = ()
    co_change: float = 0.0  # weighted co-change between the two contexts


@dataclass(frozen=True)
class DecompositionQuality:
    """Quality of one decomposition (definitions in docs/contexts.md, from shared notes)."""

    partitions: int
    modularity: float
    structural_modularity: float
    icp: float
    ifn: float
    ned: float
    turbomq: float
    co_change_crossing: float | None = None  # None without history
    name: str = "archscan"  # "archscan" for the proposal, else the decomposition file
    members: int = 0  # files the metrics were computed over
    turbomq_normalised: float = 0.0  # 100 * TurboMQ / K


@dataclass(frozen=True)
class GroundTruthScore:
    """How close a decomposition comes to a ground truth (MoJoFM and c2c, in percent)."""

    decomposition: str  # "archscan" or the decomposition file
    ground_truth: str  # the ground-truth file
    members: int  # ground-truth members found in the repository
    mojofm: float
    c2c_50: float
    c2c_33: float
    c2c_10: float
    unknown: tuple[str, ...] = ()  # ground-truth members matching no file


@dataclass(frozen=True)
class ContextsResult:
    contexts: tuple[BoundedContext, ...]
    edges: tuple[ContextEdge, ...]
    quality: DecompositionQuality
    signals: tuple[str, ...]  # the signals that were available and used
    resolution: float = 0.0  # the Leiden resolution chosen (0 when not clustered)
    requested: int | None = None  # --contexts K
    decompositions: tuple[DecompositionQuality, ...] = ()  # --decomposition FILE (compare)
    scores: tuple[GroundTruthScore, ...] = ()  # vs --ground-truth FILE (and each other)


# --- team structure, readiness verdict, extraction plan (teams.py, assess/) --------


@dataclass(frozen=True)
class TeamGroup:
    """Authors who change the same parts of the code (or one team of the team map)."""

    id: str
    name: str
    authors: tuple[str, ...]
    commits: int  # their commits in the window
    focus: tuple[tuple[str, int], ...] = ()  # (unit, commits), most first


@dataclass(frozen=True)
class AuthorSpan:
    """One active author: how many units their work spans (coordination cost)."""

    name: str
    commits: int
    group: str  # group id, "" for occasional contributors
    units: int  # units touched
    effective_units: float  # exp(Shannon entropy) of their commits over units
    coordination: bool  # spans at least the configured number of effective units


@dataclass(frozen=True)
class UnitTeams:
    """How one unit's changes split across author groups, and who holds its knowledge."""

    name: str
    commits: int  # commits in the window touching it
    groups: tuple[tuple[str, int], ...]  # (group id, commits), most first
    dominant_group: str | None
    alignment: float | None  # dominant group's share of its commits (None: no commits)
    authors: int  # active authors touching it
    bus_factor: int  # whole history, ownership by commits
    bus_factor_authors: tuple[str, ...]
    knowledge_islands: int
    owners: tuple[tuple[str, float], ...] = ()  # (author, share of its file changes), top 5


@dataclass(frozen=True)
class TeamsResult:
    window_days: int
    since: str  # ISO date: start of the window (HEAD date - window_days)
    unit_kind: str  # context | component | package
    source: str  # clustering | team-map
    active_contributors: int
    core_contributors: int  # fewest authors making core_share of the window's commits
    core_share: float
    groups: tuple[TeamGroup, ...]
    authors: tuple[AuthorSpan, ...]
    units: tuple[UnitTeams, ...]
    alignment: float | None  # commit-weighted mean of the units' alignment
    coordination_authors: tuple[str, ...]


@dataclass(frozen=True)
class Signal:
    """One piece of evidence for the verdict (definitions in docs/assessment.md)."""

    id: str
    name: str
    group: str  # pressure | readiness | distribution
    value: float | None  # None when unavailable
    threshold: float
    direction: str  # split-above | split-below: which side of the threshold favours a split
    weight: float
    score: float  # -1 (favours staying together) .. +1 (favours a split); 0 when unavailable
    available: bool
    source: str  # where the figure comes from (stage and reference)
    reason: str  # one line, for the report


@dataclass(frozen=True)
class AssessmentWarningDetail:
    id: str  # distributed-monolith
    reason: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceAgainst:
    signal: str
    weight: float  # weight x |score| of the contrary signal
    reason: str


@dataclass(frozen=True)
class AssessmentResult:
    verdict: str
    basis: str  # the rule that decided, in words
    confidence: float
    unit_kind: str
    pressure: float  # weighted mean score of the pressure signals (-1..1)
    readiness: float
    distribution: float
    coverage: float  # available weight / total weight
    signals: tuple[Signal, ...]
    warnings: tuple[str, ...]
    warning_details: tuple[AssessmentWarningDetail, ...]
    evidence_against: tuple[EvidenceAgainst, ...]
    rules: str  # where the thresholds came from


@dataclass(frozen=True)
class CrossingDependency:
    """A file edge between a candidate and the rest, with its import lines."""

    source: str
    target: str
    unit: str  # the other side's unit
    lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class TableMigration:
    name: str
    strategy: str  # database-per-service | shared-schema-partitioned | event-synchronisation
    reason: str


@dataclass(frozen=True)
class ExtractionCandidate:
    rank: int
    unit: str
    wave: int
    score: float
    files: int
    sloc: int
    internal_edges: int
    incoming: int  # file edges from the rest into it (callers to re-point)
    outgoing: int  # file edges from it into the rest (what the ACL translates)
    interface: int  # files of it used from outside
    dependents: tuple[str, ...]  # units depending on it
    depends_on: tuple[str, ...]
    commits: int
    hotspots: int  # files of it among the top hotspots
    bus_factor: int
    shared_tables: int
    factors: tuple[tuple[str, float], ...]  # (factor, 0..1) that make up the score
    acl: tuple[CrossingDependency, ...]  # outgoing dependencies, capped
    acl_total: int
    cut: tuple[CrossingDependency, ...]  # the minimum edge cut (both directions)
    cut_size: int
    crossing_edges: int
    move_files: tuple[str, ...]  # files of the rest that go with it in the minimum cut
    tables: tuple[TableMigration, ...]
    owners: tuple[tuple[str, float], ...]
    teams: tuple[str, ...]
    first_step: str


@dataclass(frozen=True)
class ExtractionWave:
    wave: int
    units: tuple[str, ...]


@dataclass(frozen=True)
class ExtractionPlan:
    unit_kind: str
    data_available: bool
    history_available: bool
    candidates: tuple[ExtractionCandidate, ...]
    waves: tuple[ExtractionWave, ...]
    kept: tuple[str, ...]  # units staying in the monolith (core, or scoring below the minimum)
    core: tuple[str, ...] = ()  # units holding most of the code: what the others leave


# --- boundaries (boundaries.py) -----------------------------------------------------

BOUNDARY_KINDS = ("configured", "deployables", "packages")


@dataclass(frozen=True)
class BoundaryGroup:
    """One boundary: a configured component, a detected deployable/build unit, or a
    top-level source package."""

    name: str
    kind: str  # configured | maven | gradle | csproj | npm | go-module | python | django-app
    # | rails-engine | dockerfile | compose-service | package
    root: str  # the folder it owns ("." the repository root; "" for configured globs)
    patterns: tuple[str, ...]  # globs of its files (first matching group wins, in order)
    evidence: tuple[str, ...] = ()  # files that establish it (build files, manifests)
    services: tuple[str, ...] = ()  # docker-compose / Kubernetes names deploying it


@dataclass(frozen=True)
class Boundaries:
    """The one answer to "which boundary is this file in", used for every component
    in the JSON, every cross-boundary flag and to scope import resolution."""

    kind: str  # one of BOUNDARY_KINDS
    groups: tuple[BoundaryGroup, ...]  # in matching order (deeper roots first)
    assignment: Mapping[str, str]  # path -> group name, for every discovered file

    def of(self, path: str) -> str:
        """The boundary of a path ("(unassigned)" outside every group)."""
        found = self.assignment.get(path)
        if found is not None:
            return found
        for group in self.groups:  # a path that was not discovered (history, renames)
            if _in_group(path, group):
                return group.name
        return "(unassigned)"

    def components(self) -> dict[str, tuple[str, ...]]:
        """name -> globs, in matching order (the shape `Analysis.components` has)."""
        return {g.name: g.patterns for g in self.groups}


def _in_group(path: str, group: BoundaryGroup) -> bool:
    if group.root:
        return group.root == "." or path.startswith(group.root + "/")
    return matches(path, group.patterns) is not None
