"""C#: namespaces, `using` (global, static, aliases), referenced types, .csproj projects."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(name="csharp", extensions=(".cs",))


def load() -> LanguagePlugin:
    from archscan.languages.csharp.plugin import CSharpPlugin

    return CSharpPlugin()
