"""Rules on the git history: temporal coupling across components, hotspot score."""

from __future__ import annotations

from dataclasses import dataclass

from archscan.records import Analysis
from archscan.rules.base import Rule, Violation
from archscan.rules.registry import register


@dataclass(frozen=True)
class CouplingLimit:
    max: int  # coupling degree, percent (code-maat's definition)


@register
class MaxCrossComponentCoupling(Rule):
    id = "max-cross-component-coupling"
    threshold = "max_cross_component_coupling"
    description = "Temporal coupling degree (%) of two files in different components."
    reads = ("history",)
    Options = CouplingLimit

    def check(self, analysis: Analysis, options: CouplingLimit) -> list[Violation]:
        if analysis.history is None:
            return []
        return [
            Violation(
                rule=self.id,
                message=f"{pair.entity} ({pair.component_entity}) and {pair.coupled} "
                f"({pair.component_coupled}) change together: degree {pair.degree}% over "
                f"{pair.shared} shared commits (limit {options.max}%); one change "
                "crosses a boundary, so the boundary may be in the wrong place",
                file=pair.entity,
                line=1,
                source=pair.entity,
                target=pair.coupled,
            )
            for pair in analysis.history.coupling
            if pair.cross_boundary and pair.degree > options.max
        ]


@dataclass(frozen=True)
class ScoreLimit:
    max: int  # revisions x complexity


@register
class MaxHotspotScore(Rule):
    id = "max-hotspot-score"
    threshold = "max_hotspot_score"
    description = "Hotspot score (revisions x complexity) of one file at most `max`."
    reads = ("history", "structure")
    Options = ScoreLimit

    def check(self, analysis: Analysis, options: ScoreLimit) -> list[Violation]:
        if analysis.history is None:
            return []
        return [
            Violation(
                rule=self.id,
                message=f"hotspot score {spot.score} ({spot.revisions} revisions x "
                f"complexity {spot.complexity}) is above {options.max}; refactor this "
                "often-changed complex file first",
                file=spot.path,
                line=1,
                source=spot.path,
            )
            for spot in analysis.history.hotspots
            if spot.score > options.max
        ]
