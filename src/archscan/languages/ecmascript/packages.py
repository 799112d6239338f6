"""package.json files: workspaces (npm, yarn, pnpm, lerna), names, ``exports`` and ``main``.

Only packages that are workspace members (or the repository's root package) map their
names to folders: a package.json deep in a test-fixture folder must not capture an
import of a real npm package of the same name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from archscan.languages.base import ProjectView
from archscan.languages.ecmascript import paths
from archscan.records import AnalysisWarning
from archscan.repofiles import loads_json, loads_yaml

# Conditions archscan accepts in `exports`/`imports`, whatever their order in the file.
# Every matching one is tried in the file's order, so that a source entry ("source",
# "types" pointing at src/) can win over a build output that is not in the repository.
CONDITIONS = frozenset(
    {"types", "import", "require", "node", "default", "module", "browser", "source", "development"}
)


@dataclass(frozen=True)
class Package:
    name: str
    directory: str  # repository-relative folder ("" for the root)
    manifest: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def split_specifier(specifier: str) -> tuple[str, str]:
    """(package name, subpath) of a bare specifier: ``@a/b/c`` -> (``@a/b``, ``c``)."""
    parts = specifier.split("/")
    count = 2 if specifier.startswith("@") and len(parts) > 1 else 1
    return "/".join(parts[:count]), "/".join(parts[count:])


def _read_json(project: ProjectView, path: str) -> Any:
    text = project.read_text(path)
    if text is None:
        return None
    try:
        return loads_json(text)
    except ValueError:
        return None


def _workspace_patterns(project: ProjectView, root_manifest: Any) -> list[str]:
    patterns: list[str] = []
    if isinstance(root_manifest, dict):
        spaces = root_manifest.get("workspaces")
        if isinstance(spaces, dict):  # yarn's {"packages": [...], "nohoist": [...]}
            spaces = spaces.get("packages")
        if isinstance(spaces, list):
            patterns += [p for p in spaces if isinstance(p, str)]
    pnpm = project.read_text("pnpm-workspace.yaml")
    if pnpm is not None:
        try:
            data = loads_yaml(pnpm)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("packages"), list):
            patterns += [p for p in data["packages"] if isinstance(p, str)]
    lerna = _read_json(project, "lerna.json")
    if isinstance(lerna, dict) and isinstance(lerna.get("packages"), list):
        patterns += [p for p in lerna["packages"] if isinstance(p, str)]
    return patterns


def _is_member(directory: str, patterns: list[str]) -> bool:
    included = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if paths.workspace_glob(pattern.lstrip("!")).match(directory):
            included = not negated
    return included


class Packages:
    """The repository's own packages, by name and by folder."""

    def __init__(self, project: ProjectView) -> None:
        self.warnings: list[AnalysisWarning] = []
        self._manifests: dict[str, dict[str, Any]] = {}
        for path in sorted(project.paths):
            if path == "package.json" or path.endswith("/package.json"):
                data = _read_json(project, path)
                if isinstance(data, dict):
                    self._manifests[paths.parent(path)] = data
                else:
                    self.warnings.append(
                        AnalysisWarning(path, "config", "package.json is not valid JSON")
                    )
        patterns = _workspace_patterns(project, self._manifests.get(""))
        self.by_name: dict[str, Package] = {}
        for directory, manifest in self._manifests.items():
            name = manifest.get("name")
            if not isinstance(name, str) or not name:
                continue
            if directory == "" or _is_member(directory, patterns):
                self.by_name.setdefault(name, Package(name, directory, manifest))
        self._by_directory = {p.directory: p for p in self.by_name.values()}

    def manifest(self, directory: str) -> dict[str, Any] | None:
        return self._manifests.get(directory)

    def owner(self, path: str) -> Package | None:
        """The workspace package (or root package) whose folder holds ``path``."""
        directory = paths.parent(path)
        while True:
            if directory in self._by_directory:
                return self._by_directory[directory]
            if not directory:
                return None
            directory = paths.parent(directory)

    def nearest_manifest(self, path: str) -> tuple[str, dict[str, Any]] | None:
        """(folder, manifest) of the closest package.json above ``path``."""
        directory = paths.parent(path)
        while True:
            if directory in self._manifests:
                return directory, self._manifests[directory]
            if not directory:
                return None
            directory = paths.parent(directory)


def _targets(value: Any, typescript: bool) -> Iterator[str]:
    """Candidate targets of an exports/imports value, conditions in the file's order.

    ``types`` is a condition only TypeScript honours; Node skips it.
    """
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _targets(item, typescript)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in CONDITIONS and (typescript or key != "types"):
                yield from _targets(item, typescript)


def _match_map(mapping: dict[str, Any], key: str, typescript: bool) -> Iterator[str]:
    """Targets for ``key`` in a subpath map: exact entry, else the longest ``*`` pattern."""
    if key in mapping:
        yield from _targets(mapping[key], typescript)
        return
    best: tuple[int, str, str] | None = None
    for pattern in mapping:
        star = pattern.find("*")
        if star < 0:
            continue
        prefix, suffix = pattern[:star], pattern[star + 1 :]
        if key.startswith(prefix) and key.endswith(suffix) and len(key) >= len(pattern) - 1:
            matched = key[len(prefix) : len(key) - len(suffix)]
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), pattern, matched)
    if best is not None:
        for target in _targets(mapping[best[1]], typescript):
            yield target.replace("*", best[2])


def export_targets(
    manifest: dict[str, Any], subpath: str, typescript: bool
) -> Iterator[str] | None:
    """Package-relative targets of ``name/subpath`` by ``exports``; None without exports."""
    exports = manifest.get("exports")
    if exports is None:
        return None
    key = "./" + subpath if subpath else "."
    if isinstance(exports, (str, list)) or (
        isinstance(exports, dict) and not any(k.startswith(".") for k in exports)
    ):
        return _targets(exports, typescript) if key == "." else iter(())
    if isinstance(exports, dict):
        return _match_map(exports, key, typescript)
    return iter(())


def import_targets(manifest: dict[str, Any], specifier: str, typescript: bool) -> Iterator[str]:
    """Targets of a ``#subpath`` import by the package's ``imports`` field."""
    imports = manifest.get("imports")
    if not isinstance(imports, dict):
        return iter(())
    return _match_map(imports, specifier, typescript)


def entry_points(manifest: dict[str, Any], typescript: bool) -> list[str]:
    """Package-relative entry files of a folder: (TypeScript: types, typings), main."""
    keys = ("types", "typings", "main") if typescript else ("main",)
    return [value for key in keys if isinstance(value := manifest.get(key), str) and value]
