"""Python import resolution with grimp's edge semantics.

Module names: a file's dotted name is taken relative to a *source root*. Roots are the
configured ``[python] source_roots``, else detected: the repository root, folders named
``src``/``lib``/``python``/``source`` that are not packages themselves, and the folder
above the topmost regular package (``__init__.py``) of each file. A file's primary name
uses the deepest root above its package chain, so ``src/ns/pkg/mod.py`` in a namespace
package is ``ns.pkg.mod``; its names relative to other roots are kept as aliases so that
imports written either way resolve.

Edges (grimp's ``find_modules_directly_imported_by``): ``import a.b.c`` and
``from a.b import c`` both name the object ``a.b.c``; the edge goes to that module if it
exists, else to its parent ``a.b`` if that exists, else the import is external.
"""

from __future__ import annotations

import posixpath
import sys
from collections import defaultdict
from collections.abc import Iterable

from archscan.languages.base import ProjectView
from archscan.records import (
    AnalysisWarning,
    Dependency,
    ExternalDependency,
    FileFacts,
    Import,
)

_ROOT_NAMES = {"src", "lib", "python", "source"}
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__"}


def _module_parts(path: str) -> tuple[str, ...]:
    stem = posixpath.splitext(path)[0]
    parts = tuple(p for p in stem.split("/") if p and p != ".")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return parts


def _parent(path: str) -> str:
    return posixpath.dirname(path) or "."


def _depth(root: str) -> int:
    return 0 if root == "." else root.count("/") + 1


class PythonResolver:
    def __init__(self, project: ProjectView) -> None:
        self._project = project
        self._files = sorted(project.files_of("python"))
        self._package_dirs = {
            _parent(p) for p in self._files if posixpath.basename(p) == "__init__.py"
        }
        configured = tuple(r.strip("/") for r in project.settings.python_source_roots)
        self._roots = self._detect_roots(configured)
        self._primary: dict[str, str] = {}
        self._index: dict[str, str] = {}
        # Names several files answer to (a generated demo_pb2.py in each service):
        # resolved inside the importer's boundary first.
        self._candidates: dict[str, list[str]] = defaultdict(list)
        self._folders: dict[str, list[tuple[str, ...] | None]] = {}
        self._build_index()
        # file -> its relative imports that resolve nothing, noted by ``resolve`` for
        # ``warnings_for`` (called next for the same file) so they are not looked up twice
        self._unresolved: dict[str, list[Import]] = {}

    # -- module names -------------------------------------------------------------
    def _detect_roots(self, configured: tuple[str, ...]) -> tuple[str, ...]:
        if configured:
            return tuple(sorted({"." if r in ("", ".") else r for r in configured}))
        roots = {"."}
        for directory in {_parent(p) for p in self._files}:
            ancestor = directory
            while ancestor != ".":
                if (
                    posixpath.basename(ancestor) in _ROOT_NAMES
                    and ancestor not in self._package_dirs
                ):
                    roots.add(ancestor)
                ancestor = _parent(ancestor)
        return tuple(sorted(roots))

    def _chain_root(self, path: str) -> str:
        """The folder above the topmost regular package containing ``path``."""
        directory = _parent(path)
        while directory in self._package_dirs and directory != ".":
            directory = _parent(directory)
        return directory

    @staticmethod
    def _is_under(path: str, root: str) -> bool:
        return root == "." or path == root or path.startswith(root + "/")

    def _folder_names(self, directory: str) -> list[tuple[str, ...] | None]:
        """For each root of a folder's files (deepest first, then their chain root):
        the folder's dotted parts below it, None where one is no identifier. A function
        of the folder alone, computed once per folder."""
        found = self._folders.get(directory)
        if found is None:
            chain_root = self._chain_root(directory + "/x")
            roots = [r for r in self._roots if self._is_under(chain_root, r)]
            roots.sort(key=lambda r: -_depth(r))
            found = []
            for root in [*roots, chain_root]:
                rel = directory if root == "." else directory[len(root) + 1 :]
                parts = tuple(p for p in rel.split("/") if p and p != ".")
                found.append(parts if all(p.isidentifier() for p in parts) else None)
            self._folders[directory] = found
        return found

    def _names(self, path: str) -> list[str]:
        """All dotted names of a file, the primary one first: its folder's parts below
        each root, then its stem (none for ``__init__``)."""
        directory, _, base = path.rpartition("/")
        stem = posixpath.splitext(base)[0]
        names: list[str] = []
        for folder in self._folder_names(directory or "."):
            if folder is None:
                continue
            if stem == "__init__":
                parts = folder
            elif stem.isidentifier():
                parts = (*folder, stem)
            else:
                continue
            if parts:
                name = ".".join(parts)
                if name not in names:
                    names.append(name)
        return names

    def _build_index(self) -> None:
        aliases: dict[str, str] = {}
        for path in self._files:
            names = self._names(path)
            if not names:
                continue
            self._primary[path] = names[0]
            # A .py beats a .pyi stub; the first file wins otherwise (sorted: deterministic).
            if names[0] not in self._index or self._index[names[0]].endswith(".pyi"):
                self._index[names[0]] = path
            for name in names:
                self._candidates[name].append(path)
            for alias in names[1:]:
                aliases.setdefault(alias, path)
        for alias, path in aliases.items():
            self._index.setdefault(alias, path)
        self._candidates = defaultdict(
            list, {n: c for n, c in self._candidates.items() if len(set(c)) > 1}
        )

    # -- incremental resolution (docs/languages.md) ------------------------------
    def incremental_index(self) -> dict[str, object]:
        """Every answer ``resolve`` can read besides a file's facts: each dotted name's
        file (with the files and their boundaries where several answer to it) and,
        under NUL + path, each file's own module name and boundary (relative imports
        start from the name; an ambiguous name resolves inside the boundary)."""
        boundary_of = self._project.boundary_of
        answers: dict[str, object] = dict(self._index)
        for name, candidates in self._candidates.items():
            answers[name] = (self._index.get(name), tuple((c, boundary_of(c)) for c in candidates))
        for path in self._files:
            answers["\0" + path] = (self._primary.get(path), boundary_of(path))
        return answers

    def lookups(self, facts: FileFacts) -> set[str]:
        """The answers ``resolve(facts)`` reads: its own entry, then each imported
        object's name and its parent's (``_internal``)."""
        names = {"\0" + facts.path}
        for item in facts.imports:
            for name in self._objects(facts.path, item) or ():
                names.add(name)
                names.add(name.rpartition(".")[0])
        return names

    def module_name(self, path: str) -> str:
        # not .get(path, default): the default would be built on every call
        name = self._primary.get(path)
        return ".".join(_module_parts(path)) if name is None else name

    # -- resolution ---------------------------------------------------------------
    def _absolute(self, path: str, item: Import) -> str | None:
        """The absolute dotted base of an import (None when a relative one escapes)."""
        if item.level == 0:
            return item.target
        parts = self.module_name(path).split(".")
        is_package = path.rpartition("/")[2].startswith("__init__.")  # basename, cheaper
        keep = len(parts) - item.level + (1 if is_package else 0)
        if keep <= 0 or keep > len(parts):
            return None
        base = ".".join(parts[:keep])
        return f"{base}.{item.target}" if item.target else base

    def _objects(self, path: str, item: Import) -> list[str] | None:
        base = self._absolute(path, item)
        if base is None:
            return None
        if item.kind == "from":
            return [f"{base}.{name}" for name in item.names]
        return [base]

    def _scoped(self, name: str, importer: str) -> str | None:
        """The file for a name, preferring one in the importer's boundary."""
        found = self._index.get(name)
        candidates = self._candidates.get(name)
        if found is None or not candidates or not importer:
            return found
        own = self._project.boundary_of(importer)
        if self._project.boundary_of(found) == own:
            return found
        local = [c for c in candidates if self._project.boundary_of(c) == own]
        return local[0] if local else found

    def _internal(self, name: str, importer: str = "") -> str | None:
        if name in self._index:
            return self._scoped(name, importer)
        parent = name.rpartition(".")[0]
        return self._scoped(parent, importer) if parent else None

    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        lines: dict[str, list[int]] = defaultdict(list)
        type_only: dict[str, bool] = {}
        external: set[str] = set()
        unresolved: list[Import] = []  # relative imports naming nothing (warnings_for)
        for item in facts.imports:
            objects = self._objects(facts.path, item)
            resolved = False
            for name in objects or ():
                target = self._internal(name, facts.path)
                if target is None:
                    top = name.split(".")[0]
                    if item.level == 0 and top and top not in _STDLIB:
                        external.add(top)
                    continue
                resolved = True
                if target == facts.path:
                    continue
                lines[target].append(item.line)
                type_only[target] = type_only.get(target, True) and item.type_checking
            if item.level > 0 and not resolved:
                unresolved.append(item)
        self._unresolved[facts.path] = unresolved
        for target in sorted(lines):
            yield Dependency(
                facts.path,
                target,
                "import",
                tuple(sorted(set(lines[target]))),
                type_only[target],
            )
        for package in sorted(external):
            yield ExternalDependency(facts.path, package)

    def warnings_for(self, facts: FileFacts) -> list[AnalysisWarning]:
        """Relative imports that name nothing in the repository (as ``resolve`` of the
        same file found them, else looked up again)."""
        unresolved = self._unresolved.pop(facts.path, None)
        if unresolved is None:
            unresolved = [
                item
                for item in facts.imports
                if item.level > 0
                and not any(self._internal(n) for n in (self._objects(facts.path, item) or []))
            ]
        return [
            AnalysisWarning(
                facts.path,
                "unresolved-import",
                f"line {item.line}: relative import {'.' * item.level}{item.target} "
                "names no file of the repository",
            )
            for item in unresolved
        ]
