"""JavaScript: ES modules, CommonJS, JSX, and the scripts of Vue/Svelte components."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(
    name="javascript",
    extensions=(".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte"),
    shebangs=("node", "nodejs"),
)


def load() -> LanguagePlugin:
    from archscan.languages.ecmascript.plugin import EcmaPlugin

    return EcmaPlugin(SPEC)
