"""Resolution: FileFacts + language resolvers -> Dependency records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from archscan.languages import registry
from archscan.languages.base import ProjectView, ResolverSettings
from archscan.records import (
    AnalysisWarning,
    Dependency,
    ExternalDependency,
    FileFacts,
    Resolution,
    SourceFile,
)


def _fallback_module(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path


def resolve_all(
    root: Path,
    files: Sequence[SourceFile],
    facts: Mapping[str, FileFacts],
    settings: ResolverSettings | None = None,
) -> Resolution:
    """Resolve every parsed file with its language's resolver (one resolver per language)."""
    project = ProjectView(root, files, facts, settings)
    languages = sorted(
        {f.language for f in files if f.language and registry.has_plugin(f.language)}
    )
    modules: dict[str, str] = {}
    dependencies: set[Dependency] = set()
    external: set[ExternalDependency] = set()
    warnings: list[AnalysisWarning] = []
    for language in languages:
        try:
            resolver = registry.plugin(language).resolver(project)
        except Exception as exc:  # noqa: BLE001 - one language must not sink the others
            warnings.append(AnalysisWarning("", "resolver", f"{language}: {exc}"))
            continue
        for file in files:
            if file.language != language or file.path not in facts:
                continue
            modules[file.path] = resolver.module_name(file.path)
            try:
                for item in resolver.resolve(facts[file.path]):
                    if isinstance(item, Dependency):
                        dependencies.add(item)
                    else:
                        external.add(item)
            except Exception as exc:  # noqa: BLE001
                warnings.append(AnalysisWarning(file.path, "resolver", str(exc)))
            unresolved = getattr(resolver, "unresolved_relative", None)
            if unresolved is not None:
                for item in unresolved(facts[file.path]):
                    warnings.append(
                        AnalysisWarning(
                            file.path,
                            "unresolved-import",
                            f"line {item.line}: relative import "
                            f"{'.' * item.level}{item.target} names no file of the repository",
                        )
                    )
        # Resolvers may report more than unresolved relative imports (configuration
        # problems, aliases leaving the repository): an optional `warnings()` method.
        extra = getattr(resolver, "warnings", None)
        if extra is not None:
            warnings.extend(extra())
    for file in files:
        modules.setdefault(file.path, _fallback_module(file.path))
    return Resolution(
        modules=dict(sorted(modules.items())),
        dependencies=tuple(sorted(dependencies, key=lambda d: (d.source, d.target, d.kind))),
        external=tuple(sorted(external, key=lambda e: (e.source, e.package))),
        warnings=tuple(warnings),
    )
