"""``archscan check``: the rules' violations against the baseline and the change.

run_check(CheckInput) -> (CheckResult, warnings), as every stage. Which rules run is
``[check] packs`` (default ci-defaults) + ``[thresholds]`` (errors) + ``[[rules]]``;
a later entry with the same name replaces an earlier one.

Exit codes (documented in docs/check.md): 0 clean, 1 new violations (or, with
--strict-baseline, fixed or stale baseline entries), 2 usage/configuration/input error,
3 internal error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from archscan import gitio
from archscan.baseline import Baseline, BaselineEntry
from archscan.config import Config
from archscan.errors import ConfigError
from archscan.records import Analysis, AnalysisWarning
from archscan.rules import RULES, RuleSpec, Violation, load_rule_pack, threshold_spec

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

# What a violation is, relative to the baseline and the change.
NEW = "new"  # reported: fails the check when its severity is error
BASELINED = "baselined"  # known (in the baseline): reported as a count only
OUTSIDE_DIFF = "outside-diff"  # --diff-base: not in a file the change touched
UNREFERENCED = "unreferenced"  # a relative rule (no-new-cycle) with nothing to compare with
STATUSES = (NEW, BASELINED, OUTSIDE_DIFF, UNREFERENCED)


@dataclass(frozen=True)
class Finding:
    violation: Violation
    status: str


@dataclass(frozen=True, kw_only=True)
class CheckInput:
    analysis: Analysis
    specs: tuple[RuleSpec, ...]
    config_file: str  # repository-relative: where violations with no file are reported
    baseline: Baseline | None = None
    changed: frozenset[str] | None = None  # --diff-base: the files the change touched
    strict_baseline: bool = False


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    findings: tuple[Finding, ...]
    fixed: tuple[BaselineEntry, ...]  # in the baseline, no longer found: remove them
    stale: tuple[BaselineEntry, ...]  # rule no longer configured or file gone
    specs: tuple[RuleSpec, ...]
    notes: tuple[str, ...]
    strict_baseline: bool = False
    diff_base: bool = False

    def with_status(self, status: str) -> tuple[Violation, ...]:
        return tuple(f.violation for f in self.findings if f.status == status)

    @property
    def new(self) -> tuple[Violation, ...]:
        return self.with_status(NEW)

    @property
    def exit_code(self) -> int:
        failing = any(v.severity == "error" for v in self.new)
        if failing or (self.strict_baseline and (self.fixed or self.stale)):
            return EXIT_VIOLATIONS
        return EXIT_OK


def effective_specs(config: Config) -> tuple[RuleSpec, ...]:
    """Packs, then the configured thresholds (errors), then [[rules]]; by name, last wins."""
    specs: dict[str, RuleSpec] = {}
    for pack in config.check.packs:
        for spec in load_rule_pack(pack).specs:
            specs[spec.name] = spec
    for key, value in config.thresholds.items():
        spec = threshold_spec(key, value, "error", "thresholds")
        specs[spec.name] = spec
    for spec in config.rules:
        specs[spec.name] = spec
    return tuple(specs.values())


def evaluate(
    analysis: Analysis, specs: Iterable[RuleSpec], config_file: str
) -> tuple[list[Violation], list[str]]:
    """Every violation of every rule (before baseline and diff), sorted; and notes."""
    out: list[Violation] = []
    notes: list[str] = []
    for spec in specs:
        rule = RULES[spec.rule]()
        if "history" in rule.reads and analysis.history is None:
            notes.append(f"rule {spec.name} skipped: it needs the git history")
            continue
        for found in rule.check(analysis, spec.options):
            out.append(
                replace(
                    found,
                    severity=spec.severity,
                    name=spec.name,
                    file=found.file or config_file,
                    line=found.line if found.file else 1,
                )
            )
    unique = {v.fingerprint: v for v in out}
    ordered = sorted(unique.values(), key=lambda v: (v.file, v.line, v.rule, v.fingerprint))
    return ordered, notes


def _status(v: Violation, data: CheckInput, relative: set[str]) -> str:
    if data.baseline is not None and v.fingerprint in data.baseline.fingerprints:
        return BASELINED
    if data.changed is not None:
        return NEW if (v.file in data.changed or v.source in data.changed) else OUTSIDE_DIFF
    if v.name in relative and data.baseline is None:
        return UNREFERENCED
    return NEW


def _unmatched(
    data: CheckInput, found: set[str]
) -> tuple[tuple[BaselineEntry, ...], tuple[BaselineEntry, ...]]:
    if data.baseline is None:
        return (), ()
    names = {s.name for s in data.specs}
    files = {f.path for f in data.analysis.files} | {data.config_file}
    fixed: list[BaselineEntry] = []
    stale: list[BaselineEntry] = []
    for entry in data.baseline.entries:
        if entry.fingerprint in found:
            continue
        gone = entry.name not in names or entry.file not in files
        (stale if gone else fixed).append(entry)
    return tuple(fixed), tuple(stale)


def run_check(data: CheckInput) -> tuple[CheckResult, tuple[AnalysisWarning, ...]]:
    violations, notes = evaluate(data.analysis, data.specs, data.config_file)
    relative = {s.name for s in data.specs if RULES[s.rule].relative}
    findings = tuple(Finding(v, _status(v, data, relative)) for v in violations)
    if any(f.status == UNREFERENCED for f in findings):
        notes.append(
            "no-new-cycle has nothing to compare with (no baseline, no --diff-base): "
            "existing cycles are not failures; record them with `archscan baseline`"
        )
    fixed, stale = _unmatched(data, {v.fingerprint for v in violations})
    result = CheckResult(
        findings=findings,
        fixed=fixed,
        stale=stale,
        specs=data.specs,
        notes=tuple(notes),
        strict_baseline=data.strict_baseline,
        diff_base=data.changed is not None,
    )
    return result, ()


# --- pull-request mode -------------------------------------------------------------


def changed_files(root: Path, ref: str) -> frozenset[str]:
    """Files that differ between REF and the analysed work tree (committed since REF or
    uncommitted), relative to ``root``; the analysis reads tracked files only. A missing
    ref is an error (exit 2)."""
    if not gitio.is_git_repo(root):
        raise ConfigError("--diff-base needs a git repository")
    if ref.startswith("-") or not ref.strip():
        raise ConfigError(f"--diff-base {ref!r} is not a revision")
    # rev-parse --verify --end-of-options REF^{commit}; only the resolved id goes on.
    commit = gitio.resolve_commit(root, ref)
    if commit is None:
        shallow = gitio.run_git(root, ["rev-parse", "--is-shallow-repository"], check=False)
        if shallow.strip() == b"true":
            raise ConfigError(
                f"--diff-base {ref}: not found in this shallow clone; fetch the history "
                "(actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
            )
        raise ConfigError(f"--diff-base {ref}: no such commit in this repository")
    diff = gitio.run_git(
        root, ["diff", "--name-only", "-z", "--no-renames", "--relative", commit, "--"]
    )
    return frozenset(n for n in diff.decode("utf-8", "replace").split("\0") if n)
