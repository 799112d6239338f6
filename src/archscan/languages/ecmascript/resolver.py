"""Resolving JavaScript/TypeScript specifiers to files, the way Node and TypeScript do.

Order for a specifier written in file F (query strings such as ``?raw`` are dropped):

1. ``node:x`` and Node's built-in modules: neither a file nor an external package.
2. Relative (``./``, ``../``): a file with that exact name, TypeScript's ``.js``->``.ts``
   mapping, the name plus each known extension, then a folder (its package.json entry,
   then ``index`` plus extension). A path leaving the repository is reported.
3. ``#name``: the ``imports`` field of F's nearest package.json.
4. Bare: the ``paths`` of F's tsconfig/jsconfig (a target outside the repository is
   reported and left unresolved), then its ``baseUrl``, then the repository's own
   workspace packages (``exports``, else entry fields, else the subpath as a file; a
   name declared in two workspaces resolves inside the importer's own boundary, then
   its own workspace), else an external package (``@scope/name`` or ``name``).

Targets that exist but are not JavaScript/TypeScript (JSON, CSS, images) are assets: no
edge, no warning. One project model serves both languages' resolvers, since a
JavaScript file may import a TypeScript one and the reverse.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from archscan.languages.base import ProjectView
from archscan.languages.ecmascript import packages, paths
from archscan.languages.ecmascript.packages import Packages
from archscan.languages.ecmascript.tsconfig import TsConfigs
from archscan.records import AnalysisWarning, Dependency, ExternalDependency, FileFacts, Import

LANGUAGES = ("javascript", "typescript")
_TS_FIRST = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_JS_FIRST = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".d.ts", ".mts", ".cts")
_COMPONENTS = (".vue", ".svelte", ".json")
# TypeScript resolves "./a.js" to "./a.ts" (ESM-style imports in TypeScript sources).
_JS_TO_TS = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts",),
    ".cjs": (".cts",),
}
# Folders a build writes to, and the source folder they usually come from.
_BUILD_DIRS = ("dist", "build", "lib", "out", "esm", "cjs", "es")
_KIND_RANK = {"import": 0, "export": 0, "require": 1, "dynamic": 2, "reference": 3}
_DEPENDENCY_KIND = {"export": "import"}
_NODE_BUILTINS = frozenset(
    [
        "assert",
        "async_hooks",
        "buffer",
        "child_process",
        "cluster",
        "console",
        "constants",
        "crypto",
        "dgram",
        "diagnostics_channel",
        "dns",
        "domain",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "path",
        "perf_hooks",
        "process",
        "punycode",
        "querystring",
        "readline",
        "repl",
        "stream",
        "string_decoder",
        "sys",
        "timers",
        "tls",
        "trace_events",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "wasi",
        "worker_threads",
        "zlib",
    ]
)


@dataclass(frozen=True)
class Outcome:
    """Where a specifier leads: a code file, an asset, an external package, or nowhere."""

    target: str | None = None
    package: str | None = None
    asset: bool = False
    problem: str | None = None  # why it is unresolved, for a warning


_BUILTIN = Outcome()


def _is_builtin(specifier: str) -> bool:
    if specifier.startswith("node:"):
        return True
    return packages.split_specifier(specifier)[0] in _NODE_BUILTINS


def _strip_extension(path: str) -> str:
    if path.endswith(".d.ts"):
        return path[: -len(".d.ts")]
    suffix = PurePosixPath(path).suffix
    return path[: -len(suffix)] if suffix else path


class EcmaProject:
    """The repository as module resolution sees it; built once per ProjectView."""

    def __init__(self, project: ProjectView) -> None:
        self.project = project
        self.code = frozenset(p for lang in LANGUAGES for p in project.files_of(lang))
        self.packages = Packages(project)
        self.configs = TsConfigs(project, self._package_config)
        self._handed_out = 0  # configuration warnings already given to a resolver

    def drain_warnings(self) -> list[AnalysisWarning]:
        """Configuration warnings not handed out yet (configs load lazily, as files ask)."""
        found = [*self.packages.warnings, *self.configs.warnings]
        fresh = found[self._handed_out :]
        self._handed_out = len(found)
        return fresh

    def _package_config(self, specifier: str) -> str | None:
        name, subpath = packages.split_specifier(specifier)
        package = self.packages.by_name.get(name)
        if package is None:
            return None
        target = paths.join(package.directory, subpath or "tsconfig.json")
        if not self.project.exists(target) and self.project.exists(target + ".json"):
            target += ".json"
        return target

    # -- files and folders ---------------------------------------------------------
    def _file(self, path: str, ts_first: bool) -> Outcome | None:
        if paths.is_outside(path):
            return None
        suffix = PurePosixPath(path).suffix
        if ts_first and suffix in _JS_TO_TS:
            for replacement in _JS_TO_TS[suffix]:
                candidate = path[: -len(suffix)] + replacement
                if candidate in self.code:
                    return Outcome(candidate)
        if path in self.code:
            return Outcome(path)
        if not ts_first and suffix in _JS_TO_TS:
            for replacement in _JS_TO_TS[suffix]:
                candidate = path[: -len(suffix)] + replacement
                if candidate in self.code:
                    return Outcome(candidate)
        for extension in (*(_TS_FIRST if ts_first else _JS_FIRST), *_COMPONENTS):
            if path + extension in self.code:
                return Outcome(path + extension)
        if path and self.project.exists(path):
            return Outcome(asset=True)
        return None

    def _directory(self, path: str, ts_first: bool) -> Outcome | None:
        manifest = self.packages.manifest(path)
        if manifest is not None:
            for entry in packages.entry_points(manifest, ts_first):
                found = self._file_or_source(paths.join(path, entry), ts_first)
                if found is not None:
                    return found
        return self._file(paths.join(path, "index"), ts_first)

    def locate(self, path: str, ts_first: bool) -> Outcome | None:
        """A file or folder named by a resolved path, as Node/TypeScript would load it."""
        if paths.is_outside(path):
            return None
        return self._file(path, ts_first) or self._directory(path, ts_first)

    def _file_or_source(self, path: str, ts_first: bool) -> Outcome | None:
        """``path``, else its source when it names a build output that is not committed.

        A workspace package's ``exports``/``main`` point into dist/ or lib/, which the
        repository does not hold; ``dist/x.js`` is then looked for as ``src/x``.
        """
        found = self.locate(path, ts_first)
        if found is not None:
            return found
        parts = path.split("/")
        for index, part in enumerate(parts):
            if part in _BUILD_DIRS:
                for source_dir in ("src", "lib", "source"):
                    if source_dir == part:
                        continue
                    rest = "/".join([*parts[:index], source_dir, *parts[index + 1 :]])
                    found = self.locate(_strip_extension(rest), ts_first)
                    if found is not None and found.target is not None:
                        return found
                break
        return None

    # -- specifiers ----------------------------------------------------------------
    def resolve(self, importer: str, specifier: str, ts_first: bool) -> Outcome:
        specifier = specifier.split("?", 1)[0]  # bundler queries: "./icon.svg?react"
        if not specifier:
            return _BUILTIN
        if specifier.startswith((".", "/")):
            return self._relative(importer, specifier, ts_first)
        if specifier.startswith("#"):
            return self._subpath_import(importer, specifier, ts_first)
        if _is_builtin(specifier):
            return _BUILTIN
        return self._bare(importer, specifier, ts_first)

    def _relative(self, importer: str, specifier: str, ts_first: bool) -> Outcome:
        target = paths.join(paths.parent(importer), specifier)
        if paths.is_outside(target):
            return Outcome(problem=f"{specifier} points outside the repository")
        found = self.locate(target, ts_first)
        return found or Outcome(problem=f"{specifier} names no file of the repository")

    def _subpath_import(self, importer: str, specifier: str, ts_first: bool) -> Outcome:
        nearest = self.packages.nearest_manifest(importer)
        if nearest is None:
            return Outcome(problem=f"{specifier}: no package.json with `imports` above")
        directory, manifest = nearest
        for target in packages.import_targets(manifest, specifier, ts_first):
            if not target.startswith("."):
                return self._bare(importer, target, ts_first)
            found = self._file_or_source(paths.join(directory, target), ts_first)
            if found is not None:
                return found
        return Outcome(problem=f"{specifier} is not in the `imports` of {directory or '.'}")

    def _bare(self, importer: str, specifier: str, ts_first: bool) -> Outcome:
        config = self.configs.for_file(importer)
        if config is not None:
            candidates = config.candidates(specifier)
            outside = [c for c in candidates or [] if paths.is_outside(c)]
            for candidate in candidates or []:
                found = self.locate(candidate, ts_first)
                if found is not None:
                    return found
            if outside:
                return Outcome(
                    problem=f"{specifier}: path alias in {config.config} points outside "
                    "the repository"
                )
            if config.base_url is not None:
                found = self.locate(paths.join(config.base_url, specifier), ts_first)
                if found is not None:
                    return found
        name, subpath = packages.split_specifier(specifier)
        # A name two workspace packages declare: the importer's own deployable first.
        package = self.packages.named(name, importer)
        if package is not None:
            found = self._in_package(package, subpath, ts_first)
            if found is not None:
                return found
        return Outcome(package=name)

    def _in_package(
        self, package: packages.Package, subpath: str, ts_first: bool
    ) -> Outcome | None:
        targets = packages.export_targets(package.manifest, subpath, ts_first)
        if targets is not None:
            for target in targets:
                found = self._file_or_source(paths.join(package.directory, target), ts_first)
                if found is not None:
                    return found
        if subpath:
            return self._file_or_source(paths.join(package.directory, subpath), ts_first)
        return self._directory(package.directory, ts_first)

    # -- module names --------------------------------------------------------------
    def module_name(self, path: str) -> str:
        """``workspace-package-name/subpath`` inside a workspace package, else the path
        without its extension (files of the root package keep their plain paths)."""
        bare = _strip_extension(path)
        owner = self.packages.owner(path)
        if owner is None or owner.directory == "":
            return bare
        return f"{owner.name}/{bare[len(owner.directory) + 1 :]}"


_PROJECTS: weakref.WeakKeyDictionary[ProjectView, EcmaProject] = weakref.WeakKeyDictionary()


def project_model(project: ProjectView) -> EcmaProject:
    if project not in _PROJECTS:
        _PROJECTS[project] = EcmaProject(project)
    return _PROJECTS[project]


class EcmaResolver:
    def __init__(self, project: ProjectView, language: str) -> None:
        self._model = project_model(project)
        self._ts_first = language == "typescript"
        self._warnings: list[AnalysisWarning] = []

    def module_name(self, path: str) -> str:
        return self._model.module_name(path)

    def resolve(self, facts: FileFacts) -> Iterable[Dependency | ExternalDependency]:
        found: dict[str, list[Import]] = defaultdict(list)
        external: set[str] = set()
        # A TypeScript file in a JavaScript plugin (Vue `lang="ts"`) still resolves .ts first.
        ts_first = self._ts_first or facts.path.endswith((".vue", ".svelte"))
        for item in facts.imports:
            outcome = self._model.resolve(facts.path, item.target, ts_first)
            if outcome.target is not None and outcome.target != facts.path:
                found[outcome.target].append(item)
            elif outcome.package is not None:
                external.add(outcome.package)
            elif outcome.problem is not None:
                self._warnings.append(
                    AnalysisWarning(
                        facts.path, "unresolved-import", f"line {item.line}: {outcome.problem}"
                    )
                )
        yield from _dependencies(facts.path, found)
        for package in sorted(external):
            yield ExternalDependency(facts.path, package)

    def project_warnings(self) -> list[AnalysisWarning]:
        """Warnings collected so far (configuration first), each handed out once."""
        out = [*self._model.drain_warnings(), *self._warnings]
        self._warnings = []
        return out


def _dependencies(source: str, found: dict[str, list[Import]]) -> Iterator[Dependency]:
    for target in sorted(found):
        items = found[target]
        kind = min((i.kind for i in items), key=lambda k: _KIND_RANK.get(k, 9))
        yield Dependency(
            source,
            target,
            _DEPENDENCY_KIND.get(kind, kind),
            tuple(sorted({i.line for i in items})),
            all(i.type_checking for i in items),
        )
