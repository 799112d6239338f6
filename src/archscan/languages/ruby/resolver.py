"""Ruby resolution: require paths and constants -> files.

Constants follow Rails' autoloader (Zeitwerk) conventions: every folder directly under
an ``app`` folder is an autoload root (``app/models``, ``app/controllers``,
``app/services``, ...), so is each ``app/*/concerns`` and the ``lib`` folder next to
``app``; a file's constant is its path below its deepest root, camelized
(``app/models/billing/invoice.rb`` -> ``Billing::Invoice``). Gems' ``lib`` folders
follow the same naming convention. A reference is looked up like Ruby does, through
its lexical nesting, then mapped to the file of the longest prefix that has one (by
convention first, else the single file that defines it), so ``Tax::Rate::DEFAULT``
depends on ``tax/rate.rb``.

``require`` searches every ``lib`` folder and the autoload roots (Ruby's load path in
a Rails app or a gem), ``require_relative`` the requiring file's folder; a ``require``
that finds nothing names a gem (an external package), a ``require_relative`` that
finds nothing is a warning.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath

from archscan.languages.base import ProjectView
from archscan.records import (
    AnalysisWarning,
    Dependency,
    ExternalDependency,
    FileFacts,
    Import,
)

_NOT_AUTOLOADED = frozenset({"assets", "javascript", "javascripts", "views", "frontend"})
_LOAD_DIRS = frozenset({"lib", "test", "spec"})
_LIB_SKIPPED = ("tasks", "assets", "generators")
_ACRONYM = re.compile(r"""acronym\(?\s*["']([A-Za-z0-9]+)["']""")
_STDLIB_WORDS = (
    "English abbrev base64 benchmark bigdecimal cgi coverage csv date delegate digest "
    "erb etc fiber fileutils find forwardable io ipaddr json logger matrix monitor net "
    "objspace observer open-uri open3 openssl optparse ostruct pathname pp prettyprint "
    "pstore psych racc rbconfig readline resolv ripper securerandom set shellwords "
    "singleton socket stringio strscan tempfile time timeout tmpdir tsort un uri "
    "weakref yaml zlib"
)
_STDLIB = frozenset(_STDLIB_WORDS.split())


def underscore(constant: str) -> str:
    """ActiveSupport's ``underscore``: ``Billing::HTMLInvoice`` -> ``billing/html_invoice``."""
    word = constant.replace("::", "/")
    word = re.sub(r"([A-Z\d]+)([A-Z][a-z])", r"\1_\2", word)
    word = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", word)
    return word.replace("-", "_").lower()


def camelize(path: str, acronyms: dict[str, str] | None = None) -> str:
    """``billing/html_invoice`` -> ``Billing::HtmlInvoice`` (or ``HTMLInvoice`` when
    ``HTML`` is a configured acronym)."""
    table = acronyms or {}
    segments = []
    for segment in path.split("/"):
        words = [table.get(w, w[:1].upper() + w[1:]) for w in segment.split("_") if w]
        segments.append("".join(words))
    return "::".join(segments)


def _is_autoload_root(parts: tuple[str, ...]) -> bool:
    """app/<x> (not assets, views, ...), app/<x>/concerns, and lib folders."""
    if len(parts) >= 2 and parts[-2] == "app":
        return parts[-1] not in _NOT_AUTOLOADED
    if len(parts) >= 3 and parts[-3] == "app":
        return parts[-1] == "concerns"
    return parts[-1] == "lib"


def _directory(path: str) -> str:
    return posixpath.dirname(path) or "."


def _is_under(path: str, root: str) -> bool:
    return root == "." or path.startswith(root + "/")


class RubyResolver:
    def __init__(self, project: ProjectView) -> None:
        self._project = project
        self._files = sorted(project.files_of("ruby"))
        ruby_files = set(self._files)
        self._acronyms = self._read_acronyms(project)
        self._roots = self._autoload_roots(project.paths)
        # Load path: gems' lib folders, and test/ and spec/ (rails test and rspec add them).
        self._libs = sorted(
            {d for d in self._all_dirs(project.paths) if PurePosixPath(d).name in _LOAD_DIRS},
            key=lambda d: (len(PurePosixPath(d).parts), d),
        )
        self._by_key: dict[str, str] = {}  # underscored constant path -> file
        self._constant_of: dict[str, str] = {}
        for path in self._files:
            root = self._root_of(path)
            if root is None or not path.endswith(".rb"):
                continue
            key = path[len(root) + 1 : -3] if root != "." else path[:-3]
            self._by_key.setdefault(key, path)
            self._constant_of[path] = self._conventional_name(path, key)
        self._defined: dict[str, list[str]] = defaultdict(list)
        self._namespaces: set[str] = set()
        for path in self._files:
            facts = project.facts.get(path)
            for definition in facts.definitions if facts else ():
                self._defined[definition.name].append(path)
                parts = definition.name.split("::")
                self._namespaces.update("::".join(parts[:i]) for i in range(1, len(parts)))
        # Implicit namespaces: Zeitwerk defines Billing for a folder billing/ of a root.
        self._namespace_keys = {
            key.rsplit("/", depth)[0]
            for key in self._by_key
            for depth in range(1, key.count("/") + 1)
        }
        self._ruby_files = ruby_files

    # -- layout ---------------------------------------------------------------------
    @staticmethod
    def _all_dirs(paths: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for path in paths:
            found.update(str(p) for p in PurePosixPath(path).parents if str(p) != ".")
        return found

    def _autoload_roots(self, paths: Iterable[str]) -> list[str]:
        roots: set[str] = set()
        for directory in self._all_dirs(paths):
            parts = PurePosixPath(directory).parts
            if _is_autoload_root(parts):
                roots.add(directory)
        # Deepest first: app/models/concerns/x.rb is X, not Concerns::X.
        return sorted(roots, key=lambda r: (-len(PurePosixPath(r).parts), r))

    def _root_of(self, path: str) -> str | None:
        for root in self._roots:
            if _is_under(path, root):
                relative = path[len(root) + 1 :]
                if PurePosixPath(root).name == "lib" and relative.split("/")[0] in _LIB_SKIPPED:
                    return None
                return root
        return None

    @staticmethod
    def _read_acronyms(project: ProjectView) -> dict[str, str]:
        """``inflect.acronym "API"`` in config/initializers: ``api`` camelizes to ``API``."""
        table: dict[str, str] = {}
        for path in sorted(project.paths):
            if "config/initializers/" in path and path.endswith(".rb"):
                for word in _ACRONYM.findall(project.read_text(path) or ""):
                    table[word.lower()] = word
        return table

    def _conventional_name(self, path: str, key: str) -> str:
        facts = self._project.facts.get(path)
        definitions = facts.definitions if facts else ()
        for definition in definitions:
            if underscore(definition.name) == key:
                return definition.name  # the spelling the file uses (acronyms included)
        for definition in definitions:
            # A root pushed with a namespace (Avo's app/avo defines Avo::Actions::X).
            if underscore(definition.name).endswith("/" + key):
                return definition.name
        return camelize(key, self._acronyms)

    def module_name(self, path: str) -> str:
        """The constant the file defines by convention; else its first definition."""
        if path in self._constant_of:
            return self._constant_of[path]
        facts = self._project.facts.get(path)
        if facts is not None and facts.definitions:
            return facts.definitions[0].name
        return path.rsplit(".", 1)[0]

    # -- constants ------------------------------------------------------------------
    def file_of(self, constant: str) -> str | None:
        """The file that defines ``constant``: by convention, else its only definer."""
        found = self._by_key.get(underscore(constant))
        if found is not None:
            return found
        definers = sorted(set(self._defined.get(constant, ())))
        return definers[0] if len(definers) == 1 else None

    def _known(self, constant: str) -> bool:
        key = underscore(constant)
        return (
            key in self._by_key
            or key in self._namespace_keys
            or constant in self._defined
            or constant in self._namespaces
        )

    def resolve_constant(self, written: str, scopes: tuple[str, ...]) -> str | None:
        parts = written.lstrip(":").split("::")
        bases = [""] if written.startswith("::") else [*scopes, ""]
        for base in bases:
            head = f"{base}::{parts[0]}" if base else parts[0]
            if not self._known(head):
                continue
            segments = [*head.split("::"), *parts[1:]]
            for size in range(len(segments), 0, -1):
                found = self.file_of("::".join(segments[:size]))
                if found is not None:
                    return found
            return None
        return None

    # -- requires -------------------------------------------------------------------
    def _with_extension(self, candidate: str) -> str | None:
        normal = posixpath.normpath(candidate)
        if normal.startswith("../") or normal == "..":
            return None
        for option in (normal, normal + ".rb"):
            if option in self._ruby_files:
                return option
        return None

    def resolve_require(self, path: str, item: Import) -> str | None:
        if item.kind == "require_relative":
            return self._with_extension(posixpath.join(_directory(path), item.target))
        if item.target.startswith("."):  # require "./x": the working directory, i.e. root
            return self._with_extension(item.target)
        for base in [*self._libs, *self._roots, "."]:
            found = self._with_extension(posixpath.join(base, item.target))
            if found is not None:
                return found
        return None

    # -- edges ----------------------------------------------------------------------
    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        lines: dict[str, set[int]] = defaultdict(set)
        kinds: dict[str, set[str]] = defaultdict(set)
        external: set[str] = set()
        for item in facts.imports:
            if item.kind == "constant":
                target = self.resolve_constant(item.target, item.names)
                kind = "reference"
            else:
                target = self.resolve_require(facts.path, item)
                kind = "require"
                if target is None and item.kind == "require":
                    gem = item.target.split("/", 1)[0]
                    if gem and gem not in _STDLIB:
                        external.add(gem)
            if target is None or target == facts.path:
                continue
            lines[target].add(item.line)
            kinds[target].add(kind)
        for target in sorted(kinds):
            kind = "require" if "require" in kinds[target] else "reference"
            yield Dependency(facts.path, target, kind, tuple(sorted(lines[target])))
        for gem in sorted(external):
            yield ExternalDependency(facts.path, gem)

    def warnings_for(self, facts: FileFacts) -> list[AnalysisWarning]:
        """``require_relative`` paths that name no Ruby file of the repository."""
        return [
            AnalysisWarning(
                facts.path,
                "unresolved-require",
                f"line {item.line}: require_relative {item.target!r} names no file "
                "of the repository",
            )
            for item in facts.imports
            if item.kind == "require_relative" and self.resolve_require(facts.path, item) is None
        ]
