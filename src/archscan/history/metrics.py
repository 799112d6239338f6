"""From aggregated history to the figures archscan reports.

Definitions (docs/history.md has them with their sources):
* main developer: the author with most lines added (most commits without line counts);
  ownership = their share of the lines added (code-maat's main-dev).
* knowledge island: ownership >= ``knowledge_island_share`` (0.95) and that author is
  active (a commit within ``active_days`` of the HEAD commit date).
* bus factor: the smallest number of authors who together own more than half of the
  code, a file's code (its SLOC, or net lines added when it was not parsed) being owned
  in proportion to the lines each author added to it.
* hotspot score: revisions x complexity (sum of function cyclomatic complexity).
* temporal coupling: code-maat's degree and thresholds; cross-boundary when the two
  files belong to different components.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from archscan.history.codemaat.age import months_between
from archscan.history.codemaat.coupling import passes
from archscan.history.codemaat.model import Options
from archscan.history.native import Aggregator, FileStats, iso_date
from archscan.records import (
    ComponentHistory,
    FileFacts,
    FileHistory,
    Hotspot,
    TeamCoupling,
    TemporalCoupling,
)

_DAY = 86400  # seconds


@dataclass(frozen=True)
class MetricSettings:
    knowledge_island_share: float = 0.95
    active_days: int = 180
    min_revs: int = 5
    min_shared_revs: int = 5
    min_coupling: int = 30
    max_coupling: int = 100


def _shares(stats: FileStats, by_lines: bool) -> tuple[Counter[str], int]:
    """Whose share of the file counts (lines added; commits when it has no line counts),
    and the total of those shares."""
    if by_lines:
        total = sum(stats.added_by.values())
        if total:
            return stats.added_by, total
    return stats.commits_by, sum(stats.commits_by.values())


def _main_developer(stats: FileStats, by_lines: bool) -> tuple[str | None, float]:
    shares, total = _shares(stats, by_lines)
    if not total:
        return None, 0.0
    # most first, then by name: deterministic where code-maat's tie order is arbitrary
    most = max(shares.values())
    author = min([name for name, amount in shares.items() if amount == most])
    return author, round(most / total, 4)


def _weight(path: str, stats: FileStats, facts: Mapping[str, FileFacts]) -> int:
    found = facts.get(path)
    if found is not None:
        return found.sloc
    return max(stats.added - stats.deleted, 0)


def bus_factor(owned: Mapping[str, float]) -> tuple[int, tuple[str, ...]]:
    """Fewest authors owning more than half: largest owners first, ties by name."""
    total = sum(owned.values())
    if total <= 0:
        return 0, ()
    chosen: list[str] = []
    running = 0.0
    for author, amount in sorted(owned.items(), key=lambda item: (-item[1], item[0])):
        chosen.append(author)
        running += amount
        if running > total / 2:
            break
    return len(chosen), tuple(chosen)


def _add_owned(owned: dict[str, float], stats: FileStats, weight: int, by_lines: bool) -> None:
    """Adds a file's ``weight`` to ``owned``, split in proportion to each author's share."""
    shares, total = _shares(stats, by_lines)
    if not total:
        return
    for author, amount in shares.items():
        if amount:
            owned[author] = owned.get(author, 0) + weight * amount / total


@dataclass(frozen=True)
class HistoryContext:
    aggregator: Aggregator
    facts: Mapping[str, FileFacts]
    component_of: Callable[[str], str]
    head: date
    by_lines: bool
    settings: MetricSettings
    team_of: Mapping[str, str]


def _active_authors(context: HistoryContext) -> set[str]:
    """The authors with a commit within ``active_days`` of the HEAD commit date."""
    head_day = (context.head - date(1970, 1, 1)).days
    limit = context.settings.active_days
    return {
        a for a, last in context.aggregator.author_last.items() if head_day - last // _DAY <= limit
    }


def file_histories(context: HistoryContext) -> list[FileHistory]:
    rows = []
    soc = context.aggregator.coupling.soc
    component_of = context.component_of
    island_share = context.settings.knowledge_island_share
    active = _active_authors(context)
    # files share commit days: each date (and the age of a last change) is worked out
    # once, not per file (saleor's 4,600 files: 0.068-0.074 -> 0.050-0.056 s)
    dates: dict[int, str] = {}
    ages: dict[str, int] = {}
    for path in sorted(context.aggregator.files):
        stats = context.aggregator.files[path]
        main, share = _main_developer(stats, context.by_lines)
        last = _iso(dates, stats.last)
        age = ages.get(last)
        if age is None:
            age = ages[last] = _age(last, context.head)
        rows.append(
            FileHistory(
                path=path,
                component=component_of(path),
                revisions=stats.revisions,
                added=stats.added,
                deleted=stats.deleted,
                authors=len(stats.commits_by),
                main_developer=main,
                ownership=share,
                first_change=_iso(dates, stats.first),
                last_change=last,
                age_months=age,
                knowledge_island=share >= island_share and main in active,
                soc=soc.get(path, 0),
            )
        )
    return rows


def _age(last: str, head: date) -> int:
    """Whole months from a last change (an ISO date) to the HEAD commit date."""
    day = date.fromisoformat(last)
    return max(months_between(day, head), 0) if day <= head else 0


def _iso(dates: dict[int, str], timestamp: int) -> str:
    """``iso_date(timestamp)``, remembered by day: the date is the day number's."""
    day = timestamp // _DAY
    found = dates.get(day)
    if found is None:
        found = dates[day] = iso_date(timestamp)
    return found


def hotspots(context: HistoryContext, files: list[FileHistory]) -> list[Hotspot]:
    scored = []
    for item in files:
        found = context.facts.get(item.path)
        if found is None:
            continue
        complexity = found.complexity  # a sum over the file's functions: asked once
        scored.append((item.revisions * complexity, item, complexity, found.sloc))
    scored.sort(key=lambda entry: (-entry[0], entry[1].path))
    return [
        Hotspot(item.path, item.component, item.revisions, complexity, sloc, score, n)
        for n, (score, item, complexity, sloc) in enumerate(scored, 1)
    ]


def temporal_coupling(context: HistoryContext) -> list[TemporalCoupling]:
    counts = context.aggregator.coupling
    settings = context.settings
    options = Options(
        min_revs=settings.min_revs,
        min_shared_revs=settings.min_shared_revs,
        min_coupling=settings.min_coupling,
        max_coupling=settings.max_coupling,
    )
    pairs = []
    least = settings.min_shared_revs
    for (a, b), shared in counts.shared.items():
        # passes() asks this too; asked first, without the look-ups: nine in ten of
        # saleor's 31,000 pairs have fewer shared revisions
        if shared < least:
            continue
        ra, rb = counts.revisions[a], counts.revisions[b]
        if not passes(options, ra, rb, shared):
            continue
        ca, cb = context.component_of(a), context.component_of(b)
        degree = (200 * shared) // (ra + rb)
        pairs.append(
            TemporalCoupling(a, b, degree, shared, ra, rb, -(-(ra + rb) // 2), ca, cb, ca != cb)
        )
    pairs.sort(key=lambda p: (-p.degree, -p.shared, p.entity, p.coupled))
    return pairs


def components(
    context: HistoryContext, files: list[FileHistory], pairs: list[TemporalCoupling]
) -> tuple[list[ComponentHistory], tuple[int, tuple[str, ...]]]:
    """Per component figures, and the repository's bus factor."""
    members: dict[str, list[FileHistory]] = defaultdict(list)
    for item in files:
        members[item.component].append(item)
    repo_owned: Counter[str] = Counter()
    rows = []
    for name in sorted(members):
        owned: dict[str, float] = {}
        teams: Counter[str] = Counter()
        authors: set[str] = set()
        for item in members[name]:
            stats = context.aggregator.files[item.path]
            _add_owned(owned, stats, _weight(item.path, stats, context.facts), context.by_lines)
            authors.update(stats.commits_by)
            if context.team_of:
                for author, commits in stats.commits_by.items():
                    if author in context.team_of:
                        teams[context.team_of[author]] += commits
        repo_owned.update(owned)
        crossing = [
            p
            for p in pairs
            if p.cross_boundary and name in (p.component_entity, p.component_coupled)
        ]
        factor, who = bus_factor(owned)
        rows.append(
            ComponentHistory(
                name=name,
                files=len(members[name]),
                revisions=sum(i.revisions for i in members[name]),
                added=sum(i.added for i in members[name]),
                deleted=sum(i.deleted for i in members[name]),
                authors=len(authors),
                bus_factor=factor,
                bus_factor_authors=who,
                knowledge_islands=sum(1 for i in members[name] if i.knowledge_island),
                soc=sum(i.soc for i in members[name]),
                cross_boundary_pairs=len(crossing),
                cross_boundary_shared=sum(p.shared for p in crossing),
                teams=tuple(sorted(teams.items(), key=lambda t: (-t[1], t[0]))),
            )
        )
    return rows, bus_factor(repo_owned)


def team_coupling(rows: list[ComponentHistory]) -> list[TeamCoupling]:
    """Teams that change the same components: Conway's law made visible."""
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        for a, b in combinations(sorted(team for team, _n in row.teams), 2):
            shared[(a, b)].append(row.name)
    return [
        TeamCoupling(a, b, tuple(names))
        for (a, b), names in sorted(shared.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
