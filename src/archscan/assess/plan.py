"""The strangler-fig extraction plan: units ranked by how cleanly and usefully they come
out, grouped into waves, each with what blocks the cut.

Per candidate: the dependencies an anti-corruption layer must translate (its outgoing file
edges, with lines), the minimum edge cut that sets it loose (see ``minimum_cut``), the tables
to migrate with a strategy, its owners and a first step. Definitions: docs/assessment.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from archscan import digraph
from archscan.assess.rules import ExtractionRule
from archscan.assess.units import ROOT_UNIT, Units
from archscan.records import (
    AnalysisWarning,
    CrossingDependency,
    DataAccessResult,
    Dependency,
    ExtractionCandidate,
    ExtractionPlan,
    ExtractionWave,
    FileFacts,
    HistoryResult,
    TableAccess,
    TableMigration,
    TeamsResult,
)

DB_PER_SERVICE = "database-per-service"
PARTITIONED = "shared-schema-partitioned"
EVENTS = "event-synchronisation"
_SOURCE, _SINK = "\0candidate", "\0rest"
_SCALE = 1000  # capacity per file edge; moving a file costs 1 (prefer cuts without moves)


@dataclass(frozen=True, kw_only=True)
class PlanInput:
    units: Units
    dependencies: Sequence[Dependency]
    facts: Mapping[str, FileFacts]
    history: HistoryResult | None
    teams: TeamsResult | None
    data_access: DataAccessResult | None
    rules: ExtractionRule


@dataclass
class _Edges:
    """The file edges of the production graph, by unit and by file."""

    internal: Counter[str]
    outgoing: dict[str, list[Dependency]]
    incoming: dict[str, list[Dependency]]
    by_file: dict[str, list[Dependency]]  # every edge, under both of its files


def _edges(units: Units, dependencies: Sequence[Dependency]) -> _Edges:
    edges = _Edges(Counter(), defaultdict(list), defaultdict(list), defaultdict(list))
    for dep in dependencies:
        a, b = units.of.get(dep.source), units.of.get(dep.target)
        if a is None or b is None or dep.source == dep.target:
            continue
        edges.by_file[dep.source].append(dep)
        edges.by_file[dep.target].append(dep)
        if a == b:
            edges.internal[a] += 1
        else:
            edges.outgoing[a].append(dep)
            edges.incoming[b].append(dep)
    return edges


def _crossing(dep: Dependency, inside: set[str], units: Units) -> CrossingDependency:
    """The dependency, labelled with the unit of its end outside ``inside``."""
    outside = dep.target if dep.source in inside else dep.source
    return CrossingDependency(dep.source, dep.target, units.of[outside], dep.lines)


def _order(dep: CrossingDependency) -> tuple[str, str, str]:
    return (dep.unit, dep.source, dep.target)


@dataclass(frozen=True)
class Cut:
    edges: tuple[CrossingDependency, ...]
    moved: tuple[str, ...]


def minimum_cut(members: Sequence[str], units: Units, edges: _Edges) -> Cut:
    """The fewest file edges whose removal disconnects the unit from the rest, where files
    of the rest that touch it may move with it (a helper only it uses goes along).

    Undirected (an edge in either direction ties the two sides together) max-flow min-cut on
    a condensed graph: the unit's files are one source node, the rest's files that do not
    touch it one sink node, the rest's boundary files stay individual nodes. Each file edge
    has capacity 1000 and moving a file costs 1, so a move is chosen only when it saves an
    edge; without moves the cut is every crossing edge.
    """
    unit_files = set(members)
    # by identity: hashing the frozen records field by field is the cost on large graphs
    touching = {id(d): d for f in members for d in edges.by_file.get(f, ())}
    crossing = [
        d for d in touching.values() if (d.source in unit_files) != (d.target in unit_files)
    ]
    if not crossing:
        return Cut((), ())
    boundary = sorted({d.target if d.source in unit_files else d.source for d in crossing})
    # a file's node: the unit's files are the source, boundary files their own node, any
    # other file the sink (a dict lookup per end: a large unit's boundary has 7,000 edges)
    node = dict.fromkeys(unit_files, _SOURCE) | {f: f for f in boundary}
    capacity: Counter[tuple[str, str]] = Counter()
    seen: set[int] = set()
    for file in boundary:
        capacity[(_SINK, file)] += 1  # the cost of moving it (keys are ordered pairs)
        for dep in edges.by_file[file]:
            if id(dep) in seen:
                continue
            seen.add(id(dep))
            a, b = node.get(dep.source, _SINK), node.get(dep.target, _SINK)
            if a != b:
                capacity[(a, b) if a < b else (b, a)] += _SCALE  # "\0..." sorts first
    ordered = sorted(capacity.items())
    arcs = dict(ordered)  # undirected: each pair in both directions
    arcs.update({(b, a): n for (a, b), n in ordered})
    reachable = digraph.minimum_cut_source_side(arcs, _SOURCE, _SINK)
    moved = tuple(sorted(f for f in boundary if f in reachable))
    side = unit_files | set(moved)
    relevant = {id(d): d for d in crossing}
    relevant.update((id(d), d) for f in moved for d in edges.by_file[f])
    cut = [
        _crossing(d, side, units)
        for d in relevant.values()
        if (d.source in side) != (d.target in side)
    ]
    return Cut(tuple(sorted(cut, key=_order)), moved)


@dataclass(frozen=True)
class _TableUnits:
    """One table's writing, reading and declaring units (a table's files, by unit)."""

    table: TableAccess
    writers: set[str]
    readers: set[str]
    touching: set[str]  # writers, readers and declaring units


def _table_units(units: Units, data: DataAccessResult | None) -> list[_TableUnits]:
    """Every table's units: computed once per plan, not once per scored unit."""
    of = units.of
    rows = []
    for table in data.tables if data is not None else ():
        writers = {of[f] for f in table.writers if f in of}
        readers = {of[f] for f in table.readers if f in of}
        declared = {of[f] for f in table.declared_in if f in of}
        rows.append(_TableUnits(table, writers, readers, writers | readers | declared))
    return rows


def _unit_tables(unit: str, tables: Sequence[_TableUnits]) -> tuple[list[TableMigration], int]:
    """Tables the unit touches, each with a migration strategy; and how many it shares."""
    rows, shared = [], 0
    owners = {t.table.name: t.writers for t in tables}
    for item in tables:
        if unit not in item.touching:
            continue
        others = sorted(item.touching - {unit})
        shared += bool(others)
        strategy, reason = _strategy(unit, item.writers, item.readers, others)
        foreign = sorted(r for r in item.table.references if owners.get(r, set()) - {unit})
        if foreign:
            # a foreign key into another unit's table cannot cross a database boundary
            reason += f"; its foreign keys to {', '.join(foreign[:3])} become ID references"
        rows.append(TableMigration(item.table.name, strategy, reason))
    return sorted(rows, key=lambda t: t.name), shared


def _strategy(
    unit: str, writers: set[str], readers: set[str], others: list[str]
) -> tuple[str, str]:
    named = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "")
    if not others:
        return DB_PER_SERVICE, f"only {unit} uses it: it moves with the service"
    other_writers = sorted(writers - {unit})
    if unit in writers and other_writers:
        return PARTITIONED, (
            f"also written by {', '.join(other_writers[:3])}: give it one owner in a "
            "partitioned schema before the databases split"
        )
    if unit in writers:
        return EVENTS, f"{unit} owns it; {named} read it: publish changes as events"
    if other_writers:
        return EVENTS, (
            f"owned by {', '.join(other_writers[:3])}: keep a read model fed by its events"
        )
    return PARTITIONED, f"shared with {named} and nobody writes it here: partition the schema"


@dataclass(frozen=True)
class _Measures:
    commits: Mapping[str, int]
    hotspots: Mapping[str, int]
    bus_factor: Mapping[str, int]
    owners: Mapping[str, tuple[tuple[str, float], ...]]
    teams: Mapping[str, tuple[str, ...]]
    tables: Sequence[_TableUnits]


def _measures(data: PlanInput) -> _Measures:
    commits: Counter[str] = Counter()
    if data.teams is not None:
        commits.update({u.name: u.commits for u in data.teams.units})
    elif data.history is not None:
        for change in data.history.changesets:
            commits.update({data.units.of[f] for f in change.files if f in data.units.of})
    hotspots: Counter[str] = Counter()
    if data.history is not None:
        top = [h for h in data.history.hotspots if h.path in data.units.of]
        hotspots.update(data.units.of[h.path] for h in top[: data.rules.top_hotspots])
    rows = {u.name: u for u in data.teams.units} if data.teams else {}
    names = {g.id: g.name for g in data.teams.groups} if data.teams else {}
    return _Measures(
        commits=commits,
        hotspots=hotspots,
        bus_factor={u: r.bus_factor for u, r in rows.items()},
        owners={u: r.owners for u, r in rows.items()},
        teams={u: tuple(names[g] for g, _n in r.groups if g in names) for u, r in rows.items()},
        tables=_table_units(data.units, data.data_access),
    )


def _factors(
    unit: str, data: PlanInput, edges: _Edges, measures: _Measures, shared: int, touched: int
) -> tuple[list[tuple[str, float]], float]:
    """(factor, 0..1) pairs and the score: the weighted mean of the positive factors that
    are available, minus the risk."""
    rules, count = data.rules, len(data.units.names)
    crossing = len(edges.outgoing.get(unit, [])) + len(edges.incoming.get(unit, []))
    internal = edges.internal.get(unit, 0)
    dependents = {data.units.of[d.source] for d in edges.incoming.get(unit, [])}
    factors = [
        # additive smoothing: loose files without any edge are not a proven module (0.5)
        ("boundedness", (internal + 1) / (internal + crossing + 2)),
        ("independence", 1 - len(dependents) / (count - 1) if count > 1 else 1.0),
    ]
    weights = {"boundedness": rules.boundedness, "independence": rules.independence}
    history = data.history is not None and data.history.commits > 0
    if history:
        most = max(measures.commits.values(), default=0)
        factors.append(("change", measures.commits.get(unit, 0) / most if most else 0.0))
        weights["change"] = rules.change
    if data.data_access is not None:
        factors.append(("data", 1 - shared / touched if touched else 1.0))
        weights["data"] = rules.data
    risk = 0.0
    if history:
        most_hot = max(measures.hotspots.values(), default=0)
        hot = measures.hotspots.get(unit, 0) / most_hot if most_hot else 0.0
        lone = 1.0 if measures.bus_factor.get(unit, 0) == 1 else 0.0
        risk = 0.5 * hot + 0.5 * lone
        factors.append(("risk", risk))
    total = sum(weights.values())
    positive = sum(weights[name] * value for name, value in factors if name in weights)
    score = (positive / total if total else 0.0) - rules.risk * risk
    return [(name, round(value, 4)) for name, value in factors], round(score, 4)


def _names(items: Sequence[str], limit: int = 3) -> str:
    return ", ".join(items[:limit]) + (
        f" and {len(items) - limit} more" if len(items) > limit else ""
    )


def first_step(
    unit: str,
    cut: Cut,
    depends_on: Sequence[str],
    dependents: Sequence[str],
    tables: Sequence[TableMigration],
    outgoing: int,
    incoming: int,
) -> str:
    """The first concrete move of the extraction, from what blocks it most."""
    steps = []
    if cut.moved:
        steps.append(f"take {_names(list(cut.moved))} into {unit} (move, or copy if shared)")
    if outgoing:
        steps.append(
            f"put an anti-corruption layer in front of its {outgoing} dependencies on "
            f"{_names(list(depends_on))}"
        )
    if incoming:
        steps.append(
            f"publish an interface for the {incoming} uses from {_names(list(dependents))}"
        )
    partitioned = [t.name for t in tables if t.strategy == PARTITIONED]
    if partitioned:
        steps.append(f"give {_names(partitioned)} a single owner")
    if not steps:
        return (
            f"{unit} has no code dependency on the rest: nothing to cut in the code; check "
            "its run-time links (calls, data) before deploying it on its own"
        )
    text = "; then ".join(steps)
    return text[0].upper() + text[1:]


def _score(unit: str, data: PlanInput, edges: _Edges, measures: _Measures) -> float:
    tables, shared = _unit_tables(unit, measures.tables)
    return _factors(unit, data, edges, measures, shared, len(tables))[1]


def _candidate(
    unit: str, members: Sequence[str], data: PlanInput, edges: _Edges, measures: _Measures
) -> ExtractionCandidate:
    inside = set(members)
    outgoing = sorted(edges.outgoing.get(unit, []), key=lambda d: (d.target, d.source))
    incoming = edges.incoming.get(unit, [])
    depends_on = sorted({data.units.of[d.target] for d in outgoing})
    dependents = sorted({data.units.of[d.source] for d in incoming})
    tables, shared = _unit_tables(unit, measures.tables)
    factors, score = _factors(unit, data, edges, measures, shared, len(tables))
    cut = minimum_cut(members, data.units, edges)
    acl = sorted((_crossing(d, inside, data.units) for d in outgoing), key=_order)
    limit = data.rules.max_listed
    return ExtractionCandidate(
        rank=0,
        unit=unit,
        wave=0,
        score=score,
        files=len(members),
        sloc=sum(data.facts[p].sloc for p in members if p in data.facts),
        internal_edges=edges.internal.get(unit, 0),
        incoming=len(incoming),
        outgoing=len(outgoing),
        interface=len({d.target for d in incoming}),
        dependents=tuple(dependents),
        depends_on=tuple(depends_on),
        commits=measures.commits.get(unit, 0),
        hotspots=measures.hotspots.get(unit, 0),
        bus_factor=measures.bus_factor.get(unit, 0),
        shared_tables=shared,
        factors=tuple(factors),
        acl=tuple(acl[:limit]),
        acl_total=len(acl),
        cut=cut.edges[:limit],
        cut_size=len(cut.edges),
        crossing_edges=len(outgoing) + len(incoming),
        move_files=cut.moved,
        tables=tuple(tables),
        owners=measures.owners.get(unit, ()),
        teams=measures.teams.get(unit, ()),
        first_step=first_step(
            unit, cut, depends_on, dependents, tables, len(outgoing), len(incoming)
        ),
    )


def _core(
    data: PlanInput, members: Mapping[str, Sequence[str]], edges: _Edges, units: Sequence[str]
) -> set[str]:
    """Units that stay as the monolith's core: one holding most of the code, or a
    composition root (nothing depends on it, it depends on most of the others)."""
    total = sum(data.facts[p].sloc for p in data.units.of if p in data.facts) or 1
    others = max(len(members) - 1, 1)
    core = set()
    for unit in units:
        sloc = sum(data.facts[p].sloc for p in members[unit] if p in data.facts)
        depends_on = {data.units.of[d.target] for d in edges.outgoing.get(unit, [])}
        root = not edges.incoming.get(unit) and len(depends_on) >= max(2, others / 2)
        if sloc > data.rules.max_share * total or root:
            core.add(unit)
    return core


def run_extraction_plan(data: PlanInput) -> tuple[ExtractionPlan, list[AnalysisWarning]]:
    warnings: list[AnalysisWarning] = []
    edges = _edges(data.units, data.dependencies)
    measures = _measures(data)
    members = data.units.members()
    # the shared platform context and loose files at the root (build scripts, entry
    # points) are what stays behind, never a service of their own
    extractable = [
        u
        for u in members
        if u not in data.units.platform
        and u != ROOT_UNIT
        and len(members[u]) >= data.rules.min_files
    ]
    if len(members) < 2:
        warnings.append(
            AnalysisWarning(
                "",
                "extraction-single-unit",
                f"one {data.units.kind} only: nothing to extract from the rest",
            )
        )
        extractable = []
    core = _core(data, members, edges, extractable)
    left = set(members) - set(extractable)
    scores = {u: _score(u, data, edges, measures) for u in extractable if u not in core}
    # the minimum cut is the expensive part: only for the units the plan keeps
    passing = sorted(
        (u for u, n in scores.items() if n >= data.rules.min_score), key=lambda u: (-scores[u], u)
    )
    chosen = [_candidate(u, members[u], data, edges, measures) for u in passing]
    size = max(data.rules.wave_size, 1)
    ranked = tuple(replace(c, rank=n, wave=(n - 1) // size + 1) for n, c in enumerate(chosen, 1))
    waves: dict[int, list[str]] = defaultdict(list)
    for c in ranked:
        waves[c.wave].append(c.unit)
    plan = ExtractionPlan(
        unit_kind=data.units.kind,
        data_available=data.data_access is not None,
        history_available=data.history is not None and data.history.commits > 0,
        candidates=ranked,
        waves=tuple(ExtractionWave(w, tuple(units)) for w, units in sorted(waves.items())),
        kept=tuple(
            sorted({u for u, n in scores.items() if n < data.rules.min_score} | core | left)
        ),
        core=tuple(sorted(core)),
    )
    return plan, warnings
