"""Readings -> scored signals -> the verdict, its confidence and the evidence against it.

Scores run from -1 (keep together) to +1 (split). Each group's score is the weighted mean
of its available signals; the verdict follows from the group scores and the thresholds of
rules/assessment.yaml (docs/assessment.md, "How the verdict is reached").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from archscan.assess.definitions import (
    DISTRIBUTION,
    EXPECTED,
    PRESSURE,
    READINESS,
    SIGNALS,
    SPLIT_BELOW,
    SignalDefinition,
)
from archscan.assess.rules import AssessmentRules, SignalRule
from archscan.assess.signals import Reading
from archscan.records import EvidenceAgainst, Signal

AGAINST_MIN = 0.05  # |score| below this is no evidence either way


def score(definition: SignalDefinition, rule: SignalRule, value: float) -> float:
    if definition.log_scale:
        if value <= 0:
            raw = -1.0
        elif rule.span > 1 and rule.threshold > 0:
            raw = math.log(value / rule.threshold) / math.log(rule.span)
        else:
            raw = 1.0 if value > rule.threshold else -1.0
    elif rule.span > 0:
        raw = (value - rule.threshold) / rule.span
    else:
        raw = 1.0 if value > rule.threshold else -1.0
    raw = max(-1.0, min(1.0, raw))
    return round(-raw if definition.direction == SPLIT_BELOW else raw, 4)


def _side(value: float) -> str:
    if value > AGAINST_MIN:
        return "favours a split"
    if value < -AGAINST_MIN:
        return "favours keeping it together"
    return "neutral"


def signals(readings: Mapping[str, Reading], rules: AssessmentRules) -> tuple[Signal, ...]:
    out = []
    for definition in SIGNALS:
        reading = readings[definition.id]
        rule = rules.signals[definition.id]
        value = None if reading.value is None else round(float(reading.value), 4)
        points = 0.0
        if reading.available and value is not None and not reading.neutral:
            points = score(definition, rule, value)
        if not reading.available:
            reason = f"{reading.finding} (unavailable)"
        else:
            where = ">" if definition.direction == "split-above" else "<"
            reason = f"{reading.finding}: {_side(points)} (split {where} {rule.threshold:g})"
        out.append(
            Signal(
                id=definition.id,
                name=definition.name,
                group=definition.group,
                value=value,
                threshold=rule.threshold,
                direction=definition.direction,
                weight=rule.weight,
                score=points,
                available=reading.available,
                source=definition.source,
                reason=reason,
            )
        )
    return tuple(out)


def group_score(items: Sequence[Signal], group: str) -> float:
    chosen = [s for s in items if s.group == group and s.available]
    weight = sum(s.weight for s in chosen)
    return round(sum(s.weight * s.score for s in chosen) / weight, 4) if weight else 0.0


@dataclass(frozen=True)
class Decision:
    verdict: str
    basis: str  # the rule that decided, in words
    confidence: float
    coverage: float
    scores: Mapping[str, float]
    against: tuple[EvidenceAgainst, ...]


def _value(items: Sequence[Signal], name: str) -> float:
    found = next(s for s in items if s.id == name)
    return found.value or 0.0


def _verdict(
    items: Sequence[Signal], scores: Mapping[str, float], rules: AssessmentRules, units: int
) -> tuple[str, str, Mapping[str, int]]:
    """(verdict, basis, what it expects of each group), first matching rule wins."""
    v = rules.verdict
    pressure, readiness = scores[PRESSURE], scores[READINESS]
    deployables = _value(items, "deployables")
    if deployables >= v.distributed_deployables:
        return (
            "already-distributed",
            f"{deployables:g} deployables (at least {v.distributed_deployables})",
            EXPECTED["already-distributed"],
        )
    if pressure < v.split_pressure:
        sloc = _value(items, "size")
        if units >= v.modular_min_units and sloc >= v.modular_min_sloc:
            return (
                "modular-monolith-first",
                f"Little pressure to split (pressure {pressure:+.2f}) on a system of {units} "
                f"units and {sloc:,.0f} SLOC: keep it one deployable, with firm modules",
                {PRESSURE: -1},
            )
        return (
            "stay-monolith",
            f"Little pressure to split (pressure {pressure:+.2f}) on a small system "
            f"({units} unit{'s' if units != 1 else ''}, {sloc:,.0f} SLOC)",
            EXPECTED["stay-monolith"],
        )
    if readiness < v.split_readiness:
        return (
            "modular-monolith-first",
            f"Pressure to split ({pressure:+.2f}) but the boundaries are not there yet "
            f"(readiness {readiness:+.2f})",
            EXPECTED["modular-monolith-first"],
        )
    if pressure >= v.ready_pressure and readiness >= v.ready_readiness:
        return (
            "microservices-ready",
            f"Strong pressure ({pressure:+.2f}) and clean boundaries (readiness {readiness:+.2f})",
            EXPECTED["microservices-ready"],
        )
    return (
        "selective-extraction",
        f"Pressure ({pressure:+.2f}) and usable boundaries (readiness {readiness:+.2f}), not "
        "both strong: extract the best-bounded units first",
        EXPECTED["selective-extraction"],
    )


def decide(items: Sequence[Signal], rules: AssessmentRules, units: int) -> Decision:
    scores = {g: group_score(items, g) for g in (PRESSURE, READINESS, DISTRIBUTION)}
    verdict, basis, expected = _verdict(items, scores, rules, units)
    relevant = [s for s in items if s.group in expected and s.available]
    support = sum(s.weight * max(0.0, s.score * expected[s.group]) for s in relevant)
    contrary = sum(s.weight * max(0.0, -s.score * expected[s.group]) for s in relevant)
    weighed = support + contrary
    agreement = 0.5 + 0.5 * (support - contrary) / weighed if weighed else 0.5
    total = sum(s.weight for s in items)
    coverage = round(sum(s.weight for s in items if s.available) / total, 4) if total else 0.0
    against = sorted(
        (
            EvidenceAgainst(s.id, round(s.weight * abs(s.score), 4), s.reason)
            for s in relevant
            if s.score * expected[s.group] < -AGAINST_MIN
        ),
        key=lambda e: (-e.weight, e.signal),
    )
    return Decision(
        verdict=verdict,
        basis=basis,
        confidence=round(coverage * agreement, 2),
        coverage=coverage,
        scores=scores,
        against=tuple(against),
    )
