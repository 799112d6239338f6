"""Resolution: FileFacts + language resolvers -> Dependency records."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
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


@dataclass(frozen=True)
class FileResolution:
    """What resolving one file gave: its dependencies (merged per target, flagged local),
    its external packages (sorted) and its warnings, in the order they were raised."""

    dependencies: tuple[Dependency, ...]
    external: tuple[ExternalDependency, ...]
    warnings: tuple[AnalysisWarning, ...]


Answers = Mapping[str, object]  # an incremental resolver's index: name -> its answer


@dataclass(frozen=True, kw_only=True)
class Reusable:
    """Per-file results a resolution leaves for the next one (docs/languages.md,
    "Incremental resolution"). A file's result is reused when ``context`` (everything
    every resolver sees: archscan's parsers and resolvers, Python's version, the
    settings) is unchanged, the digest of its resolver-visible facts is still
    ``parts[path]``, and none of the names it looked up (``lookups[path]``) has another
    answer in its resolver's index than in ``indexes[language]``."""

    context: str
    indexes: Mapping[str, Answers]
    parts: Mapping[str, bytes]
    results: Mapping[str, FileResolution]
    lookups: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Tracked:
    """A resolution, the paths whose text its resolvers read (configuration files, Ruby
    initializers: what a stored result must check besides the facts), the per-file
    results for the next run (None without ``parts``) and how many files were resolved
    anew (the others were reused)."""

    resolution: Resolution
    reads: frozenset[str]
    reusable: Reusable | None
    resolved: int


def _fallback_module(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path


def _resolve_file(resolver: Resolver, facts: FileFacts) -> FileResolution:
    dependencies: set[Dependency] = set()
    external: set[ExternalDependency] = set()
    warnings: list[AnalysisWarning] = []
    try:
        for item in resolver.resolve(facts):
            if isinstance(item, Dependency):
                dependencies.add(item)
            else:
                external.add(item)
    except Exception as exc:  # noqa: BLE001 - one file must not sink the analysis
        warnings.append(AnalysisWarning(facts.path, "resolver", str(exc)))
    # Optional hook: a resolver's own warnings (unresolved imports, missing files, ...).
    extra = getattr(resolver, "warnings_for", None)
    if extra is not None:
        try:
            warnings.extend(extra(facts))
        except Exception as exc:  # noqa: BLE001
            warnings.append(AnalysisWarning(facts.path, "resolver", str(exc)))
    return FileResolution(
        _one_per_pair(_with_local(dependencies, facts)),
        tuple(sorted(external, key=lambda e: (e.source, e.package))),
        tuple(warnings),
    )


def _with_local(dependencies: set[Dependency], facts: FileFacts) -> set[Dependency]:
    """Flag a dependency of the file ``local`` when every import on its lines is
    deferred (inside a function body): it does not run at import time. Edges that come
    from no import statement (same-package names, references) are never local."""
    lines: dict[int, bool] = {}  # line -> every import on that line is local
    for item in facts.imports:
        lines[item.line] = lines.get(item.line, True) and item.local
    flagged: set[Dependency] = set()
    for dep in dependencies:
        if dep.source == facts.path and dep.lines and all(lines.get(n, False) for n in dep.lines):
            dep = replace(dep, local=True)
        flagged.add(dep)
    return flagged


def _one_per_pair(dependencies: Iterable[Dependency]) -> tuple[Dependency, ...]:
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


def _increasing(items: Sequence[tuple[str, str]]) -> bool:
    return all(a < b for a, b in pairwise(items))


def _joined(
    results: Iterable[FileResolution],
) -> tuple[tuple[Dependency, ...], tuple[ExternalDependency, ...]]:
    """Every file's dependencies and externals as one resolution has them: sorted and
    one per pair. Each file's are sorted already, and their sources are the file, so the
    files in path order are the whole order; a resolver that named another source
    (none does) is merged and sorted over all."""
    ordered = list(results)
    dependencies = tuple(d for r in ordered for d in r.dependencies)
    external = tuple(e for r in ordered for e in r.external)
    if not _increasing([(d.source, d.target) for d in dependencies]):
        dependencies = _one_per_pair(set(dependencies))
    if not _increasing([(e.source, e.package) for e in external]):
        external = tuple(sorted(set(external), key=lambda e: (e.source, e.package)))
    return dependencies, external


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
    return resolve_tracked(root, files, facts, settings, boundary_of).resolution


def resolve_tracked(
    root: Path,
    files: Sequence[SourceFile],
    facts: Mapping[str, FileFacts],
    settings: ResolverSettings | None = None,
    boundary_of: Callable[[str], str] | None = None,
    *,
    parts: Mapping[str, bytes] | None = None,
    context: str = "",
    previous: Reusable | None = None,
) -> Tracked:
    """``resolve_all``, the paths its resolvers read, and per-file reuse.

    ``parts``: a digest of each parsed file's resolver-visible facts, and ``context``
    one of everything else every resolver sees. With them, a file of a language whose
    resolver is incremental keeps ``previous``'s result where that gives the result it
    would get resolved again (see :class:`Reusable`)."""
    project = ProjectView(root, files, facts, settings, boundary_of)
    languages = sorted(
        {f.language for f in files if f.language and registry.has_plugin(f.language)}
    )
    modules: dict[str, str] = {}
    results: dict[str, FileResolution] = {}
    warnings: list[AnalysisWarning] = []
    kept = _Kept()
    for language in languages:
        try:
            resolver = registry.plugin(language).resolver(project)
        except Exception as exc:  # noqa: BLE001 - one language must not sink the others
            warnings.append(AnalysisWarning("", "resolver", f"{language}: {exc}"))
            continue
        reuse = _Reuse.of(resolver, language, previous, context, warnings) if parts else None
        if reuse is not None:
            kept.indexes[language] = reuse.index
        for file in files:
            if file.language != language or file.path not in facts:
                continue
            modules[file.path] = resolver.module_name(file.path)
            found = reuse.stored(file.path, parts) if reuse is not None and parts else None
            if found is None:
                found = _resolve_file(resolver, facts[file.path])
                kept.resolved += 1
                names = reuse.lookups(facts[file.path]) if reuse is not None else None
                if names is not None:
                    kept.lookups[file.path] = names
            elif previous is not None:
                kept.lookups[file.path] = previous.lookups[file.path]
            results[file.path] = found
            if reuse is not None:
                kept.results[file.path] = found
            warnings.extend(found.warnings)
        # Optional hook: problems of the language's whole project (broken configuration
        # files, aliases leaving the repository), known once every file is resolved.
        project_problems = getattr(resolver, "project_warnings", None)
        if project_problems is not None:
            try:
                warnings.extend(project_problems())
            except Exception as exc:  # noqa: BLE001
                warnings.append(AnalysisWarning("", "resolver", f"{language}: {exc}"))
    for file in files:
        modules.setdefault(file.path, _fallback_module(file.path))
    dependencies, external = _joined(results[path] for path in sorted(results))
    resolution = Resolution(
        modules=dict(sorted(modules.items())),
        dependencies=dependencies,
        external=external,
        warnings=tuple(warnings),
    )
    reusable = None
    if parts is not None:
        reusable = Reusable(
            context=context,
            indexes=kept.indexes,
            parts=parts,
            results=kept.results,
            lookups=kept.lookups,
        )
    return Tracked(resolution, frozenset(project.reads), reusable, kept.resolved)


@dataclass
class _Kept:
    """What one resolution leaves for the next (mutable only while it runs)."""

    indexes: dict[str, Answers] = field(default_factory=dict)
    results: dict[str, FileResolution] = field(default_factory=dict)
    lookups: dict[str, frozenset[str]] = field(default_factory=dict)
    resolved: int = 0  # files resolved anew


@dataclass
class _Reuse:
    """One incremental resolver's index, and which names changed since ``previous``."""

    index: Answers
    lookups: Callable[[FileFacts], frozenset[str] | None]
    previous: Reusable | None
    changed: frozenset[str] | None  # None: nothing to reuse (no comparable index)

    @classmethod
    def of(
        cls,
        resolver: Resolver,
        language: str,
        previous: Reusable | None,
        context: str,
        warnings: list[AnalysisWarning],
    ) -> _Reuse | None:
        """None when the resolver is not incremental (optional hooks ``incremental_index``
        and ``lookups``) or its index fails (no reuse, never a lost analysis)."""
        index_of = getattr(resolver, "incremental_index", None)
        lookups = getattr(resolver, "lookups", None)
        if index_of is None or lookups is None:
            return None
        try:
            index = dict(index_of())
        except Exception as exc:  # noqa: BLE001
            warnings.append(AnalysisWarning("", "resolver", f"{language}: {exc}"))
            return None
        before = previous.indexes.get(language) if previous else None
        if previous is None or before is None or previous.context != context:
            return cls(index, _safe_lookups(lookups), None, None)
        changed = frozenset(
            n for n in index.keys() | before.keys() if index.get(n) != before.get(n)
        )
        return cls(index, _safe_lookups(lookups), previous, changed)

    def stored(self, path: str, parts: Mapping[str, bytes]) -> FileResolution | None:
        """The file's last result while its facts and the answers it read are the same."""
        previous, changed = self.previous, self.changed
        if previous is None or changed is None:
            return None
        part = parts.get(path)
        if part is None or previous.parts.get(path) != part:
            return None
        names = previous.lookups.get(path)
        if names is None or not names.isdisjoint(changed):
            return None
        return previous.results.get(path)


def _safe_lookups(
    lookups: Callable[[FileFacts], Iterable[str]],
) -> Callable[[FileFacts], frozenset[str] | None]:
    """None for a file whose lookups fail: it is kept without them, so never reused."""

    def names(facts: FileFacts) -> frozenset[str] | None:
        try:
            # interned: the files' many equal names are one object, pickled once
            return frozenset(map(sys.intern, lookups(facts)))
        except Exception:  # noqa: BLE001
            return None

    return names
