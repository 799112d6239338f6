"""The rule interface: a rule has an id, a description, the Analysis sections it reads,
options declared once as a frozen record, and ``check(analysis, options) -> [Violation]``.

Options are validated from their declaration (the dataclass fields and their types), so
a rule author writes the record and nothing else: unknown keys and wrong types are
reported by name (exit 2), as the configuration is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from archscan.errors import ConfigError
from archscan.records import Analysis

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Violation:
    """One broken rule. ``file`` is repository-relative ("" = no natural file: the
    reporters put it at the configuration file). ``source``/``target`` are the logical
    keys of the fingerprint (files, components, functions), never line numbers, so an
    edit above the import does not make a known violation look new."""

    rule: str  # rule id (SARIF ruleId)
    message: str  # what broke, where, how to fix it
    file: str = ""
    line: int = 0  # 1-based; 0 = none (the import line for a dependency)
    source: str = ""
    target: str = ""
    severity: str = "error"
    name: str = ""  # the configured rule instance ("" = the rule id)

    @property
    def fingerprint(self) -> str:
        key = "\0".join((self.name or self.rule, self.source, self.target))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class Rule:
    """Base class of a registered rule (subclass, set the class attributes, register)."""

    id: ClassVar[str]
    description: ClassVar[str]
    reads: ClassVar[tuple[str, ...]]  # Analysis sections: structure, resolution, history, ...
    Options: ClassVar[type]  # a frozen dataclass; its fields are the accepted keys
    # The [thresholds] key that sets this rule's `max` option ("" = not a threshold).
    threshold: ClassVar[str] = ""
    # Only meaningful against a reference (a baseline or --diff-base): without one,
    # its findings are recorded in a baseline but not reported by `check`.
    relative: ClassVar[bool] = False

    def check(self, analysis: Analysis, options: Any) -> list[Violation]:
        raise NotImplementedError

    def worst(self, analysis: Analysis) -> float | None:
        """A threshold rule: today's worst value (`check --init` starts its limit there)."""
        return None


@dataclass(frozen=True)
class RuleSpec:
    """One configured use of a rule: ``[[tool.archscan.rules]]`` or a pack entry."""

    rule: str
    name: str
    severity: str
    options: Any  # the rule's Options record


def _type_name(kind: Any) -> str:
    if typing.get_origin(kind) is tuple:
        return "a list of strings"
    return {int: "an integer", float: "a number", str: "a string", bool: "true or false"}.get(
        kind, str(kind)
    )


def _coerce(kind: Any, value: Any, where: str) -> Any:
    """A TOML/YAML value checked against one declared option type."""
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        # 2.0 is an integer limit written as a number (thresholds are stored as numbers).
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif kind is str:
        ok = isinstance(value, str)
    elif typing.get_origin(kind) is tuple:
        value = [value] if isinstance(value, str) else value
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:  # pragma: no cover - a rule declared an unsupported option type
        raise TypeError(f"unsupported option type {kind!r} in {where}")
    if not ok:
        raise ConfigError(f"'{where}' must be {_type_name(kind)}")
    return value


def parse_options(options_type: type, table: Mapping[str, Any], where: str) -> Any:
    """Build an Options record from a table, validated from the record's declaration."""
    hints = typing.get_type_hints(options_type)
    fields = {f.name: f for f in dataclasses.fields(options_type)}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        names = ", ".join(f"'{k}'" for k in unknown)
        raise ConfigError(f"unknown key(s) in {where}: {names} (accepted: {', '.join(fields)})")
    missing = [
        name
        for name, f in fields.items()
        if name not in table
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise ConfigError(f"{where} needs {', '.join(repr(m) for m in missing)}")
    values = {key: _coerce(hints[key], value, f"{where}.{key}") for key, value in table.items()}
    return options_type(**values)
