"""Thresholds and weights of the assessment: rules/assessment.yaml, overridable per
engagement by ``[tool.archscan.assessment]`` and ``--rules FILE`` (same shape, any subset).

Every key is validated against the record that declares it: an unknown key or a value of
the wrong type is a ConfigError naming the key (exit 2), never a silently ignored typo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from archscan.assess.definitions import SIGNAL_IDS
from archscan.resources import data_dir, shipped_yaml


class RulesError(ValueError):
    """An assessment rules table is invalid (the CLI reports it as a configuration error)."""


@dataclass(frozen=True)
class SignalRule:
    threshold: float  # where the score crosses 0
    span: float  # distance (or factor, for log-scaled signals) from threshold to a full score
    weight: float


@dataclass(frozen=True)
class VerdictRule:
    split_pressure: float  # pressure below this: stay a monolith
    split_readiness: float  # readiness below this (with pressure): modular monolith first
    ready_pressure: float  # both at least these: microservices-ready
    ready_readiness: float
    modular_min_units: int  # without pressure, this many units and ...
    modular_min_sloc: int  # ... this much code make it modular-monolith-first, not stay
    distributed_deployables: int  # this many deployables or more: already distributed
    distributed_monolith_co_change: float  # share of service commits touching >1 service
    max_changeset_size: int  # commits with more files are bulk changes, left out of co-change


@dataclass(frozen=True)
class TeamRule:
    window_days: int  # "active": a commit this recently before the HEAD commit
    core_share: float  # core contributors make this share of the window's commits
    min_commits: int  # fewer commits in the window: an occasional contributor, not clustered
    similarity: float  # average-linkage clustering stops below this cosine similarity
    coordination_units: float  # effective units an author spans to count as coordination
    max_clustered: int  # most active authors clustered (the others join their nearest group)


@dataclass(frozen=True)
class ExtractionRule:
    boundedness: float  # weights of the score's factors
    change: float
    independence: float
    data: float
    risk: float
    wave_size: int  # candidates per wave
    min_score: float  # below this a unit is kept in the monolith
    max_share: float  # a unit with more of the SLOC is the monolith's core, not a candidate
    min_files: int  # smaller units are too small to be a service of their own
    max_listed: int  # dependencies listed per candidate (the total is always given)
    top_hotspots: int  # hotspots counted as risk: the repository's top N


@dataclass(frozen=True)
class AssessmentRules:
    signals: Mapping[str, SignalRule]
    verdict: VerdictRule
    teams: TeamRule
    extraction: ExtractionRule
    source: str  # where they were read from, last override last


_SECTIONS: dict[str, type] = {
    "verdict": VerdictRule,
    "teams": TeamRule,
    "extraction": ExtractionRule,
}
_T = TypeVar("_T")


def _number(value: Any, kind: type, where: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RulesError(f"'{where}' must be a number")
    if kind is int and not isinstance(value, int):
        raise RulesError(f"'{where}' must be an integer")
    if value < 0:
        raise RulesError(f"'{where}' must not be negative")
    return int(value) if kind is int else float(value)


def _check_keys(table: Any, allowed: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise RulesError(f"'{where}' must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        names = ", ".join(f"'{where}.{key}'" for key in unknown)
        raise RulesError(f"unknown key(s) in assessment rules: {names}")
    return table


def _record(kind: type[_T], base: _T | None, table: Any, where: str) -> _T:
    """A section record from its table; ``base`` supplies the keys the table leaves out."""
    declared = {f.name: f for f in fields(kind)}  # type: ignore[arg-type]
    table = _check_keys(table, set(declared), where)
    values = {
        key: _number(item, int if declared[key].type in ("int", int) else float, f"{where}.{key}")
        for key, item in table.items()
    }
    if base is not None:
        return replace(base, **values)  # type: ignore[type-var]
    missing = sorted(set(declared) - set(values))
    if missing:
        raise RulesError(f"'{where}' misses key(s): {', '.join(missing)}")
    return kind(**values)


def _signals(
    base: Mapping[str, SignalRule] | None, table: Any, where: str
) -> dict[str, SignalRule]:
    table = _check_keys(table, set(SIGNAL_IDS), where)
    out = dict(base or {})
    for name, rule in table.items():
        out[name] = _record(SignalRule, out.get(name), rule, f"{where}.{name}")
    missing = sorted(set(SIGNAL_IDS) - set(out))
    if missing:
        raise RulesError(f"'{where}' misses signal(s): {', '.join(missing)}")
    return {name: out[name] for name in SIGNAL_IDS}


def apply_table(base: AssessmentRules | None, table: Any, source: str) -> AssessmentRules:
    """Rules from a table shaped like rules/assessment.yaml; ``base`` fills what it omits."""
    allowed = {"signals", *_SECTIONS, "name", "description"}
    table = _check_keys(table, allowed, "assessment")
    signals = _signals(base.signals if base else None, table.get("signals", {}), "signals")
    sections: dict[str, Any] = {}
    for key, kind in _SECTIONS.items():
        previous = getattr(base, key) if base else None
        sections[key] = _record(kind, previous, table.get(key, {}), key)
    where = f"{base.source} + {source}" if base and base.source else source
    return AssessmentRules(signals=signals, source=where, **sections)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise RulesError(f"cannot read rules file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"rules file {path} is not valid YAML: {exc}") from exc


def default_rules() -> AssessmentRules:
    """The shipped rules/assessment.yaml (complete: every key present)."""
    text = (data_dir("rules") / "assessment.yaml").read_text(encoding="utf-8")
    return apply_table(None, shipped_yaml(text) or {}, "assessment.yaml")


def rules_file(path: Path, base: AssessmentRules | None = None) -> AssessmentRules:
    """``--rules FILE`` on top of ``base`` (the shipped rules when None)."""
    return apply_table(base or default_rules(), _read_yaml(path), str(path))
