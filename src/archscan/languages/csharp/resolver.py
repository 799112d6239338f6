"""C# resolution: a ``using`` leads to the files declaring the types the file uses.

A namespace spans many files (and projects), so an edge goes to a file only when the
source file names a type that file declares. Name lookup follows the C# specification
(§7.6 namespace and type names): the enclosing namespaces, innermost first, then the
``using`` directives of the file and the ``global using`` directives of its project;
``using static`` and aliases of a type lead to the type's file; qualified names
(``Billing.Invoice``, ``Acme.Billing.Invoice``) are looked up relative to the
enclosing namespaces, the usings and the aliases too. A partial class is declared by
all its files, and a reference depends on all of them.

Extension methods (§12.8.10.3) are found the way C# finds them: a call ``x.Name(...)``
leads to the files declaring an extension method ``Name`` in the enclosing namespaces
or a namespace the file (or its project, with ``global using``) imports, or in a type
it imports with ``using static``. Without types the receiver is unknown, so an instance
method of the same name hides nothing here: the call depends on every such file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath

from archscan.languages.base import ProjectView
from archscan.languages.csharp.plugin import GLOBAL
from archscan.languages.csharp.projects import project_folders, project_of
from archscan.languages.java.resolver import FileEdges
from archscan.records import AnalysisWarning, Dependency, ExternalDependency, FileFacts, Import

EXTENSION = "extension-method"


def _enclosing(namespace: str) -> list[str]:
    """``A.B.C`` -> ``["A.B.C", "A.B", "A", ""]``: where C# looks for a simple name."""
    parts = namespace.split(".") if namespace else []
    return [".".join(parts[:end]) for end in range(len(parts), -1, -1)]


def _full_name(facts: FileFacts, name: str) -> str:
    if name.startswith(GLOBAL):
        return name[len(GLOBAL) :]
    return f"{facts.namespace}.{name}" if facts.namespace else name


class _Index:
    def __init__(self, facts: Mapping[str, FileFacts]) -> None:
        self.types: dict[str, list[str]] = defaultdict(list)
        self.simple: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.declared: set[str] = set()  # namespaces some file declares types in
        self.prefixes: set[str] = set()  # those and every namespace above them
        # namespace (or static class) -> extension method name -> declaring files
        self.extensions: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.extensions_of_type: dict[str, dict[str, list[str]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for path in sorted(facts):
            if facts[path].language == "csharp":
                self._add(facts[path])

    def _add(self, facts: FileFacts) -> None:
        for definition in facts.definitions:
            full = _full_name(facts, definition.name)
            if definition.kind == EXTENSION:
                self._add_extension(full, facts.path)
                continue
            self.types[full].append(facts.path)
            namespace, _, simple = full.rpartition(".")
            # Nested types are reached through their outer type, not by simple name.
            outer = definition.name.removeprefix(GLOBAL)
            if definition.name.startswith(GLOBAL) or "." not in outer:
                self.simple[namespace][simple].append(facts.path)
            self.declared.add(namespace)
        if facts.namespace:
            self.declared.add(facts.namespace)
        for namespace in list(self.declared):
            parts = namespace.split(".")
            self.prefixes.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))

    def _add_extension(self, full: str, path: str) -> None:
        owner, _, method = full.rpartition(".")
        self.extensions[owner.rpartition(".")[0]][method].append(path)
        self.extensions_of_type[owner][method].append(path)

    def longest_type(self, name: str) -> list[str]:
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            files = self.types.get(".".join(parts[:end]))
            if files:
                return files
        return []


class CSharpResolver:
    def __init__(self, project: ProjectView) -> None:
        self._project = project
        self._index = _Index(project.facts)
        self._folders = project_folders(project.paths)
        self._global_usings: dict[str | None, list[Import]] = defaultdict(list)
        for path in project.files_of("csharp"):
            facts = project.facts.get(path)
            for item in facts.imports if facts else ():
                if item.kind.startswith("global-"):
                    self._global_usings[self.project_of(path)].append(item)

    def project_of(self, path: str) -> str | None:
        """Folder of the .csproj that compiles ``path`` (its component)."""
        return project_of(path, self._folders)

    def module_name(self, path: str) -> str:
        """Namespace-qualified name of the file's type named like the file, else its first."""
        facts = self._project.facts.get(path)
        stem = PurePosixPath(path).stem.split(".")[0]
        if facts is None or not facts.definitions:
            prefix = f"{facts.namespace}." if facts and facts.namespace else ""
            return prefix + stem
        top = [d for d in facts.definitions if "." not in d.name.removeprefix(GLOBAL)]
        chosen = next((d for d in top if d.name == stem), (top or list(facts.definitions))[0])
        return _full_name(facts, chosen.name)

    def _usings(self, facts: FileFacts) -> list[Import]:
        own = [i for i in facts.imports if not i.kind.startswith("global-")]
        # The project's global usings include the file's own (it is in the project).
        return own + self._global_usings.get(self.project_of(facts.path), [])

    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        index = self._index
        edges = FileEdges(facts.path)
        usings = self._usings(facts)
        namespaces = [u for u in usings if u.kind.endswith("using")]
        aliases = {u.names[0]: u for u in usings if u.kind.endswith("using-alias") and u.names}
        external: set[str] = set()
        scope = _enclosing(facts.namespace)
        for reference in facts.references:
            if "." in reference:
                self._qualified(reference, scope, namespaces, aliases, edges)
            else:
                self._simple(reference, scope, namespaces, aliases, edges)
        self._extension_calls(facts, scope, usings, edges)
        for item in usings:
            if item.kind.endswith("using-static"):
                edges.add(index.longest_type(item.target), self._line(facts, item))
            internal = item.target in index.prefixes or index.longest_type(item.target)
            if item.kind.endswith("using") and not internal:
                external.add(item.target)
        yield from edges.dependencies()
        for package in sorted(external):
            yield ExternalDependency(facts.path, package)

    @staticmethod
    def _line(facts: FileFacts, item: Import) -> int | None:
        """The using's line when it is the file's own (a project's global using: none)."""
        return item.line if item in facts.imports else None

    def _extension_calls(
        self, facts: FileFacts, scope: list[str], usings: list[Import], edges: FileEdges
    ) -> None:
        """Edges to the files declaring an extension method the file calls and can see."""
        index = self._index
        if not facts.member_calls or not index.extensions:
            return
        # (extension methods visible through it, the using's line) per place C# looks in
        visible: list[tuple[dict[str, list[str]] | None, int | None]] = [
            (index.extensions.get(namespace), None) for namespace in scope
        ]
        for item in usings:
            if item.kind.endswith("using"):
                visible.append((index.extensions.get(item.target), self._line(facts, item)))
            elif item.kind.endswith("using-static"):
                table = index.extensions_of_type.get(item.target)
                visible.append((table, self._line(facts, item)))
        project = self.project_of(facts.path)
        for methods, line in visible:
            for name in facts.member_calls if methods else ():
                files = methods.get(name) if methods else None
                if files:
                    # Projects often repeat a helper (`AddApplicationServices` in the global
                    # namespace of each service); a project sees its own, not its siblings'.
                    own = [f for f in files if self.project_of(f) == project]
                    edges.add(own or files, line)

    def _simple(
        self,
        name: str,
        scope: list[str],
        namespaces: list[Import],
        aliases: dict[str, Import],
        edges: FileEdges,
    ) -> None:
        index = self._index
        facts = self._project.facts[edges.source]
        for namespace in scope:
            files = index.simple.get(namespace, {}).get(name)
            if files:
                edges.add(files, None)
                return
        if name in aliases:
            alias = aliases[name]
            edges.add(index.types.get(alias.target, []), self._line(facts, alias))
            return
        for item in namespaces:
            files = index.simple.get(item.target, {}).get(name)
            if files:
                edges.add(files, self._line(facts, item))

    def _qualified(
        self,
        name: str,
        scope: list[str],
        namespaces: list[Import],
        aliases: dict[str, Import],
        edges: FileEdges,
    ) -> None:
        index = self._index
        facts = self._project.facts[edges.source]
        first, _, rest = name.partition(".")
        if first in aliases:
            alias = aliases[first]
            edges.add(index.longest_type(f"{alias.target}.{rest}"), self._line(facts, alias))
            return
        for namespace in scope:
            files = index.longest_type(f"{namespace}.{name}" if namespace else name)
            if files:
                edges.add(files, None)
                return
        for item in namespaces:
            files = index.longest_type(f"{item.target}.{name}")
            if files:
                edges.add(files, self._line(facts, item))
                return

    def warnings_for(self, facts: FileFacts) -> Iterator[AnalysisWarning]:
        """Usings of a namespace below a namespace of the repository that nothing declares."""
        index = self._index
        for item in facts.imports:
            parent = item.target.rpartition(".")[0]
            if not parent or parent not in index.declared:
                continue
            if item.target in index.prefixes or index.longest_type(item.target):
                continue
            yield AnalysisWarning(
                facts.path,
                "unresolved-import",
                f"line {item.line}: using {item.target}: no file of the repository declares it",
            )
