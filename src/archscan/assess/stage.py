"""The assessment stage: evidence from every earlier stage -> AssessmentResult.

Never fatal: a signal whose input is missing (no history, no data access, no contexts) is
marked unavailable and the confidence drops; the verdict always comes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from archscan.assess.deployables import find_deployables, service_coupling
from archscan.assess.rules import AssessmentRules
from archscan.assess.signals import READERS, Evidence
from archscan.assess.units import Units
from archscan.assess.verdict import decide, signals
from archscan.records import (
    AnalysisWarning,
    AssessmentResult,
    AssessmentWarningDetail,
    Boundaries,
    ContextsResult,
    DataAccessResult,
    Dependency,
    FileFacts,
    HistoryResult,
    ServiceLinksResult,
    StructureMetrics,
    TeamsResult,
)

DISTRIBUTED_MONOLITH = "distributed-monolith"


@dataclass(frozen=True, kw_only=True)
class AssessmentInput:
    units: Units
    paths: Sequence[str]  # every analysed file
    boundaries: Boundaries | None
    dependencies: Sequence[Dependency]
    structure: StructureMetrics
    facts: Mapping[str, FileFacts]
    history: HistoryResult | None
    teams: TeamsResult | None
    contexts: ContextsResult | None
    data_access: DataAccessResult | None
    service_links: ServiceLinksResult | None
    rules: AssessmentRules


def _distributed_monolith(
    data: AssessmentInput, evidence: Evidence
) -> list[AssessmentWarningDetail]:
    """Separately deployed units that change in one commit, or write the same tables."""
    if len(evidence.deployables.names) < data.rules.verdict.distributed_deployables:
        return []  # the warning qualifies a distributed system
    changesets = data.history.changesets if data.history else ()
    limit = data.rules.verdict.max_changeset_size
    coupling = service_coupling(evidence.deployables, changesets, data.data_access, limit)
    reasons, shown = [], []
    if coupling.commits and coupling.share >= data.rules.verdict.distributed_monolith_co_change:
        reasons.append(
            f"{coupling.crossing} of {coupling.commits} commits ({coupling.share:.0%}) change "
            "more than one deployable"
        )
        shown += [f"{a} + {b}: {n} commits" for a, b, n in coupling.pairs[:10]]
    if coupling.shared_tables:
        reasons.append(f"{len(coupling.shared_tables)} table(s) written by several deployables")
        shown += [f"{t}: {', '.join(w)}" for t, w in coupling.shared_tables[:10]]
    if not reasons:
        return []
    return [AssessmentWarningDetail(DISTRIBUTED_MONOLITH, "; ".join(reasons), tuple(shown))]


def run_assessment(data: AssessmentInput) -> tuple[AssessmentResult, list[AnalysisWarning]]:
    deployables = find_deployables(sorted(data.paths), data.boundaries, data.service_links)
    evidence = Evidence(
        units=data.units,
        dependencies=data.dependencies,
        structure=data.structure,
        facts=data.facts,
        history=data.history,
        teams=data.teams,
        contexts=data.contexts,
        data_access=data.data_access,
        deployables=deployables,
        rules=data.rules,
    )
    readings = {name: read(evidence) for name, read in READERS.items()}
    scored = signals(readings, data.rules)
    decision = decide(scored, data.rules, len(data.units.names))
    details = _distributed_monolith(data, evidence)
    warnings: list[AnalysisWarning] = []
    missing = sorted(s.id for s in scored if not s.available)
    if missing:
        warnings.append(
            AnalysisWarning(
                "",
                "assessment-partial",
                f"{len(missing)} signal(s) unavailable ({', '.join(missing)}); confidence "
                f"{decision.confidence:.2f}",
            )
        )
    result = AssessmentResult(
        verdict=decision.verdict,
        basis=decision.basis,
        confidence=decision.confidence,
        unit_kind=data.units.kind,
        pressure=decision.scores["pressure"],
        readiness=decision.scores["readiness"],
        distribution=decision.scores["distribution"],
        coverage=decision.coverage,
        signals=scored,
        warnings=tuple(sorted({d.id for d in details})),
        warning_details=tuple(details),
        evidence_against=decision.against,
        rules=data.rules.source,
    )
    return result, warnings
