"""composer.json autoload rules (PSR-4, PSR-0, classmap), read as data, never run.

https://getcomposer.org/doc/04-schema.md#autoload : ``autoload`` and ``autoload-dev``
map namespace prefixes to folders relative to the composer.json that declares them.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from archscan.repofiles import loads_json


@dataclass(frozen=True)
class AutoloadRule:
    standard: str  # psr-4 | psr-0
    prefix: str  # namespace prefix without leading backslash ("App\\"), "" = any
    directory: str  # repo-relative folder, "." for the root


@dataclass(frozen=True)
class Autoload:
    rules: tuple[AutoloadRule, ...] = ()
    classmap: tuple[str, ...] = ()  # repo-relative folders or files

    def candidates(self, qualified: str) -> list[str]:
        """Repo-relative files that may hold class ``qualified``, best rule first."""
        out: list[str] = []
        for rule in sorted(self.rules, key=lambda r: -len(r.prefix)):
            if not qualified.startswith(rule.prefix):
                continue
            if rule.standard == "psr-4":
                relative = qualified[len(rule.prefix) :].replace("\\", "/")
            else:
                namespace, _, name = qualified.rpartition("\\")
                relative = (namespace.replace("\\", "/") + "/" if namespace else "") + name.replace(
                    "_", "/"
                )
            out.append(_join(rule.directory, relative + ".php"))
        return out

    def roots(self) -> tuple[str, ...]:
        """The namespace prefixes this project owns (first segments, for warnings)."""
        return tuple(sorted({r.prefix.split("\\", 1)[0] for r in self.rules if r.prefix}))


def _join(directory: str, relative: str) -> str:
    return posixpath.normpath(posixpath.join(directory, relative))


def _inside(path: str) -> bool:
    return path != ".." and not path.startswith("../") and not posixpath.isabs(path)


def _folders(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def parse_composer(directory: str, text: str) -> Autoload:
    """Autoload rules of one composer.json (both ``autoload`` and ``autoload-dev``).

    Invalid JSON or unexpected shapes give no rules rather than an error.
    """
    try:
        data = loads_json(text)
    except ValueError:
        return Autoload()
    if not isinstance(data, dict):
        return Autoload()
    rules: list[AutoloadRule] = []
    classmap: list[str] = []
    for section in ("autoload", "autoload-dev"):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for standard in ("psr-4", "psr-0"):
            mapping = table.get(standard)
            if not isinstance(mapping, dict):
                continue
            for prefix, folders in mapping.items():
                for folder in _folders(folders) or [""]:
                    joined = _join(directory, folder or ".")
                    if _inside(joined):
                        rules.append(AutoloadRule(standard, str(prefix).lstrip("\\"), joined))
        for entry in _folders(table.get("classmap")):
            joined = _join(directory, entry)
            if _inside(joined):
                classmap.append(joined)
    return Autoload(tuple(rules), tuple(classmap))


def merge(autoloads: list[Autoload]) -> Autoload:
    return Autoload(
        tuple(r for a in autoloads for r in a.rules),
        tuple(c for a in autoloads for c in a.classmap),
    )
