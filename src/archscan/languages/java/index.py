"""What the JVM files of a repository declare: types, packages, Kotlin top-level members.

Java and Kotlin share one index so that each resolves the other's classes (mixed
projects are common). Keys are fully qualified names; a name may be declared by several
files (a class copied into two Maven modules; Kotlin overloads spread over files).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from archscan.records import FileFacts

JVM_LANGUAGES = ("java", "kotlin")
# Kotlin declarations that are not types but can be imported by name.
MEMBER_KINDS = frozenset({"function", "property", "typealias"})
# Layout folders below which a build module keeps its sources (Maven/Gradle convention).
_SOURCE_MARKERS = ("src/main/", "src/test/", "src/")


def build_module(path: str) -> str:
    """The build module (Maven/Gradle project folder) a source file belongs to.

    ``billing/src/main/java/com/acme/X.java`` -> ``billing``; a file outside a
    ``src/`` layout belongs to the module "" (the repository root).
    """
    for marker in _SOURCE_MARKERS:
        if path.startswith(marker):
            return ""
        head, found, _ = path.partition("/" + marker)
        if found:
            return head
    return ""


def facade_class(facts: FileFacts) -> str:
    """The JVM class Kotlin compiles a file's top-level functions into (``UtilsKt``)."""
    stem = PurePosixPath(facts.path).stem
    return stem[:1].upper() + stem[1:] + "Kt"


@dataclass
class JvmIndex:
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    members: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    packages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # package -> simple name -> files: what a file of that package sees without import.
    simple: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    @classmethod
    def build(cls, facts: Mapping[str, FileFacts]) -> JvmIndex:
        index = cls()
        for path in sorted(facts):
            fact = facts[path]
            if fact.language in JVM_LANGUAGES:
                index._add(fact)
        return index

    def _add(self, facts: FileFacts) -> None:
        package = facts.namespace
        prefix = f"{package}." if package else ""
        self.packages[package].append(facts.path)
        has_members = False
        for definition in facts.definitions:
            if definition.kind in MEMBER_KINDS:
                has_members = True
                self.members[prefix + definition.name].append(facts.path)
                self.simple[package][definition.name].append(facts.path)
                continue
            self.types[prefix + definition.name].append(facts.path)
            if "." not in definition.name:
                self.simple[package][definition.name].append(facts.path)
        if has_members and facts.language == "kotlin":
            facade = facade_class(facts)
            self.types[prefix + facade].append(facts.path)
            self.simple[package][facade].append(facts.path)

    def is_internal_package(self, name: str) -> bool:
        return name in self.packages

    def longest_type(self, name: str) -> tuple[str, list[str]] | None:
        """The longest prefix of ``name`` that is a known type (``a.b.C.m`` -> ``a.b.C``)."""
        parts = name.split(".")
        for end in range(len(parts), 1, -1):  # a type in no package cannot be imported
            candidate = ".".join(parts[:end])
            files = self.types.get(candidate)
            if files:
                return candidate, files
        return None
