"""The small interface every language plugin implements."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archscan.containment import Containment
from archscan.records import Dependency, ExternalDependency, FileFacts, SourceFile


@dataclass(frozen=True)
class LanguageSpec:
    """Cheap facts about a language, known without loading its grammar."""

    name: str
    extensions: tuple[str, ...]
    shebangs: tuple[str, ...] = ()  # interpreter names, e.g. ("python", "python3")
    filenames: tuple[str, ...] = ()  # exact file names, e.g. ("Rakefile",)


@dataclass(frozen=True)
class ResolverSettings:
    """Per-language resolution settings taken from the configuration."""

    python_source_roots: tuple[str, ...] = ()


class ProjectView:
    """Read-only view of the repository for resolvers (config files, the file set).

    Resolvers may read files of the repository (tsconfig.json, go.mod, ...) but only
    through this view, which refuses anything outside the discovered file set or
    behind a symlink.
    """

    def __init__(
        self,
        root: Path,
        files: Iterable[SourceFile],
        facts: Mapping[str, FileFacts],
        settings: ResolverSettings | None = None,
        boundary_of: Callable[[str], str] | None = None,
    ) -> None:
        self.root = root
        self.files = tuple(files)
        self.paths = frozenset(f.path for f in self.files)
        self.facts = facts
        self.settings = settings or ResolverSettings()
        # The file's boundary (boundaries.py): resolvers prefer candidates in the
        # importer's own boundary when a name exists in several.
        self.boundary_of: Callable[[str], str] = boundary_of or (lambda path: "")
        self._base = str(root)
        self._containment = Containment(self._base)
        # Paths whose text was asked for: a stored resolution is valid only while they
        # are unchanged (resolution_cache keys parsed files by their facts, not text).
        self.reads: set[str] = set()

    def exists(self, path: str) -> bool:
        return path in self.paths

    def read_text(self, path: str) -> str | None:
        """Text of a discovered file, or None (not discovered, unreadable)."""
        if path not in self.paths:
            return None
        self.reads.add(path)
        full = os.path.join(self._base, path)
        # Inside the root once its folders' links are resolved (cached per folder: stages
        # read thousands of files), and not a link itself.
        if os.path.basename(full) in ("", ".", "..") or os.path.islink(full):
            return None
        if not self._containment.contains(full):
            return None
        try:
            with open(full, "rb") as handle:
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return None

    def files_of(self, language: str) -> list[str]:
        return [f.path for f in self.files if f.language == language]


class Resolver(Protocol):
    def module_name(self, path: str) -> str:
        """The language-native name of a file (dotted module, class name, ...)."""
        ...

    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        """Dependencies of one file on files of the repository or external packages."""
        ...

    # Optional hooks, called by resolve.py when a resolver defines them:
    # ``warnings_for(facts) -> list[AnalysisWarning]``: what a file's imports could not
    # resolve; ``project_warnings() -> list[AnalysisWarning]``: problems of the whole
    # project (configuration files), called once after every file is resolved.


class LanguagePlugin(Protocol):
    spec: LanguageSpec

    def parse(self, path: str, source: bytes) -> FileFacts:
        """Pure: the facts of one file. Must not raise on bad input."""
        ...

    def resolver(self, project: ProjectView) -> Resolver: ...
