"""Go import resolution: import paths -> package directories -> files.

A Go package is a directory. Each directory's import path is its module's path (the
nearest go.mod above it) joined with the directory's path inside that module, so an
import resolves by exact lookup, across every module of the repository (nested modules,
go.work workspaces and local ``replace`` directives included). Standard-library imports
(no dot in the first path element) are neither edges nor external packages.

File-level edges keep the detail the package edge summarises: a file that imports
package ``p`` depends on the files of ``p`` that declare the names it uses as
``alias.Name``; when it uses none that can be found (blank ``_`` or dot imports, only
methods or fields), it depends on all non-test files of ``p``. Test files
(``*_test.go``) take part in the graph; their edges have kind ``test-import``.

Files of one package (same directory, same ``package`` clause) use each other's
top-level names without an import: a file depends on the sibling files that declare a
plain name it uses (kind ``same-package``). A test file may depend on the package's
other files; a non-test file never depends on a test file (``go build`` leaves those
out); an external test package ``p_test`` is a package of its own.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath

from archscan.languages.base import ProjectView
from archscan.languages.go.modfile import GoModFile, parse_go_mod
from archscan.languages.go.plugin import is_test_file
from archscan.records import AnalysisWarning, Dependency, ExternalDependency, FileFacts, Import

_MAJOR_SUFFIX = "v"


def _directory(path: str) -> str:
    return posixpath.dirname(path) or "."


def _is_within(directory: str, ancestor: str) -> bool:
    return ancestor == "." or directory == ancestor or directory.startswith(ancestor + "/")


def _is_stdlib(import_path: str) -> bool:
    first = import_path.split("/", 1)[0]
    return "." not in first


def _default_alias(import_path: str) -> str:
    """The package name Go assumes when the package itself is unknown: the last
    element, skipping a major-version suffix (``/v2``) and ``gopkg.in``'s ``.v1``."""
    parts = import_path.split("/")
    last = parts[-1]
    if len(parts) > 1 and last.startswith(_MAJOR_SUFFIX) and last[1:].isdigit():
        last = parts[-2]
    return last.split(".v")[0].replace("-", "_")


def internal_allowed(importer_dir: str, target_dir: str) -> bool:
    """Go's rule: ``a/internal/b`` may be imported only from within ``a``."""
    parts = PurePosixPath(target_dir).parts
    if "internal" not in parts:
        return True
    index = len(parts) - 1 - parts[::-1].index("internal")
    return _is_within(importer_dir, "/".join(parts[:index]) or ".")


class GoResolver:
    def __init__(self, project: ProjectView) -> None:
        self._project = project
        files = sorted(project.files_of("go"))
        self._modules = self._read_modules(project)
        self._module_dirs = sorted(
            (m.directory for m in self._modules), key=lambda d: -len(PurePosixPath(d).parts)
        )
        self._by_dir = {m.directory: m for m in self._modules}
        self._package_files: dict[str, list[str]] = defaultdict(list)
        self._test_files: dict[str, list[str]] = defaultdict(list)
        for path in files:
            bucket = self._test_files if is_test_file(path) else self._package_files
            bucket[_directory(path)].append(path)
        self._dir_import_path: dict[str, str] = {}
        # An import path may name a directory in several modules (two services whose
        # go.mod declare the same module path, a replace of another module): every one
        # is kept, the importer's own module (then boundary) wins, see _lookup.
        self._dirs_by_import: dict[str, list[str]] = defaultdict(list)
        for directory in sorted({_directory(p) for p in files}):
            import_path = self._import_path_of(directory)
            self._dir_import_path[directory] = import_path
            self._dirs_by_import[import_path].append(directory)
        self._replaced: dict[tuple[str, str], str] = {}  # (alias, dir) -> replacing module
        self._add_replacements()
        self._package_names = self._read_package_names()
        self._declared = self._read_declarations(files)

    # -- modules ------------------------------------------------------------------
    @staticmethod
    def _read_modules(project: ProjectView) -> list[GoModFile]:
        modules = []
        for path in sorted(project.paths):
            if PurePosixPath(path).name not in ("go.mod", "go.work"):
                continue
            text = project.read_text(path)
            parsed = parse_go_mod(_directory(path), text) if text is not None else None
            if parsed is not None and PurePosixPath(path).name == "go.mod":
                modules.append(parsed)
        return modules

    def _module_of(self, directory: str) -> GoModFile | None:
        for module_dir in self._module_dirs:
            if _is_within(directory, module_dir):
                return self._by_dir[module_dir]
        return None

    def _import_path_of(self, directory: str) -> str:
        parts = directory.split("/")
        if "vendor" in parts:  # vendor/x/y is package x/y (when vendored code is analysed)
            return "/".join(parts[len(parts) - parts[::-1].index("vendor") :])
        module = self._module_of(directory)
        if module is None:
            return directory  # GOPATH-style repository: resolved by suffix, see _lookup
        if directory == module.directory:
            return module.module
        inner = directory if module.directory == "." else directory[len(module.directory) + 1 :]
        return f"{module.module}/{inner}"

    def _add_replacements(self) -> None:
        """``replace other/module => ./dir``: imports of other/module/... land in dir."""
        for module in self._modules:
            for old, target_dir in module.local_replaces:
                target = self._by_dir.get(target_dir)
                if target is None or target.module == old:
                    continue
                prefix = target.module
                for directory, import_path in list(self._dir_import_path.items()):
                    if import_path == prefix or import_path.startswith(prefix + "/"):
                        alias = old + import_path[len(prefix) :]
                        if directory not in self._dirs_by_import[alias]:
                            self._dirs_by_import[alias].append(directory)
                            self._replaced[(alias, directory)] = module.directory

    def _read_package_names(self) -> dict[str, str]:
        """Declared package name per directory (from its non-test files)."""
        names: dict[str, str] = {}
        for directory, paths in self._package_files.items():
            for path in paths:
                facts = self._project.facts.get(path)
                if facts is not None and facts.namespace:
                    names[directory] = facts.namespace
                    break
        return names

    def _read_declarations(self, files: list[str]) -> dict[tuple[str, str], dict[str, list[str]]]:
        """(directory, package clause) -> top-level name -> the files declaring it."""
        declared: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(dict)
        for path in files:
            facts = self._project.facts.get(path)
            if facts is None or not facts.namespace:
                continue
            names = declared[(_directory(path), facts.namespace)]
            for definition in facts.definitions:
                names.setdefault(definition.name, []).append(path)
        return declared

    def module_name(self, path: str) -> str:
        """The Go import path of the file's package."""
        directory = _directory(path)
        return self._dir_import_path.get(directory, self._import_path_of(directory))

    # -- resolution ---------------------------------------------------------------
    def _lookup(self, import_path: str, importer: str = "") -> str | None:
        found = self._dirs_by_import.get(import_path)
        if found:
            return self._scoped(found, import_path, importer) if len(found) > 1 else found[0]
        if self._modules:
            return None
        # No go.mod at all (GOPATH layout): the longest suffix that is a package dir.
        parts = import_path.split("/")
        for start in range(1, len(parts)):
            candidate = "/".join(parts[start:])
            if candidate in self._package_files:
                return candidate
        return None

    def _scoped(self, candidates: list[str], import_path: str, importer: str) -> str:
        """One of several directories with the import path: the one in the importer's
        own go.mod module (a module resolves its own packages first), else one its
        module's ``replace`` maps there, else one in the importer's boundary, else the
        first by path."""
        module = self._module_of(_directory(importer)) if importer else None
        if module is not None:
            own = [c for c in candidates if self._module_of(c) is module]
            if own:
                return own[0]
            replaced = [
                c for c in candidates if self._replaced.get((import_path, c)) == module.directory
            ]
            if replaced:
                return replaced[0]
        if importer:
            boundary = self._project.boundary_of(importer)
            local = [c for c in candidates if self._boundary_of_dir(c) == boundary]
            if local:
                return local[0]
        return candidates[0]

    def _boundary_of_dir(self, directory: str) -> str:
        files = self._package_files.get(directory) or self._test_files.get(directory)
        return self._project.boundary_of(files[0]) if files else ""

    def _external_name(self, path: str, import_path: str) -> str:
        module = self._module_of(_directory(path))
        requires = module.requires if module else ()
        best = max(
            (r for r in requires if import_path == r or import_path.startswith(r + "/")),
            key=len,
            default="",
        )
        return best or import_path

    def _targets(self, facts: FileFacts, item: Import, directory: str) -> list[str]:
        package_files = self._package_files.get(directory, [])
        if not package_files:  # only test files: edges go to them
            return [p for p in self._test_files.get(directory, []) if p != facts.path]
        alias = item.names[0] if item.names else ""
        if alias in ("", None):
            alias = self._package_names.get(directory) or _default_alias(item.target)
        if alias in ("_", "."):
            return list(package_files)
        used = {ref.split(".", 1)[1] for ref in facts.references if ref.startswith(alias + ".")}
        declaring = [
            p
            for p in package_files
            if (defs := self._project.facts.get(p)) is not None
            and any(d.name in used for d in defs.definitions)
        ]
        return declaring or list(package_files)

    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        kind = "test-import" if is_test_file(facts.path) else "import"
        lines: dict[str, list[int]] = defaultdict(list)
        external: set[str] = set()
        for item in facts.imports:
            if item.target == "C" or _is_stdlib(item.target):
                continue
            directory = self._lookup(item.target, facts.path)
            if directory is None:
                if not self._inside_repository_modules(item.target):
                    external.add(self._external_name(facts.path, item.target))
                continue
            for target in self._targets(facts, item, directory):
                if target != facts.path:
                    lines[target].append(item.line)
        for target in sorted(lines):
            yield Dependency(facts.path, target, kind, tuple(sorted(set(lines[target]))))
        for target in self._same_package_targets(facts):
            yield Dependency(facts.path, target, "same-package")
        for package in sorted(external):
            yield ExternalDependency(facts.path, package)

    def _same_package_targets(self, facts: FileFacts) -> list[str]:
        """Sibling files declaring a plain name the file uses (see the module doc)."""
        declared = self._declared.get((_directory(facts.path), facts.namespace))
        if not declared:
            return []
        from_test = is_test_file(facts.path)
        targets = {
            path
            for name in facts.references
            if "." not in name
            for path in declared.get(name, ())
            if path != facts.path and (from_test or not is_test_file(path))
        }
        return sorted(targets)

    def _inside_repository_modules(self, import_path: str) -> bool:
        """True when the longest module path owning ``import_path`` is one of the repo's
        (a required module nested under a repo module's path stays external)."""
        owners = [m.module for m in self._modules] + [r for m in self._modules for r in m.requires]
        best = max(
            (o for o in owners if import_path == o or import_path.startswith(o + "/")),
            key=len,
            default="",
        )
        return bool(best) and any(m.module == best for m in self._modules)

    def warnings_for(self, facts: FileFacts) -> list[AnalysisWarning]:
        """Imports of the repository's modules that name no package directory, and
        imports of another tree's ``internal/`` package (the compiler refuses both)."""
        importer = _directory(facts.path)
        found = []
        for item in facts.imports:
            if _is_stdlib(item.target):
                continue
            directory = self._lookup(item.target, facts.path)
            if directory is None and self._inside_repository_modules(item.target):
                message = f"line {item.line}: import {item.target} names no package directory"
                found.append(AnalysisWarning(facts.path, "unresolved-import", message))
            elif directory is not None and not internal_allowed(importer, directory):
                message = f"line {item.line}: import of internal package {item.target}"
                found.append(AnalysisWarning(facts.path, "internal-import", message))
        return found
