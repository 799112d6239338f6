"""The measured side of the verdict: one value per signal, from the stages' results.

Each function returns a _Reading (value, one-line finding, available); scoring against the
rules happens in verdict.py, so the readings can be reasoned about on their own.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from archscan import digraph
from archscan.assess.deployables import Deployables
from archscan.assess.rules import AssessmentRules
from archscan.assess.units import Units, newman_q
from archscan.records import (
    Changeset,
    ContextsResult,
    DataAccessResult,
    Dependency,
    FileFacts,
    HistoryResult,
    StructureMetrics,
    TeamsResult,
)

SIGNIFICANT_GROUP = 0.05  # an author group counts when it makes this share of the commits
LANGUAGE_SHARE = 0.10
HOTSPOT_TOP = 0.05


@dataclass(frozen=True)
class Reading:
    value: float | None
    finding: str  # what was measured, in words
    available: bool = True
    neutral: bool = False  # measured, but says nothing here (score 0)


def unavailable(why: str) -> Reading:
    return Reading(None, why, available=False)


@dataclass(frozen=True)
class Evidence:
    """Everything the readings look at (built once by the stage)."""

    units: Units
    dependencies: Sequence[Dependency]
    structure: StructureMetrics
    facts: Mapping[str, FileFacts]
    history: HistoryResult | None
    teams: TeamsResult | None
    contexts: ContextsResult | None
    data_access: DataAccessResult | None
    deployables: Deployables
    rules: AssessmentRules


def _no_history(evidence: Evidence) -> bool:
    return evidence.history is None or evidence.history.commits == 0


def team_size(e: Evidence) -> Reading:
    if _no_history(e) or e.teams is None:
        return unavailable("no git history: team size unknown")
    t = e.teams
    return Reading(
        t.core_contributors,
        f"{t.core_contributors} core contributors make {t.core_share:.0%} of the commits "
        f"({t.active_contributors} active since {t.since})",
    )


def significant_groups(teams: TeamsResult) -> int:
    total = sum(g.commits for g in teams.groups)
    return sum(1 for g in teams.groups if total and g.commits >= SIGNIFICANT_GROUP * total)


def author_groups(e: Evidence) -> Reading:
    if _no_history(e) or e.teams is None:
        return unavailable("no git history: author groups unknown")
    groups = significant_groups(e.teams)
    how = "from the team map" if e.teams.source == "team-map" else "by who changes what"
    return Reading(groups, f"{groups} author group(s) {how}")


def conway_alignment(e: Evidence) -> Reading:
    if _no_history(e) or e.teams is None:
        return unavailable("no git history: alignment unknown")
    if e.teams.alignment is None:
        return unavailable("no commit of the last 12 months touches a unit")
    if significant_groups(e.teams) < 2:
        return Reading(
            e.teams.alignment, "one author group: nothing to align with the units", neutral=True
        )
    return Reading(
        e.teams.alignment,
        f"the dominant group makes {e.teams.alignment:.0%} of a unit's commits (weighted mean)",
    )


def unit_graph(units: Units, dependencies: Sequence[Dependency]) -> digraph.DiGraph[str]:
    """Units as nodes; edge weight = file dependencies from one unit to the other."""
    # counted first, then one edge per pair (in order of its first dependency, as adding
    # them one by one did): thousands of file edges make a few hundred unit edges
    of = units.of
    weights: Counter[tuple[str, str]] = Counter()
    for dep in dependencies:
        a, b = of.get(dep.source), of.get(dep.target)
        if a is not None and b is not None and a != b:
            weights[(a, b)] += 1
    graph: digraph.DiGraph[str] = digraph.DiGraph()
    graph.add_nodes_from(units.names)
    for (a, b), weight in weights.items():
        graph.add_edge(a, b, weight=weight)
    return graph


def modularity(e: Evidence) -> Reading:
    if e.contexts is not None and e.contexts.contexts:
        q = e.contexts.quality
        return Reading(
            q.modularity,
            f"Q = {q.modularity:.2f} for the {q.partitions} candidate contexts "
            f"(structural modularity {q.structural_modularity:.2f})",
        )
    count = len(e.units.names)
    if count < 2:
        return Reading(0.0, f"a single {e.units.kind}: no decomposition to measure")
    value = newman_q(e.units, e.dependencies)
    return Reading(
        value, f"Q = {value:.2f} for the {count} {e.units.kind}s (no candidate contexts)"
    )


def _bounded(changesets: Sequence[Changeset], limit: int) -> list[Changeset]:
    return [c for c in changesets if len(c.files) <= limit]


def co_change_crossing(e: Evidence) -> Reading:
    if _no_history(e) or e.history is None:
        return unavailable("no git history: co-change unknown")
    if len(e.units.names) < 2:
        return Reading(0.0, f"a single {e.units.kind}: nothing to cross", neutral=True)
    touching = crossing = 0
    unit_of = e.units.of.get
    for change in _bounded(e.history.changesets, e.rules.verdict.max_changeset_size):
        units = set(map(unit_of, change.files))  # one pass over 10,000s of commits' files
        units.discard(None)
        if units:
            touching += 1
            crossing += len(units) > 1
    if not touching:
        return unavailable("no commit touches the production files")
    share = round(crossing / touching, 4)
    return Reading(share, f"{crossing} of {touching} commits change more than one {e.units.kind}")


def unit_cycles(e: Evidence) -> Reading:
    graph = unit_graph(e.units, e.dependencies)
    count = graph.number_of_nodes()
    if count < 2:
        return Reading(0.0, f"a single {e.units.kind}: no units to cycle", neutral=True)
    cycles = [c for c in digraph.strongly_connected_components(graph) if len(c) > 1]
    inside = sum(len(c) for c in cycles)
    return Reading(
        round(inside / count, 4),
        f"{inside} of {count} {e.units.kind}s sit in {len(cycles)} dependency cycle(s)",
    )


def shared_tables(e: Evidence) -> Reading:
    if e.data_access is None:
        return unavailable("data access not analysed")
    shared = []
    for table in e.data_access.tables:
        writers = {e.units.of[f] for f in table.writers if f in e.units.of}
        if len(writers) > 1:
            shared.append(table.name)
    if not e.data_access.tables:
        return Reading(0.0, "no database tables found")
    names = ", ".join(sorted(shared)[:5])
    return Reading(
        len(shared),
        f"{len(shared)} of {len(e.data_access.tables)} tables written by several "
        f"{e.units.kind}s" + (f" ({names})" if shared else ""),
    )


def propagation_cost(e: Evidence) -> Reading:
    cost = e.structure.propagation_cost
    return Reading(cost, f"a change reaches {cost:.0%} of the other files on average")


def hotspot_concentration(e: Evidence) -> Reading:
    if _no_history(e) or e.history is None:
        return unavailable("no git history: no hotspots")
    scores = sorted((h.score for h in e.history.hotspots if h.path in e.units.of), reverse=True)
    total = sum(scores)
    if not total:
        return unavailable("no production file has both revisions and complexity")
    top = max(1, math.ceil(HOTSPOT_TOP * len(scores)))
    share = round(sum(scores[:top]) / total, 4)
    return Reading(share, f"the top {top} of {len(scores)} files hold {share:.0%} of the score")


def size(e: Evidence) -> Reading:
    sloc = sum(e.facts[p].sloc for p in e.units.of if p in e.facts)
    return Reading(sloc, f"{sloc:,} SLOC in {len(e.units.of):,} production files")


def change_rate(e: Evidence) -> Reading:
    if _no_history(e) or e.teams is None or e.history is None:
        return unavailable("no git history: change rate unknown")
    months = e.teams.window_days / (365.25 / 12)
    since = _since_ts(e.teams)
    commits = sum(1 for c in e.history.changesets if c.timestamp >= since)
    rate = round(commits / months, 2) if months else 0.0
    return Reading(rate, f"{commits} commits since {e.teams.since} ({rate:.1f} a month)")


def _since_ts(teams: TeamsResult) -> int:
    day = date.fromisoformat(teams.since)
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())


def change_spread(e: Evidence) -> Reading:
    if _no_history(e) or e.teams is None:
        return unavailable("no git history: change spread unknown")
    commits = [u.commits for u in e.teams.units]
    total = sum(commits)
    if len(commits) < 2 or not total:
        return Reading(0.0, f"changes of the last 12 months hit at most one {e.units.kind}")
    entropy = -sum(n / total * math.log(n / total) for n in commits if n)
    spread = round(entropy / math.log(len(commits)), 4)
    busiest = max(e.teams.units, key=lambda u: (u.commits, u.name))
    return Reading(
        spread,
        f"normalised entropy {spread:.2f} over {len(commits)} {e.units.kind}s; busiest "
        f"{busiest.name} ({busiest.commits / total:.0%})",
    )


def deployables(e: Evidence) -> Reading:
    d = e.deployables
    how = "services linked" if d.source == "service-links" else "separately deployed units"
    names = ", ".join(d.names[:6]) + (", ..." if len(d.names) > 6 else "")
    return Reading(len(d.names), f"{len(d.names)} {how}" + (f" ({names})" if names else ""))


def language_mix(e: Evidence) -> Reading:
    sloc: Counter[str] = Counter()
    for path in e.units.of:
        facts = e.facts.get(path)
        if facts is not None:
            sloc[facts.language] += facts.sloc
    total = sum(sloc.values())
    if not total:
        return Reading(0.0, "no production code")
    major = sorted((lang for lang, n in sloc.items() if n >= LANGUAGE_SHARE * total))
    return Reading(
        len(major), f"{len(major)} language(s) with 10%+ of the SLOC: {', '.join(major) or '-'}"
    )


READERS: dict[str, Callable[[Evidence], Reading]] = {
    "team_size": team_size,
    "author_groups": author_groups,
    "conway_alignment": conway_alignment,
    "modularity": modularity,
    "co_change_crossing": co_change_crossing,
    "unit_cycles": unit_cycles,
    "shared_tables": shared_tables,
    "propagation_cost": propagation_cost,
    "hotspot_concentration": hotspot_concentration,
    "size": size,
    "change_rate": change_rate,
    "change_spread": change_spread,
    "deployables": deployables,
    "language_mix": language_mix,
}
