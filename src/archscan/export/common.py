"""What every exporter shares: the boundary rules compiled to forbidden group pairs.

Every boundary rule (forbidden, allowed, layers, independence, interface) becomes
:class:`Constraint` records "files of these groups must not import those files", plus
the dependencies that break it today (each tool's baseline). Without configured
boundary rules, the architecture as it is today is exported: each component may keep
depending on what it depends on now, and on nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from archscan.errors import ConfigError
from archscan.graph import UNASSIGNED
from archscan.records import Analysis
from archscan.rules import RULES, RuleSpec
from archscan.rules.boundaries import ForbiddenOptions, aliases, crossing, groups_of

BOUNDARY_RULES = ("forbidden", "allowed", "layers", "independence", "interface")


@dataclass(frozen=True, kw_only=True)
class ExportInput:
    analysis: Analysis
    specs: tuple[RuleSpec, ...]


@dataclass(frozen=True)
class Constraint:
    """Files of ``sources`` (groups) must not import ``targets`` (groups), except the
    files of ``allowed_files`` (an interface); ``known`` breaks it today."""

    name: str
    severity: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    allowed_files: tuple[str, ...] = ()
    known: tuple[tuple[str, str], ...] = ()  # (source file, target file)


@dataclass(frozen=True)
class Boundaries:
    level: str
    groups: dict[str, tuple[str, ...]]  # group -> its files (sorted)
    constraints: tuple[Constraint, ...]


def _members(analysis: Analysis, level: str) -> dict[str, tuple[str, ...]]:
    by_group: dict[str, list[str]] = defaultdict(list)
    for path, group in groups_of(analysis, level).items():
        if group != UNASSIGNED:
            by_group[group].append(path)
    return {g: tuple(sorted(files)) for g, files in sorted(by_group.items())}


def _pairs(spec: RuleSpec, groups: list[str], alias: dict[str, str]) -> list[tuple[str, str]]:
    """The forbidden (source group, target group) pairs of one rule."""
    o = spec.options

    def names(values: tuple[str, ...]) -> list[str]:
        return [alias.get(v, v) for v in values]

    if spec.rule == "forbidden":
        return [(a, b) for a in names(o.source) for b in names(o.forbidden)]
    if spec.rule == "allowed":
        ok = set(names(o.allowed)) | set(names(o.source))
        return [(a, b) for a in names(o.source) for b in groups if b not in ok]
    if spec.rule == "layers":
        layers = names(o.layers)
        return [(low, high) for i, low in enumerate(layers) for high in layers[:i]]
    if spec.rule == "independence":
        members = names(o.members)
        return [(a, b) for a in members for b in members if a != b]
    owner = alias.get(o.component, o.component)  # interface
    return [(a, owner) for a in groups if a != owner]


def _as_is(analysis: Analysis, groups: list[str]) -> list[RuleSpec]:
    """Today's architecture: each component forbidden from what it does not use yet."""
    uses: dict[str, set[str]] = defaultdict(set)
    for _dep, a, b in crossing(analysis, "component"):
        uses[a].add(b)
    out = []
    for group in groups:
        banned = tuple(g for g in groups if g != group and g not in uses[group])
        if banned:
            options = ForbiddenOptions(source=(group,), forbidden=banned)
            out.append(RuleSpec("forbidden", f"{group}-as-is", "error", options))
    return out


def boundaries(data: ExportInput) -> Boundaries:
    specs = [s for s in data.specs if s.rule in BOUNDARY_RULES]
    levels = {s.options.level for s in specs} or {"component"}
    if len(levels) > 1:
        raise ConfigError("export: boundary rules mix levels (component and context)")
    level = levels.pop()
    groups = _members(data.analysis, level)
    if len(groups) < 2:
        raise ConfigError(
            f"export: fewer than two {level}s to put boundaries between; "
            "configure [components] (docs/check.md)"
        )
    specs = specs or _as_is(data.analysis, list(groups))
    alias = aliases(data.analysis, level)
    constraints = []
    for spec in specs:
        known = sorted(
            {(v.source, v.target) for v in RULES[spec.rule]().check(data.analysis, spec.options)}
        )
        by_source: dict[str, list[str]] = defaultdict(list)
        for a, b in _pairs(spec, list(groups), alias):
            if a in groups and b in groups and a != b:
                by_source[a].append(b)
        interface: tuple[str, ...] = ()
        if spec.rule == "interface":
            owner = alias.get(spec.options.component, spec.options.component)
            bad = {t for _s, t in known}
            interface = tuple(
                f for f in groups.get(owner, ()) if f not in bad and _is_interface(f, spec)
            )
        for source, targets in sorted(by_source.items()):
            constraints.append(
                Constraint(
                    name=spec.name if len(by_source) == 1 else f"{spec.name}-{source}",
                    severity=spec.severity,
                    sources=(source,),
                    targets=tuple(sorted(set(targets))),
                    allowed_files=interface,
                    known=tuple(k for k in known if k[0] in groups[source]),
                )
            )
    return Boundaries(level=level, groups=groups, constraints=tuple(constraints))


def _is_interface(path: str, spec: RuleSpec) -> bool:
    from archscan.globs import matches

    return matches(path, spec.options.interface) is not None


def slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "rule"


class PrefixCover:
    """The fewest name prefixes (folders, packages, modules) that cover a group's files
    and no file of another group: short selectors for tools that match by prefix."""

    def __init__(self, bounds: Boundaries, names: dict[str, str], sep: str) -> None:
        self.names = names
        self.sep = sep
        self._owners: dict[str, set[str]] = defaultdict(set)
        group_of = {f: g for g, files in bounds.groups.items() for f in files}
        for path, name in names.items():
            for prefix in self._prefixes(name):
                self._owners[prefix].add(group_of.get(path, ""))

    def _prefixes(self, name: str) -> list[str]:
        parts = name.split(self.sep)
        return [self.sep.join(parts[:i]) for i in range(1, len(parts) + 1)]

    def of_files(self, files: tuple[str, ...], group: str) -> list[str]:
        found: set[str] = set()
        for path in files:
            name = self.names.get(path)
            if name is not None:
                owned = (p for p in self._prefixes(name) if self._owners[p] == {group})
                found.add(next(owned, name))
        sep = self.sep
        return sorted(m for m in found if not any(m.startswith(o + sep) for o in found))
