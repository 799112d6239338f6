"""The rule registry: every rule class by id, and the configuration derived from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archscan.errors import ConfigError
from archscan.rules.base import SEVERITIES, Rule, RuleSpec, parse_options

RULES: dict[str, type[Rule]] = {}


def register(rule: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule available to configurations and packs."""
    if rule.id in RULES:
        raise ValueError(f"rule {rule.id!r} registered twice")
    RULES[rule.id] = rule
    return rule


def threshold_keys() -> tuple[str, ...]:
    """The keys ``[tool.archscan.thresholds]`` accepts: one per threshold rule."""
    return tuple(rule.threshold for rule in RULES.values() if rule.threshold)


def threshold_rule(key: str) -> type[Rule]:
    for rule in RULES.values():
        if rule.threshold == key:
            return rule
    raise ConfigError(f"unknown threshold '{key}' (accepted: {', '.join(threshold_keys())})")


def threshold_spec(key: str, value: Any, severity: str, where: str) -> RuleSpec:
    """``max_cycles = 0`` as the spec of rule max-cycles with option max = 0."""
    rule = threshold_rule(key)
    options = parse_options(rule.Options, {"max": value}, f"{where}.{key}")
    return RuleSpec(rule=rule.id, name=rule.id, severity=severity, options=options)


def rule_spec(table: Mapping[str, Any], where: str) -> RuleSpec:
    """One ``[[rules]]`` entry: rule = "<id>", optional name and severity, the options."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table")
    body = dict(table)
    rule_id = body.pop("rule", None)
    if not isinstance(rule_id, str):
        raise ConfigError(f'{where} needs rule = "<id>" (one of {", ".join(sorted(RULES))})')
    if rule_id not in RULES:
        known = ", ".join(sorted(RULES))
        raise ConfigError(f"unknown rule '{rule_id}' in {where} (known: {known})")
    name = body.pop("name", rule_id)
    severity = body.pop("severity", "error")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"'{where}.name' must be a non-empty string")
    if severity not in SEVERITIES:
        raise ConfigError(f"'{where}.severity' must be one of {', '.join(SEVERITIES)}")
    options = parse_options(RULES[rule_id].Options, body, f"{where} (rule {name})")
    return RuleSpec(rule=rule_id, name=name, severity=severity, options=options)
