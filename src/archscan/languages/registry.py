"""Which language a file is written in, and the plugin that parses it.

Plugins are found as sub-packages of ``archscan.languages`` that define ``SPEC``
(a LanguageSpec) and ``load()`` (returns the plugin; imported lazily so that
discovery does not pay for loading grammars).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import PurePosixPath
from types import ModuleType

from archscan.languages.base import LanguagePlugin, LanguageSpec

# Languages archscan counts (files, SLOC) and mines history for, without a parser.
GENERIC_EXTENSIONS: dict[str, str] = {
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".rs": "rust",
    ".swift": "swift",
    ".scala": "scala",
    ".sc": "scala",
    ".m": "objective-c",
    ".mm": "objective-c",
    ".dart": "dart",
    ".lua": "lua",
    ".pl": "perl",
    ".pm": "perl",
    ".r": "r",
    ".R": "r",
    ".sh": "shell",
    ".bash": "shell",
    ".zsh": "shell",
    ".ps1": "powershell",
    ".sql": "sql",
    ".ex": "elixir",
    ".exs": "elixir",
    ".erl": "erlang",
    ".hs": "haskell",
    ".clj": "clojure",
    ".fs": "fsharp",
    ".vb": "visual-basic",
    ".groovy": "groovy",
    ".gradle": "groovy",
    ".html": "html",
    ".htm": "html",
    ".css": "css",
    ".scss": "scss",
    ".less": "less",
}
GENERIC_SHEBANGS: dict[str, str] = {"sh": "shell", "bash": "shell", "zsh": "shell", "perl": "perl"}


@cache
def _plugin_modules() -> dict[str, ModuleType]:
    import archscan.languages as package

    modules: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"archscan.languages.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, LanguageSpec):
            modules[spec.name] = module
    return modules


@cache
def specs() -> tuple[LanguageSpec, ...]:
    return tuple(module.SPEC for _, module in sorted(_plugin_modules().items()))


@cache
def _by_extension() -> dict[str, str]:
    table = dict(GENERIC_EXTENSIONS)
    for spec in specs():
        for ext in spec.extensions:
            table[ext] = spec.name
    return table


@cache
def _by_filename() -> dict[str, str]:
    return {name: spec.name for spec in specs() for name in spec.filenames}


@cache
def _by_interpreter() -> dict[str, str]:
    table = dict(GENERIC_SHEBANGS)
    for spec in specs():
        for interpreter in spec.shebangs:
            table[interpreter] = spec.name
    return table


def _interpreter(head: bytes) -> str | None:
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    if not words:
        return None
    program = PurePosixPath(words[0]).name
    if program == "env":
        rest = [w for w in words[1:] if not w.startswith("-")]
        program = rest[0] if rest else ""
    # python3.11 -> python3
    while program and (program[-1].isdigit() or program[-1] == "."):
        if program.rstrip("0123456789.") in _by_interpreter():
            return program.rstrip("0123456789.")
        program = program[:-1]
    return program or None


def language_for(path: str, head: bytes = b"") -> str | None:
    """Language of a file by name, extension, then shebang; None when unknown."""
    # PurePosixPath(path).name and .suffix, without building a path per file
    name = path.rstrip("/").rpartition("/")[2]
    if name in _by_filename():
        return _by_filename()[name]
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""
    if suffix:
        found = _by_extension().get(suffix) or _by_extension().get(suffix.lower())
        if found:
            return found
        return None
    interpreter = _interpreter(head)
    return _by_interpreter().get(interpreter) if interpreter else None


def has_plugin(language: str | None) -> bool:
    return language is not None and language in _plugin_modules()


@cache
def plugin(language: str) -> LanguagePlugin:
    """The parser plugin for a language name (KeyError when there is none)."""
    loaded: LanguagePlugin = _plugin_modules()[language].load()
    return loaded


def project_components(paths: list[str]) -> dict[str, tuple[str, ...]]:
    """Build projects (.csproj, Maven/Gradle modules, ...) as components, when there are
    at least two: a solution's projects are the boundaries its authors drew.

    A language package contributes by defining ``project_components(paths)``; used only
    when the configuration names no components. Deeper folders come first because the
    first matching component wins.
    """
    found: dict[str, tuple[str, ...]] = {}
    for _, module in sorted(_plugin_modules().items()):
        contribute = getattr(module, "project_components", None)
        if contribute is not None:
            found.update(contribute(paths))
    if len(found) < 2:
        return {}
    return dict(sorted(found.items(), key=lambda item: -max(g.count("/") for g in item[1])))
