"""TypeScript: .ts, .tsx, .mts, .cts (declaration files .d.ts included)."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(
    name="typescript",
    extensions=(".ts", ".tsx", ".mts", ".cts"),
    shebangs=("ts-node", "tsx", "deno", "bun"),
)


def load() -> LanguagePlugin:
    from archscan.languages.ecmascript.plugin import EcmaPlugin

    return EcmaPlugin(SPEC)
