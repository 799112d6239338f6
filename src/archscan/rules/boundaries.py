"""Dependency rules between components or contexts (import-linter's contract types):
forbidden, allowed, layers, independence and "only through this interface".

``level = "component"`` (default) uses the components of the analysis (configured, or
the detected build projects); ``level = "context"`` uses the candidate contexts when the
analysis has them (names or ids). Unknown names are configuration errors (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from archscan.errors import ConfigError
from archscan.globs import matches
from archscan.records import Analysis, Dependency
from archscan.rules.base import Rule, Violation
from archscan.rules.registry import register

LEVELS = ("component", "context")


def groups_of(analysis: Analysis, level: str) -> dict[str, str]:
    """File -> group name at ``level``."""
    if level == "component":
        return {f.path: f.component for f in analysis.structure.files}
    if level == "context":
        if analysis.contexts is None:
            raise ConfigError('a rule uses level = "context" but the analysis has no contexts')
        return {path: c.name for c in analysis.contexts.contexts for path in c.files}
    raise ConfigError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")


def known_groups(analysis: Analysis, level: str) -> set[str]:
    if level == "context":
        groups_of(analysis, level)  # says when the analysis has no contexts
        assert analysis.contexts is not None
        return {c.name for c in analysis.contexts.contexts}
    return set(analysis.components) | {c.name for c in analysis.structure.components}


def aliases(analysis: Analysis, level: str) -> dict[str, str]:
    """Context ids accepted for their names (c1 -> "billing")."""
    if level == "context" and analysis.contexts is not None:
        return {c.id: c.name for c in analysis.contexts.contexts}
    return {}


def resolve_names(analysis: Analysis, level: str, names: tuple[str, ...], where: str) -> set[str]:
    alias = aliases(analysis, level)
    resolved = {alias.get(n, n) for n in names}
    unknown = sorted(resolved - known_groups(analysis, level))
    if unknown:
        known = ", ".join(sorted(known_groups(analysis, level))) or "none"
        raise ConfigError(f"rule {where}: unknown {level}(s) {', '.join(unknown)} (known: {known})")
    return resolved


def crossing(analysis: Analysis, level: str) -> Iterator[tuple[Dependency, str, str]]:
    """Each dependency between two different groups, with both groups."""
    group = groups_of(analysis, level)
    for dep in analysis.resolution.dependencies:
        a, b = group.get(dep.source), group.get(dep.target)
        if a is not None and b is not None and a != b:
            yield dep, a, b


def dependency_violation(rule: str, dep: Dependency, a: str, b: str, why: str) -> Violation:
    line = min(dep.lines, default=1)
    return Violation(
        rule=rule,
        message=f"{dep.source} ({a}) imports {dep.target} ({b}) at line {line}: {why}",
        file=dep.source,
        line=line,
        source=dep.source,
        target=dep.target,
    )


def _check_edges(
    rule: Rule, analysis: Analysis, level: str, broken: Callable[[str, str], str]
) -> list[Violation]:
    """Violations for the crossing dependencies ``broken(a, b)`` explains ("" = allowed)."""
    out = []
    for dep, a, b in crossing(analysis, level):
        why = broken(a, b)
        if why:
            out.append(dependency_violation(rule.id, dep, a, b, why))
    return out


@dataclass(frozen=True)
class ForbiddenOptions:
    source: tuple[str, ...]
    forbidden: tuple[str, ...]
    level: str = "component"


@register
class Forbidden(Rule):
    id = "forbidden"
    description = "Files of the `source` groups must not depend on the `forbidden` groups."
    reads = ("structure", "resolution", "contexts")
    Options = ForbiddenOptions

    def check(self, analysis: Analysis, options: ForbiddenOptions) -> list[Violation]:
        sources = resolve_names(analysis, options.level, options.source, self.id)
        banned = resolve_names(analysis, options.level, options.forbidden, self.id)

        def broken(a: str, b: str) -> str:
            if a in sources and b in banned:
                return f"{a} must not depend on {b}; move the code or invert the dependency"
            return ""

        return _check_edges(self, analysis, options.level, broken)


@dataclass(frozen=True)
class AllowedOptions:
    source: tuple[str, ...]
    allowed: tuple[str, ...]
    level: str = "component"


@register
class Allowed(Rule):
    id = "allowed"
    description = "Files of the `source` groups may depend only on the `allowed` groups."
    reads = ("structure", "resolution", "contexts")
    Options = AllowedOptions

    def check(self, analysis: Analysis, options: AllowedOptions) -> list[Violation]:
        sources = resolve_names(analysis, options.level, options.source, self.id)
        allowed = resolve_names(analysis, options.level, options.allowed, self.id)

        def broken(a: str, b: str) -> str:
            if a in sources and b not in allowed:
                return f"{a} may depend only on {', '.join(sorted(allowed))}"
            return ""

        return _check_edges(self, analysis, options.level, broken)


@dataclass(frozen=True)
class LayersOptions:
    layers: tuple[str, ...]  # highest first: a layer may use the ones below it
    level: str = "component"


@register
class Layers(Rule):
    id = "layers"
    description = "`layers` from highest to lowest: a lower layer must not use a higher one."
    reads = ("structure", "resolution", "contexts")
    Options = LayersOptions

    def check(self, analysis: Analysis, options: LayersOptions) -> list[Violation]:
        resolve_names(analysis, options.level, options.layers, self.id)
        alias = aliases(analysis, options.level)
        rank = {alias.get(n, n): i for i, n in enumerate(options.layers)}

        def broken(a: str, b: str) -> str:
            if a in rank and b in rank and rank[a] > rank[b]:
                return f"layer {a} is below {b} and must not use it; invert with an interface"
            return ""

        return _check_edges(self, analysis, options.level, broken)


@dataclass(frozen=True)
class IndependenceOptions:
    members: tuple[str, ...]
    level: str = "component"


@register
class Independence(Rule):
    id = "independence"
    description = "The `members` groups must not depend on each other."
    reads = ("structure", "resolution", "contexts")
    Options = IndependenceOptions

    def check(self, analysis: Analysis, options: IndependenceOptions) -> list[Violation]:
        members = resolve_names(analysis, options.level, options.members, self.id)

        def broken(a: str, b: str) -> str:
            if a in members and b in members:
                return f"{a} and {b} must stay independent; share code through a third module"
            return ""

        return _check_edges(self, analysis, options.level, broken)


@dataclass(frozen=True)
class InterfaceOptions:
    component: str
    interface: tuple[str, ...]  # globs of the files other groups may use
    level: str = "component"


@register
class Interface(Rule):
    id = "interface"
    description = "Other groups may use `component` only through its `interface` files."
    reads = ("structure", "resolution", "contexts")
    Options = InterfaceOptions

    def check(self, analysis: Analysis, options: InterfaceOptions) -> list[Violation]:
        (owner,) = resolve_names(analysis, options.level, (options.component,), self.id)
        out = []
        for dep, a, b in crossing(analysis, options.level):
            if b == owner and not matches(dep.target, options.interface):
                why = (
                    f"{owner} may be used only through {', '.join(options.interface)}; "
                    "import its interface instead"
                )
                out.append(dependency_violation(self.id, dep, a, b, why))
        return out
