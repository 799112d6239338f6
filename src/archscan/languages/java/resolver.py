"""JVM resolution (Java and Kotlin): imports, same-package and qualified references.

Precedence follows the Java Language Specification (§6.4.1, §7.5): a single-type import
shadows a type of the same package, which shadows an on-demand (``.*``) import. Kotlin
follows the same order (explicit imports, then the package, then star imports).

* ``import a.b.C`` / ``import a.b.Outer.Inner`` / ``import static a.b.C.m``: the file
  declaring the longest prefix that is a type (a nested class lives in its outer
  class's file); Kotlin ``import a.b.f`` (top-level function or property): every file of
  ``a.b`` declaring ``f``.
* ``import a.b.*``: the files of package ``a.b`` declaring a name the file uses.
* same package: a simple name the file uses that names a type (Kotlin: also a
  top-level function/property) of its own package.
* inline qualified names (``com.acme.Order``): the file declaring that type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from archscan.languages.base import ProjectView
from archscan.languages.java.index import JvmIndex, facade_class
from archscan.languages.java.modules import BuildModules
from archscan.languages.java.names import package_part
from archscan.records import (
    AnalysisWarning,
    Dependency,
    ExternalDependency,
    FileFacts,
    Import,
)

_TYPE_ORDER = ("class", "interface", "enum", "record", "object")


class FileEdges:
    """Targets of one file with the import lines that led to them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[str, set[int]] = defaultdict(set)
        self.imported: set[str] = set()

    def add(self, targets: Iterable[str], line: int | None) -> None:
        for target in targets:
            if target == self.source:
                continue
            self.lines[target]
            if line is not None:
                self.lines[target].add(line)
                self.imported.add(target)

    def dependencies(self) -> Iterator[Dependency]:
        for target in sorted(self.lines):
            kind = "import" if target in self.imported else "reference"
            yield Dependency(self.source, target, kind, tuple(sorted(self.lines[target])))


class JvmResolver:
    def __init__(self, project: ProjectView, language: str) -> None:
        self._project = project
        self._language = language
        self._index = JvmIndex.build(project.facts)
        self._modules = BuildModules(project.paths, project.read_text)

    # -- scope --------------------------------------------------------------------
    def _scope(self, candidates: list[str], importer: str) -> list[str]:
        """The files declaring a name as ``importer`` sees them when several do (a class
        copied into two Maven/Gradle modules): those of its own build module, else of
        the modules it declares a dependency on, else of its own boundary, else all."""
        if len(candidates) < 2:
            return candidates
        module = self._modules.module_of(importer)
        own = [c for c in candidates if self._modules.module_of(c) == module]
        if own:
            return own
        depends = self._modules.depends(module)
        declared = [c for c in candidates if self._modules.module_of(c) in depends]
        if declared:
            return declared
        boundary = self._project.boundary_of(importer)
        local = [c for c in candidates if self._project.boundary_of(c) == boundary]
        return local or candidates

    def _nearest(self, candidates: list[str], importer: str) -> list[str]:
        """One file for a type declared more than once (see _scope)."""
        if len(candidates) == 1:
            return candidates
        return [sorted(self._scope(candidates, importer))[0]]

    # -- module names -------------------------------------------------------------
    def module_name(self, path: str) -> str:
        """Fully qualified name of the file's top-level class.

        The class named like the file (Java requires it of the public class), else the
        first top-level type, else Kotlin's facade class for top-level functions.
        """
        facts = self._project.facts.get(path)
        stem = PurePosixPath(path).stem
        if facts is None:
            return stem
        prefix = f"{facts.namespace}." if facts.namespace else ""
        top = [d for d in facts.definitions if "." not in d.name]
        types = [d for d in top if d.kind in _TYPE_ORDER]
        named = next((d for d in types if d.name == stem), None)
        if named or types:
            return prefix + (named or types[0]).name
        if top and facts.language == "kotlin":
            return prefix + facade_class(facts)
        return prefix + stem

    # -- resolution ---------------------------------------------------------------
    def _explicit(self, item: Import, edges: FileEdges, shadowing: set[str]) -> str | None:
        """Resolve a single-name import; the external package name when it is not ours."""
        index = self._index
        members = index.members.get(item.target)
        found = index.longest_type(item.target)
        if members:
            edges.add(self._scope(members, edges.source), item.line)
        if found and (len(found[0]) == len(item.target) or not members):
            edges.add(self._nearest(found[1], edges.source), item.line)
        if members or found:
            shadowing.add(item.target.rsplit(".", 1)[-1])
            shadowing.update(item.names)  # Kotlin `import a.b.C as W` binds W
            return None
        package = package_part(item.target)
        # A name missing from a package of the repository is a warning, not a library.
        return None if index.is_internal_package(package) else package

    def _on_demand(self, item: Import, used: set[str], edges: FileEdges) -> str | None:
        index = self._index
        if index.is_internal_package(item.target):
            names = index.simple.get(item.target, {})
            for name in sorted(used & set(names)):
                edges.add(self._scope(names[name], edges.source), item.line)
            return None
        found = index.longest_type(item.target)  # `import a.b.Outer.*`, static on-demand
        if found:
            edges.add(self._nearest(found[1], edges.source), item.line)
            return None
        return package_part(item.target + ".X")

    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        edges = FileEdges(facts.path)
        external: set[str] = set()
        shadowing: set[str] = set()
        simple = {r for r in facts.references if "." not in r}
        wildcard: list[Import] = []
        for item in facts.imports:
            if item.names == ("*",):
                wildcard.append(item)
                continue
            package = self._explicit(item, edges, shadowing)
            if package:
                external.add(package)
        unbound = simple - shadowing
        own = self._index.simple.get(facts.namespace, {})
        for name in sorted(unbound & set(own)):
            edges.add(self._scope(own[name], facts.path), None)
        unbound -= set(own)
        for item in wildcard:
            package = self._on_demand(item, unbound, edges)
            if package:
                external.add(package)
        for reference in facts.references:
            if "." in reference:
                found = self._index.longest_type(reference)
                if found and "." in found[0]:
                    edges.add(self._nearest(found[1], facts.path), None)
        yield from edges.dependencies()
        for package in sorted(external):
            yield ExternalDependency(facts.path, package)

    def warnings_for(self, facts: FileFacts) -> Iterator[AnalysisWarning]:
        """Imports into a package of the repository that name nothing it declares."""
        index = self._index
        for item in facts.imports:
            if item.names == ("*",):
                continue
            package = package_part(item.target)
            if not index.is_internal_package(package):
                continue
            if index.members.get(item.target) or index.longest_type(item.target):
                continue
            yield AnalysisWarning(
                facts.path,
                "unresolved-import",
                f"line {item.line}: {item.target} is in package {package} of the repository,"
                " but no file declares it",
            )
