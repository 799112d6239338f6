"""Go: go.mod/go.work modules, imports resolved to package directories, file-level detail."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(name="go", extensions=(".go",))


def load() -> LanguagePlugin:
    from archscan.languages.go.plugin import GoPlugin

    return GoPlugin()
