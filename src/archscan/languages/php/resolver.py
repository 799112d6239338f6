"""PHP resolution: class names -> files (composer autoload), include paths -> files.

A fully qualified class name resolves as Composer's autoloader would find it: by the
PSR-4 rules, then PSR-0, of every composer.json in the repository; then, for classes
no rule places (classmap, ``files`` autoload, projects without Composer), by the index
of classes the repository's files declare (a class declared in several files: the one
inside a classmap folder, else the first by path). ``use`` statements, class
references in code (types, ``new``, ``extends``, static calls, ``::class``, traits)
and literal ``require``/``include`` paths give edges. One edge per pair of files;
its kind is the strongest reason: include, then use, then reference.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath

from archscan.languages.base import ProjectView
from archscan.languages.php.composer import Autoload, merge, parse_composer
from archscan.languages.php.plugin import DIR_MARKER
from archscan.records import (
    AnalysisWarning,
    Dependency,
    ExternalDependency,
    FileFacts,
    Import,
)

_KIND_ORDER = ("include", "use", "reference")
_CLASS_KINDS = frozenset({"class", "interface", "trait", "enum"})


def _inside(path: str) -> bool:
    return path != ".." and not path.startswith("../") and not posixpath.isabs(path)


class PhpResolver:
    def __init__(self, project: ProjectView) -> None:
        self._project = project
        self._autoload = self._read_composer(project)
        self._classmapped = self._autoload.classmap
        # Root namespaces the project owns: autoload prefixes and declared namespaces.
        self._own_roots = set(self._autoload.roots())
        self._classes: dict[str, list[str]] = defaultdict(list)
        self._functions: dict[str, list[str]] = defaultdict(list)
        self._first_class: dict[str, str] = {}
        for path in sorted(project.files_of("php")):
            facts = project.facts.get(path)
            if facts is None:
                continue
            for definition in facts.definitions:
                key = definition.name.lower()  # PHP class and function names ignore case
                if definition.kind in _CLASS_KINDS:
                    self._classes[key].append(path)
                    self._first_class.setdefault(path, definition.name)
                else:
                    self._functions[key].append(path)
                if "\\" in definition.name:
                    self._own_roots.add(definition.name.split("\\", 1)[0])

    @staticmethod
    def _read_composer(project: ProjectView) -> Autoload:
        found = []
        for path in sorted(project.paths):
            if PurePosixPath(path).name != "composer.json":
                continue
            text = project.read_text(path)
            if text is not None:
                found.append(parse_composer(posixpath.dirname(path) or ".", text))
        return merge(found)

    def module_name(self, path: str) -> str:
        """The fully qualified name of the file's (first) class; else its path."""
        return self._first_class.get(path) or path.rsplit(".", 1)[0]

    # -- lookups -------------------------------------------------------------------
    def _in_classmap(self, path: str) -> bool:
        return any(path == c or path.startswith(c + "/") for c in self._classmapped)

    def resolve_class(self, qualified: str) -> str | None:
        for candidate in self._autoload.candidates(qualified):
            if self._project.exists(candidate):
                return candidate
        declared = self._classes.get(qualified.lower(), [])
        if not declared:
            return None
        mapped = [p for p in declared if self._in_classmap(p)]
        return (mapped or declared)[0]

    def _resolve_function(self, qualified: str) -> str | None:
        declared = self._functions.get(qualified.lower(), [])
        return declared[0] if declared else None

    def resolve_include(self, path: str, target: str) -> str | None:
        directory = posixpath.dirname(path) or "."
        if target.startswith(DIR_MARKER):
            candidates = [posixpath.join(directory, target[len(DIR_MARKER) :])]
        elif posixpath.isabs(target):
            return None
        else:  # PHP tries the include_path ('.', the working directory) and the script's folder
            candidates = [target, posixpath.join(directory, target)]
        for candidate in candidates:
            normal = posixpath.normpath(candidate)
            if _inside(normal) and self._project.exists(normal):
                return normal
        return None

    def _target(self, path: str, item: Import) -> str | None:
        if item.kind == "include":
            return self.resolve_include(path, item.target)
        if item.kind == "use":
            return self.resolve_class(item.target)
        if item.kind == "use-function":
            return self._resolve_function(item.target)
        return None  # use const: constants are not indexed

    # -- edges ---------------------------------------------------------------------
    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        lines: dict[str, list[int]] = defaultdict(list)
        kinds: dict[str, set[str]] = defaultdict(set)
        external: set[str] = set()
        for item in facts.imports:
            target = self._target(facts.path, item)
            if target is None:
                if item.kind.startswith("use") and self._is_foreign(item.target):
                    external.add(item.target.split("\\", 1)[0])
                continue
            lines[target].append(item.line)
            kinds[target].add("use" if item.kind.startswith("use") else item.kind)
        for qualified in facts.references:
            target = self.resolve_class(qualified)
            if target is not None:
                kinds[target].add("reference")
            elif self._is_foreign(qualified):
                external.add(qualified.split("\\", 1)[0])
        for target in sorted(kinds):
            if target == facts.path:
                continue
            kind = next(k for k in _KIND_ORDER if k in kinds[target])
            yield Dependency(facts.path, target, kind, tuple(sorted(set(lines[target]))))
        for package in sorted(external):
            yield ExternalDependency(facts.path, package)

    def _is_foreign(self, qualified: str) -> bool:
        """A namespaced name outside the project's own root namespaces (a package's).

        Single-segment names are PHP's own classes (``\\Exception``): neither edges nor
        packages."""
        root, separator, _ = qualified.partition("\\")
        return bool(separator) and root not in self._own_roots

    def warnings_for(self, facts: FileFacts) -> list[AnalysisWarning]:
        """Literal include/require paths that name no file of the repository.

        Paths into ``vendor/`` are left out: Composer installs that folder, projects
        do not commit it, and archscan does not analyse it."""
        return [
            AnalysisWarning(
                facts.path,
                "unresolved-include",
                f"line {item.line}: {item.target.replace(DIR_MARKER, '__DIR__ . /')} "
                "names no file of the repository",
            )
            for item in facts.imports
            if item.kind == "include"
            and "vendor/" not in item.target
            and self.resolve_include(facts.path, item.target) is None
        ]
