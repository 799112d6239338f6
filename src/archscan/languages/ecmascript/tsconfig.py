"""tsconfig.json / jsconfig.json: ``baseUrl`` and ``paths``, following ``extends``.

What the TypeScript compiler does, reduced to what module resolution needs:

* the configuration of a file is the nearest ``tsconfig.json`` (else ``jsconfig.json``)
  in its folder or a folder above it;
* ``extends`` (a string or, since TypeScript 5.0, a list) is followed; relative entries
  are files (``.json`` may be omitted), bare ones are looked up among the repository's
  workspace packages and otherwise ignored (a base config from npm, not in the checkout);
* ``baseUrl`` is relative to the file that sets it; ``paths`` targets are relative to
  ``baseUrl`` when one is in effect, else to the file that sets ``paths``;
* circular ``extends`` is reported and cut, comments and trailing commas are accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archscan.languages.base import ProjectView
from archscan.languages.ecmascript import jsonc, paths
from archscan.records import AnalysisWarning

CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
MAX_EXTENDS = 64  # deeper `extends` chains are cut (with a warning)


@dataclass(frozen=True)
class PathMapping:
    pattern: str  # "@app/*"
    targets: tuple[str, ...]  # repository-relative, "*" kept; "../x" means outside


@dataclass(frozen=True)
class CompilerPaths:
    """The module-resolution part of one effective configuration."""

    config: str  # repository-relative path of the tsconfig
    base_url: str | None  # repository-relative folder, None when not set
    mappings: tuple[PathMapping, ...] = ()

    def candidates(self, specifier: str) -> list[str] | None:
        """Targets for ``specifier`` from the best ``paths`` pattern; None when none matches.

        TypeScript picks the pattern with the longest prefix before ``*`` (an exact
        pattern beats every wildcard) and tries its targets in order.
        """
        best: tuple[int, PathMapping, str] | None = None
        for mapping in self.mappings:
            star = mapping.pattern.find("*")
            if star < 0:
                if mapping.pattern == specifier:
                    return list(mapping.targets)
                continue
            prefix, suffix = mapping.pattern[:star], mapping.pattern[star + 1 :]
            fits = len(specifier) >= len(prefix) + len(suffix)
            if fits and specifier.startswith(prefix) and specifier.endswith(suffix):
                matched = specifier[len(prefix) : len(specifier) - len(suffix)]
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), mapping, matched)
        if best is None:
            return None
        return [target.replace("*", best[2], 1) for target in best[1].targets]


@dataclass(frozen=True)
class _Options:
    """baseUrl / paths as set in one chain of configs, each with the folder it came from."""

    base_url: str | None = None
    paths: dict[str, Any] | None = None
    paths_dir: str = ""


# Resolves a bare `extends` (a workspace package's config) to a repository path.
PackageConfig = Callable[[str], str | None]


class TsConfigs:
    """Loads and caches effective configurations, and finds the one of a file."""

    def __init__(self, project: ProjectView, package_config: PackageConfig) -> None:
        self._project = project
        self._package_config = package_config
        self._options: dict[str, _Options] = {}
        self._effective: dict[str, CompilerPaths] = {}
        self._nearest: dict[str, str | None] = {}
        self.warnings: list[AnalysisWarning] = []

    def for_file(self, path: str) -> CompilerPaths | None:
        config = self._nearest_config(paths.parent(path))
        return self.load(config) if config else None

    def _nearest_config(self, directory: str) -> str | None:
        """Iterative: a hostile tree is 2,000 folders deep, deeper than Python recursion."""
        walked: list[str] = []
        found: str | None = None
        while True:
            if directory in self._nearest:
                found = self._nearest[directory]
                break
            walked.append(directory)
            found = next((c for c in self._candidates(directory) if self._project.exists(c)), None)
            if found is not None or not directory:
                break
            directory = paths.parent(directory)
        for folder in walked:
            self._nearest[folder] = found
        return found

    @staticmethod
    def _candidates(directory: str) -> list[str]:
        return [f"{directory}/{name}" if directory else name for name in CONFIG_NAMES]

    def load(self, config: str) -> CompilerPaths:
        if config not in self._effective:
            options = self._chain(config, ())
            mappings: list[PathMapping] = []
            base = options.base_url if options.base_url is not None else options.paths_dir
            for pattern, targets in (options.paths or {}).items():
                if isinstance(targets, list):
                    joined = tuple(paths.join(base, t) for t in targets if isinstance(t, str))
                    mappings.append(PathMapping(pattern, joined))
            self._effective[config] = CompilerPaths(config, options.base_url, tuple(mappings))
        return self._effective[config]

    def _read(self, config: str) -> dict[str, Any]:
        text = self._project.read_text(config)
        if text is None:
            return {}
        try:
            data = jsonc.loads(text)
        except ValueError as exc:
            self.warnings.append(AnalysisWarning(config, "config", f"unreadable: {exc}"))
            return {}
        return data if isinstance(data, dict) else {}

    def _warn_once(self, config: str, message: str) -> None:
        warning = AnalysisWarning(config, "config", message)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def _extends_path(self, config: str, value: str) -> str | None:
        if value.startswith((".", "/")):
            target = paths.join(paths.parent(config), value)
            if not self._project.exists(target) and self._project.exists(target + ".json"):
                target += ".json"
            return target
        return self._package_config(value)

    def _chain(self, config: str, stack: tuple[str, ...]) -> _Options:
        """Options of ``config`` merged over those of everything it extends."""
        if config in self._options:
            return self._options[config]
        if config in stack:
            cycle = " -> ".join((*stack[stack.index(config) :], config))
            self.warnings.append(
                AnalysisWarning(config, "config", f"circular tsconfig extends: {cycle}")
            )
            return _Options()
        if len(stack) >= MAX_EXTENDS:
            # each level is a recursion; a real chain is a handful of files deep
            self._warn_once(config, f"tsconfig extends chain deeper than {MAX_EXTENDS}: cut")
            return _Options()
        data = self._read(config)
        merged = _Options()
        extends = data.get("extends")
        for value in extends if isinstance(extends, list) else [extends]:
            if not isinstance(value, str):
                continue
            target = self._extends_path(config, value)
            if target is None or paths.is_outside(target) or not self._project.exists(target):
                continue
            merged = _merge(merged, self._chain(target, (*stack, config)))
        merged = _merge(merged, _own_options(config, data))
        self._options[config] = merged
        return merged


def _own_options(config: str, data: dict[str, Any]) -> _Options:
    options = data.get("compilerOptions")
    if not isinstance(options, dict):
        return _Options()
    directory = paths.parent(config)
    base_url = options.get("baseUrl")
    mapping = options.get("paths")
    return _Options(
        base_url=paths.join(directory, base_url) if isinstance(base_url, str) else None,
        paths=mapping if isinstance(mapping, dict) else None,
        paths_dir=directory,
    )


def _merge(base: _Options, child: _Options) -> _Options:
    """A child's baseUrl and paths replace its parent's (whole, not key by key)."""
    return _Options(
        base_url=child.base_url if child.base_url is not None else base.base_url,
        paths=child.paths if child.paths is not None else base.paths,
        paths_dir=child.paths_dir if child.paths is not None else base.paths_dir,
    )
