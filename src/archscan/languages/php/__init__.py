"""PHP: namespaces, use (grouped, function, const), require/include, composer autoload."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(
    name="php",
    extensions=(".php", ".phtml", ".php5", ".php7", ".php8", ".inc"),
    shebangs=("php",),
)


def load() -> LanguagePlugin:
    from archscan.languages.php.plugin import PhpPlugin

    return PhpPlugin()
