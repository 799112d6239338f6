"""Resolution: FileFacts + language resolvers -> Dependency records."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from archscan.languages import registry
from archscan.languages.base import ProjectView, Resolver, ResolverSettings
from archscan.records import (
    AnalysisWarning,
    Dependency,
    ExternalDependency,
    FileFacts,
    Resolution,
    SourceFile,
)


@dataclass
class _Collected:
    """What resolution gathers across languages (mutable only inside this module)."""

    dependencies: set[Dependency]
    external: set[ExternalDependency]
    warnings: list[AnalysisWarning]


def _fallback_module(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path


def _resolve_file(resolver: Resolver, facts: FileFacts, out: _Collected) -> None:
    try:
        for item in resolver.resolve(facts):
            if isinstance(item, Dependency):
                out.dependencies.add(item)
            else:
                out.external.add(item)
    except Exception as exc:  # noqa: BLE001 - one file must not sink the analysis
        out.warnings.append(AnalysisWarning(facts.path, "resolver", str(exc)))
    # Optional hook: a resolver's own warnings (unresolved imports, missing files, ...).
    extra = getattr(resolver, "warnings_for", None)
    if extra is not None:
        try:
            out.warnings.extend(extra(facts))
        except Exception as exc:  # noqa: BLE001
            out.warnings.append(AnalysisWarning(facts.path, "resolver", str(exc)))


def _with_local(dependencies: set[Dependency], facts: Mapping[str, FileFacts]) -> set[Dependency]:
    """Flag a dependency ``local`` when every import on its lines is deferred (inside a
    function body): it does not run at import time. Edges that come from no import
    statement (same-package names, references) are never local."""
    # per source file: line -> every import on that line is local (built once per file,
    # not once per dependency)
    local_lines: dict[str, dict[int, bool]] = {}
    flagged: set[Dependency] = set()
    for dep in dependencies:
        found = facts.get(dep.source)
        if found is None or not dep.lines:
            flagged.add(dep)
            continue
        lines = local_lines.get(dep.source)
        if lines is None:
            lines = local_lines[dep.source] = {}
            for item in found.imports:
                lines[item.line] = lines.get(item.line, True) and item.local
        if all(lines.get(line, False) for line in dep.lines):
            dep = replace(dep, local=True)
        flagged.add(dep)
    return flagged


def _one_per_pair(dependencies: set[Dependency]) -> tuple[Dependency, ...]:
    """One dependency per (source, target): a graph edge is one fact, however many
    statements (of whatever kinds) establish it. Lines are merged; the edge is type-only
    when every contributing dependency is."""
    merged: dict[tuple[str, str], Dependency] = {}
    for dep in sorted(dependencies, key=lambda d: (d.source, d.target, d.kind)):
        key = (dep.source, dep.target)
        seen = merged.get(key)
        if seen is None:
            merged[key] = dep
        else:
            merged[key] = replace(
                seen,
                lines=tuple(sorted(set(seen.lines) | set(dep.lines))),
                type_only=seen.type_only and dep.type_only,
                local=seen.local and dep.local,
            )
    return tuple(merged.values())


def resolve_all(
    root: Path,
    files: Sequence[SourceFile],
    facts: Mapping[str, FileFacts],
    settings: ResolverSettings | None = None,
    boundary_of: Callable[[str], str] | None = None,
) -> Resolution:
    """Resolve every parsed file with its language's resolver (one resolver per language).

    ``boundary_of`` scopes resolution: a name defined in several boundaries resolves
    inside the importer's own boundary first (resolvers that index names use it)."""
    return resolve_tracked(root, files, facts, settings, boundary_of)[0]


def resolve_tracked(
    root: Path,
    files: Sequence[SourceFile],
    facts: Mapping[str, FileFacts],
    settings: ResolverSettings | None = None,
    boundary_of: Callable[[str], str] | None = None,
) -> tuple[Resolution, frozenset[str]]:
    """``resolve_all`` and the paths whose text the resolvers read (configuration files,
    Ruby initializers): what the resolution cache must check besides the facts."""
    project = ProjectView(root, files, facts, settings, boundary_of)
    languages = sorted(
        {f.language for f in files if f.language and registry.has_plugin(f.language)}
    )
    modules: dict[str, str] = {}
    out = _Collected(set(), set(), [])
    for language in languages:
        try:
            resolver = registry.plugin(language).resolver(project)
        except Exception as exc:  # noqa: BLE001 - one language must not sink the others
            out.warnings.append(AnalysisWarning("", "resolver", f"{language}: {exc}"))
            continue
        for file in files:
            if file.language == language and file.path in facts:
                modules[file.path] = resolver.module_name(file.path)
                _resolve_file(resolver, facts[file.path], out)
        # Optional hook: problems of the language's whole project (broken configuration
        # files, aliases leaving the repository), known once every file is resolved.
        project_problems = getattr(resolver, "project_warnings", None)
        if project_problems is not None:
            try:
                out.warnings.extend(project_problems())
            except Exception as exc:  # noqa: BLE001
                out.warnings.append(AnalysisWarning("", "resolver", f"{language}: {exc}"))
    for file in files:
        modules.setdefault(file.path, _fallback_module(file.path))
    resolution = Resolution(
        modules=dict(sorted(modules.items())),
        dependencies=_one_per_pair(_with_local(out.dependencies, facts)),
        external=tuple(sorted(out.external, key=lambda e: (e.source, e.package))),
        warnings=tuple(out.warnings),
    )
    return resolution, frozenset(project.reads)
