"""The threshold rules: one limit on one structural metric each (definitions in
docs/metrics.md). Each sets the ``[thresholds]`` key named by ``threshold``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from archscan.records import Analysis, ComponentMetrics, Cycle, Dependency
from archscan.rules.base import Rule, Violation
from archscan.rules.registry import register


@dataclass(frozen=True)
class IntLimit:
    max: int


@dataclass(frozen=True)
class FloatLimit:
    max: float


@dataclass(frozen=True)
class NoOptions:
    pass


def _runtime_file_cycles(analysis: Analysis) -> list[Cycle]:
    """File cycles of import-time edges: the ones archscan reports (type-only and
    deferred imports cannot fail at import time)."""
    return [
        c
        for c in analysis.structure.cycles
        if c.level == "file" and getattr(c, "edge_set", "runtime") == "runtime"
    ]


def _file_cycles(analysis: Analysis) -> list[tuple[str, ...]]:
    return [c.members for c in _runtime_file_cycles(analysis)]


@register
class MaxCycles(Rule):
    id = "max-cycles"
    threshold = "max_cycles"
    description = "At most `max` file-level dependency cycles (strongly connected components)."
    reads = ("structure",)
    Options = IntLimit

    def worst(self, analysis: Analysis) -> float | None:
        return len(_file_cycles(analysis))

    def check(self, analysis: Analysis, options: IntLimit) -> list[Violation]:
        cycles = _file_cycles(analysis)
        if len(cycles) <= options.max:
            return []
        largest = ", ".join(sorted(cycles, key=len, reverse=True)[0][:3])
        return [
            Violation(
                rule=self.id,
                message=f"{len(cycles)} file cycles, more than the limit {options.max} "
                f"(largest starts with {largest}); break a cycle by inverting one import "
                "or moving the shared code into a module both sides import",
            )
        ]


@register
class MaxCycleSize(Rule):
    id = "max-cycle-size"
    threshold = "max_cycle_size"
    description = "No file-level cycle with more than `max` files."
    reads = ("structure",)
    Options = IntLimit

    def worst(self, analysis: Analysis) -> float | None:
        return max((len(c) for c in _file_cycles(analysis)), default=0)

    def check(self, analysis: Analysis, options: IntLimit) -> list[Violation]:
        out = []
        for cycle in _runtime_file_cycles(analysis):
            if len(cycle.members) <= options.max:
                continue
            # The cycle is named by its first member: stable while it grows or shrinks.
            first = min(cycle.members)
            out.append(
                Violation(
                    rule=self.id,
                    message=f"a cycle of {len(cycle.members)} files (limit {options.max}) "
                    f"through {first}; cut the imports that close it (archscan.json lists "
                    "its edges)",
                    file=first,
                    line=1,
                    source=first,
                )
            )
        return out


@register
class MaxPropagationCost(Rule):
    id = "max-propagation-cost"
    threshold = "max_propagation_cost"
    description = "Propagation cost (share of file pairs i != j where j is reachable from i)."
    reads = ("structure",)
    Options = FloatLimit

    def worst(self, analysis: Analysis) -> float | None:
        return analysis.structure.propagation_cost

    def check(self, analysis: Analysis, options: FloatLimit) -> list[Violation]:
        cost = analysis.structure.propagation_cost
        if cost <= options.max:
            return []
        return [
            Violation(
                rule=self.id,
                message=f"propagation cost {cost:.1%} is above the limit {options.max:.1%}: "
                "a change reaches too many files; cut dependencies from widely used files",
            )
        ]


@register
class MaxFileComplexity(Rule):
    id = "max-file-complexity"
    threshold = "max_file_complexity"
    description = "File complexity (sum of its functions' cyclomatic complexity) at most `max`."
    reads = ("structure",)
    Options = IntLimit

    def worst(self, analysis: Analysis) -> float | None:
        return max((f.complexity for f in analysis.structure.files), default=0)

    def check(self, analysis: Analysis, options: IntLimit) -> list[Violation]:
        return [
            Violation(
                rule=self.id,
                message=f"file complexity {f.complexity} is above the limit {options.max}; "
                "split the file by responsibility",
                file=f.path,
                line=1,
                source=f.path,
            )
            for f in analysis.structure.files
            if f.complexity > options.max
        ]


@register
class MaxFunctionComplexity(Rule):
    id = "max-function-complexity"
    threshold = "max_function_complexity"
    description = "Cyclomatic complexity of one function at most `max`."
    reads = ("structure",)
    Options = IntLimit

    def worst(self, analysis: Analysis) -> float | None:
        return max((f.max_complexity for f in analysis.facts.values()), default=0)

    def check(self, analysis: Analysis, options: IntLimit) -> list[Violation]:
        out = []
        for path in sorted(analysis.facts):
            seen: Counter[str] = Counter()
            for fn in analysis.facts[path].functions:
                seen[fn.name] += 1
                if fn.complexity <= options.max:
                    continue
                # Same-named functions (overloads) are told apart by order, not by line.
                key = fn.name if seen[fn.name] == 1 else f"{fn.name}#{seen[fn.name]}"
                out.append(
                    Violation(
                        rule=self.id,
                        message=f"function {fn.name} has cyclomatic complexity "
                        f"{fn.complexity} (limit {options.max}); extract its branches "
                        "into smaller functions",
                        file=path,
                        line=fn.line,
                        source=path,
                        target=key,
                    )
                )
        return out


@register
class MaxFanOut(Rule):
    id = "max-fan-out"
    threshold = "max_fan_out"
    description = "Files one file depends on at most `max`."
    reads = ("structure",)
    Options = IntLimit

    def worst(self, analysis: Analysis) -> float | None:
        return max((f.fan_out for f in analysis.structure.files), default=0)

    def check(self, analysis: Analysis, options: IntLimit) -> list[Violation]:
        return [
            Violation(
                rule=self.id,
                message=f"depends on {f.fan_out} files (limit {options.max}); "
                "the file does too much or sits in the wrong layer",
                file=f.path,
                line=1,
                source=f.path,
            )
            for f in analysis.structure.files
            if f.fan_out > options.max
        ]


def _component_rule(
    rule: Rule, analysis: Analysis, limit: float, metric: str, advice: str
) -> list[Violation]:
    out = []
    for component in analysis.structure.components:
        value = getattr(component, metric)
        if value > limit and _measured(component):
            out.append(
                Violation(
                    rule=rule.id,
                    message=f"component {component.name}: {metric} {value:.2f} is above "
                    f"the limit {limit:.2f}; {advice}",
                    source=component.name,
                )
            )
    return out


def _component_worst(analysis: Analysis, metric: str) -> float:
    measured = [c for c in analysis.structure.components if _measured(c)]
    return max((float(getattr(c, metric)) for c in measured), default=0.0)


def _measured(component: ComponentMetrics) -> bool:
    """A component nothing depends on and that depends on nothing has no meaningful I/D."""
    return component.ca + component.ce > 0


@register
class MaxComponentInstability(Rule):
    id = "max-component-instability"
    threshold = "max_component_instability"
    description = "Instability I = Ce / (Ca + Ce) of each component at most `max`."
    reads = ("structure",)
    Options = FloatLimit

    def worst(self, analysis: Analysis) -> float | None:
        return _component_worst(analysis, "instability")

    def check(self, analysis: Analysis, options: FloatLimit) -> list[Violation]:
        return _component_rule(
            self, analysis, options.max, "instability", "reduce its outgoing dependencies"
        )


@register
class MaxComponentDistance(Rule):
    id = "max-component-distance"
    threshold = "max_component_distance"
    description = "Distance from the main sequence D = |A + I - 1| of each component."
    reads = ("structure",)
    Options = FloatLimit

    def worst(self, analysis: Analysis) -> float | None:
        return _component_worst(analysis, "distance")

    def check(self, analysis: Analysis, options: FloatLimit) -> list[Violation]:
        return _component_rule(
            self,
            analysis,
            options.max,
            "distance",
            "stable components should be abstract, concrete ones unstable",
        )


@register
class NoNewCycle(Rule):
    id = "no-new-cycle"
    description = (
        "No dependency that closes a file cycle, other than those in the baseline "
        "(or, with --diff-base, than those the change did not add)."
    )
    reads = ("structure", "resolution")
    relative = True

    Options = NoOptions

    def check(self, analysis: Analysis, options: object) -> list[Violation]:
        lines = {(d.source, d.target): d.lines for d in analysis.resolution.dependencies}
        edges = sorted({edge for c in _runtime_file_cycles(analysis) for edge in c.edges})
        out = []
        for source, target in edges:
            dep = Dependency(source, target, lines=lines.get((source, target), ()))
            out.append(
                Violation(
                    rule=self.id,
                    message=f"{dep.source} imports {dep.target}, which imports it back "
                    "(through a file cycle); invert the dependency or move the shared "
                    "code into a module both import",
                    file=dep.source,
                    line=min(dep.lines, default=1),
                    source=dep.source,
                    target=dep.target,
                )
            )
        return out
