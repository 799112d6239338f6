"""Kotlin: package/import (incl. `as` aliases), top-level functions, same-package references."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(name="kotlin", extensions=(".kt", ".kts"))


def load() -> LanguagePlugin:
    from archscan.languages.kotlin.plugin import KotlinPlugin

    return KotlinPlugin()
