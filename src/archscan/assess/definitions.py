"""What each signal of the verdict is: its group, which way it points, its source.

The figures that tune them (threshold, span, weight) live in rules/assessment.yaml; what a
signal *means* lives here and in docs/assessment.md, so an override can move a threshold
but not turn a signal upside down.
"""

from __future__ import annotations

from dataclasses import dataclass

PRESSURE = "pressure"  # does the organisation / system gain from splitting?
READINESS = "readiness"  # would the code come apart cleanly?
DISTRIBUTION = "distribution"  # is it already split into separately deployed services?
GROUPS = (PRESSURE, READINESS, DISTRIBUTION)

SPLIT_ABOVE = "split-above"  # values above the threshold favour a split
SPLIT_BELOW = "split-below"


@dataclass(frozen=True)
class SignalDefinition:
    id: str
    name: str
    group: str
    direction: str
    log_scale: bool  # score from value/threshold ratios (span is a factor) instead of a difference
    source: str
    needs: str  # the stage whose output it needs: structure | history | contexts | data | links


SIGNALS: tuple[SignalDefinition, ...] = (
    SignalDefinition(
        "team_size",
        "Active team size (core contributors, last 12 months)",
        PRESSURE,
        SPLIT_ABOVE,
        True,
        "history; core = fewest authors making 80% of commits (Mockus, Fielding, Herbsleb "
        "2002); small teams stay monolithic (Fowler, MonolithFirst 2015; Newman 2021)",
        "history",
    ),
    SignalDefinition(
        "author_groups",
        "Author groups (who changes what together)",
        PRESSURE,
        SPLIT_ABOVE,
        False,
        "teams: cosine similarity of authors' changes per unit, average-linkage clustering, "
        "or the team map (Conway 1968)",
        "history",
    ),
    SignalDefinition(
        "conway_alignment",
        "Alignment of author groups with units",
        READINESS,
        SPLIT_ABOVE,
        False,
        "teams: dominant group's share of each unit's commits, commit-weighted (Conway 1968; "
        "Skelton & Pais, Team Topologies 2019)",
        "history",
    ),
    SignalDefinition(
        "modularity",
        "Modularity of the best decomposition",
        READINESS,
        SPLIT_ABOVE,
        False,
        "contexts quality, else Newman's Q of the unit partition on the file graph (Newman "
        "2006; Q > 0.3 is marked community structure)",
        "structure",
    ),
    SignalDefinition(
        "co_change_crossing",
        "Co-change across units",
        READINESS,
        SPLIT_BELOW,
        False,
        "history: share of commits touching a unit that touch more than one (logical "
        "coupling, Gall et al. 1998; Tornhill, Software Design X-Rays 2018)",
        "history",
    ),
    SignalDefinition(
        "unit_cycles",
        "Cycles between units",
        READINESS,
        SPLIT_BELOW,
        False,
        "structure: share of units inside a dependency cycle between units (Martin's "
        "Acyclic Dependencies Principle, 2002)",
        "structure",
    ),
    SignalDefinition(
        "shared_tables",
        "Tables written by more than one unit",
        READINESS,
        SPLIT_BELOW,
        False,
        "data access: tables whose writers sit in several units (Newman, Monolith to "
        "Microservices 2019, ch. 4: shared database)",
        "data",
    ),
    SignalDefinition(
        "propagation_cost",
        "Propagation cost",
        READINESS,
        SPLIT_BELOW,
        False,
        "structure: density of the visibility matrix (MacCormack, Rusnak, Baldwin 2006)",
        "structure",
    ),
    SignalDefinition(
        "hotspot_concentration",
        "Hotspot concentration",
        READINESS,
        SPLIT_BELOW,
        False,
        "history: share of the hotspot score (revisions x complexity) held by the top 5% of "
        "files (Tornhill, Your Code as a Crime Scene 2015)",
        "history",
    ),
    SignalDefinition(
        "size",
        "Size (production SLOC)",
        PRESSURE,
        SPLIT_ABOVE,
        True,
        "structure: source lines of the production files of the dependency graph",
        "structure",
    ),
    SignalDefinition(
        "change_rate",
        "Change rate (commits per month, last 12 months)",
        PRESSURE,
        SPLIT_ABOVE,
        True,
        "history: human commits of the last 12 months / 12 (Forsgren, Humble, Kim, "
        "Accelerate 2018: deployment frequency)",
        "history",
    ),
    SignalDefinition(
        "change_spread",
        "Spread of change across units",
        PRESSURE,
        SPLIT_ABOVE,
        False,
        "history: normalised Shannon entropy of the last 12 months' unit changes (1 = every "
        "unit changes as often)",
        "history",
    ),
    SignalDefinition(
        "deployables",
        "Deployables (separately deployed services)",
        DISTRIBUTION,
        SPLIT_ABOVE,
        False,
        "service links, else folders with their own Dockerfile (Newman 2021: independent "
        "deployability)",
        "structure",
    ),
    SignalDefinition(
        "language_mix",
        "Language mix",
        DISTRIBUTION,
        SPLIT_ABOVE,
        False,
        "structure: languages holding at least 10% of the production SLOC",
        "structure",
    ),
)
SIGNAL_IDS: tuple[str, ...] = tuple(s.id for s in SIGNALS)
BY_ID = {s.id: s for s in SIGNALS}

VERDICTS = (
    "stay-monolith",
    "modular-monolith-first",
    "selective-extraction",
    "microservices-ready",
    "already-distributed",
)
# What each verdict expects of each group: +1 scores favour a split, -1 keep together.
EXPECTED: dict[str, dict[str, int]] = {
    "stay-monolith": {PRESSURE: -1},
    "modular-monolith-first": {PRESSURE: 1, READINESS: -1},
    "selective-extraction": {PRESSURE: 1, READINESS: 1},
    "microservices-ready": {PRESSURE: 1, READINESS: 1},
    "already-distributed": {DISTRIBUTION: 1},
}
