"""Java: package/import (single-type, on-demand, static), same-package and qualified references."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(name="java", extensions=(".java",))


def load() -> LanguagePlugin:
    from archscan.languages.java.plugin import JavaPlugin

    return JavaPlugin()


def project_components(paths: list[str]) -> dict[str, tuple[str, ...]]:
    """Components from the build layout (see registry.project_components)."""
    from archscan.languages.java.modules import components

    return components(paths)
