"""Rules of ``archscan check``: a registry of rule classes (see docs/check.md).

Importing the package registers every shipped rule; ``RULES`` maps id -> class.
"""

from __future__ import annotations

from archscan.rules import boundaries, history, thresholds  # noqa: F401 - registers the rules
from archscan.rules.base import SEVERITIES, Rule, RuleSpec, Violation, parse_options
from archscan.rules.packs import RulePack, available_packs, load_rule_pack, parse_pack
from archscan.rules.registry import RULES, register, rule_spec, threshold_keys, threshold_spec

__all__ = [
    "RULES",
    "SEVERITIES",
    "Rule",
    "RulePack",
    "RuleSpec",
    "Violation",
    "available_packs",
    "load_rule_pack",
    "parse_options",
    "parse_pack",
    "register",
    "rule_spec",
    "threshold_keys",
    "threshold_spec",
]
