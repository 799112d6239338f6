"""Python: imports (absolute, relative, deferred, TYPE_CHECKING), grimp-compatible edges."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(
    name="python",
    extensions=(".py", ".pyi", ".pyw"),
    shebangs=("python", "python2", "python3", "pypy", "pypy3"),
)


def load() -> LanguagePlugin:
    from archscan.languages.python.plugin import PythonPlugin

    return PythonPlugin()
