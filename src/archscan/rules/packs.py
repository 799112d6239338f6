"""Rule packs: named YAML files in ``rules/`` that combine thresholds and rules.

name: strict
description: ...
severity: error            # of its thresholds (default error)
thresholds: {max_cycles: 0, ...}
rules: [{rule: no-new-cycle}, {rule: layers, layers: [api, core]}]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archscan.errors import ConfigError
from archscan.resources import data_dir
from archscan.rules.base import SEVERITIES, RuleSpec
from archscan.rules.registry import rule_spec, threshold_spec

_PACK_KEYS = {"name", "description", "severity", "thresholds", "rules"}


@dataclass(frozen=True)
class RulePack:
    name: str
    description: str
    thresholds: dict[str, float]
    specs: tuple[RuleSpec, ...] = ()  # thresholds and rules, in file order


def available_packs() -> list[str]:
    return sorted(p.stem for p in data_dir("rules").glob("*.yaml"))


def load_rule_pack(name: str, directory: Path | None = None) -> RulePack:
    """Load and validate a pack (each entry is validated by the rule that declares it)."""
    import yaml  # here: every configuration imports this module, few load a pack

    path = (directory or data_dir("rules")) / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        known = ", ".join(available_packs())
        raise ConfigError(f"no rule pack named {name!r} ({exc.strerror}; known: {known})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"rule pack {name!r} is not valid YAML: {exc}") from exc
    return parse_pack(raw, name)


def parse_pack(raw: object, name: str) -> RulePack:
    where = f"rule pack {name}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping")
    unknown = sorted(set(raw) - _PACK_KEYS)
    if unknown:
        raise ConfigError(f"unknown key(s) in {where}: {', '.join(map(repr, unknown))}")
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise ConfigError(f"'{where}.severity' must be one of {', '.join(SEVERITIES)}")
    thresholds = raw.get("thresholds", {})
    rules = raw.get("rules", [])
    if not isinstance(thresholds, dict) or not isinstance(rules, list):
        raise ConfigError(f"{where}: 'thresholds' must be a mapping and 'rules' a list")
    specs = [threshold_spec(k, v, severity, f"{where} thresholds") for k, v in thresholds.items()]
    specs += [rule_spec(entry, f"{where} rules[{i}]") for i, entry in enumerate(rules)]
    return RulePack(
        name=str(raw.get("name", name)),
        description=str(raw.get("description", "")),
        thresholds={key: float(value) for key, value in thresholds.items()},
        specs=tuple(specs),
    )
