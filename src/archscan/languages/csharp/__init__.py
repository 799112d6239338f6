"""C#: namespaces, `using` (global, static, aliases), referenced types, .csproj projects."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(name="csharp", extensions=(".cs",))


def load() -> LanguagePlugin:
    from archscan.languages.csharp.plugin import CSharpPlugin

    return CSharpPlugin()


def project_components(paths: list[str]) -> dict[str, tuple[str, ...]]:
    """Components from the build layout (see registry.project_components)."""
    from archscan.languages.csharp.projects import components

    return components(paths)
