"""package.json files: workspaces (npm, yarn, pnpm, lerna), names, ``exports`` and ``main``.

Only packages that are workspace members (or the repository's root package) map their
names to folders: a package.json deep in a test-fixture folder must not capture an
import of a real npm package of the same name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


@dataclass(frozen=True)
class Workspace:
    """An npm/yarn/pnpm/lerna workspace: the folder of its root manifest, its member
    patterns (``!`` excludes) and the member folders (those holding a package.json)."""

    directory: str  # "" for the repository root
    sources: tuple[str, ...]  # the files declaring the patterns
    patterns: tuple[str, ...]
    members: tuple[str, ...]
    # (declaring file, include pattern) that match no package folder
    unmatched: tuple[tuple[str, str], ...] = ()


def _strings(value: Any) -> list[str]:
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def _declared_patterns(project: ProjectView, directory: str, manifest: Any) -> dict[str, list[str]]:
    """Declaring file -> its workspace patterns, for one folder."""
    found: dict[str, list[str]] = {}
    prefix = f"{directory}/" if directory else ""
    if isinstance(manifest, dict):
        spaces = manifest.get("workspaces")
        if isinstance(spaces, dict):  # yarn's {"packages": [...], "nohoist": [...]}
            spaces = spaces.get("packages")
        if _strings(spaces):
            found[prefix + "package.json"] = _strings(spaces)
    pnpm = project.read_text(prefix + "pnpm-workspace.yaml")
    if pnpm is not None:
        try:
            data = loads_yaml(pnpm)
        except ValueError:
            data = None
        if isinstance(data, dict) and _strings(data.get("packages")):
            found[prefix + "pnpm-workspace.yaml"] = _strings(data["packages"])
    lerna = _read_json(project, prefix + "lerna.json")
    if isinstance(lerna, dict) and _strings(lerna.get("packages")):
        found[prefix + "lerna.json"] = _strings(lerna["packages"])
    return found


def _relative(directory: str, root: str) -> str | None:
    """``directory`` relative to the workspace root, None when outside or the root."""
    if not root:
        return directory or None
    if directory.startswith(root + "/"):
        return directory[len(root) + 1 :]
    return None


def _is_member(directory: str, patterns: list[str]) -> bool:
    """The last pattern that matches decides (pnpm's and npm's reading of ``!``)."""
    return _membership(directory, patterns)[0]


def _membership(directory: str, patterns: list[str]) -> tuple[bool, set[str]]:
    """(is a member, the patterns that match it)."""
    included = False
    matched: set[str] = set()
    for pattern in patterns:
        if paths.workspace_glob(pattern.lstrip("!")).match(directory):
            included = not pattern.startswith("!")
            matched.add(pattern)
    return included, matched


def find_workspaces(project: ProjectView, manifests: Mapping[str, Any]) -> list[Workspace]:
    """Every workspace of the repository (nested ones too: a service that is a monorepo
    of its own), members matched by the linear-time globs (archscan.globs)."""
    folders = sorted(
        {paths.parent(p) for p in project.paths if p.rpartition("/")[2] in _WORKSPACE_FILES}
    )
    found = []
    for directory in folders:
        declared = _declared_patterns(project, directory, manifests.get(directory))
        if not declared:
            continue
        patterns = [p for values in declared.values() for p in values]
        members: list[str] = []
        hits: set[str] = set()
        for folder in sorted(manifests):
            inside = _relative(folder, directory)
            if inside is None or "node_modules" in inside.split("/"):
                continue
            member, matched = _membership(inside, patterns)
            hits |= matched
            if member:
                members.append(folder)
        unmatched = tuple(
            (source, p)
            for source, values in declared.items()
            for p in values
            if not p.startswith("!") and p not in hits
        )
        sources = tuple(declared)
        found.append(Workspace(directory, sources, tuple(patterns), tuple(members), unmatched))
    return found


_WORKSPACE_FILES = frozenset({"package.json", "pnpm-workspace.yaml", "lerna.json"})


def read_manifests(project: ProjectView) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Folder -> parsed package.json, and the package.json files that are not JSON."""
    manifests: dict[str, dict[str, Any]] = {}
    broken: list[str] = []
    for path in sorted(project.paths):
        if path == "package.json" or path.endswith("/package.json"):
            data = _read_json(project, path)
            if isinstance(data, dict):
                manifests[paths.parent(path)] = data
            else:
                broken.append(path)
    return manifests, broken


def _manifest_path(package: Package) -> str:
    return f"{package.directory}/package.json" if package.directory else "package.json"


class Packages:
    """The repository's own packages, by name and by folder."""

    def __init__(self, project: ProjectView) -> None:
        self._project = project
        self._manifests, broken = read_manifests(project)
        self.warnings = [
            AnalysisWarning(path, "config", "package.json is not valid JSON") for path in broken
        ]
        self.workspaces = find_workspaces(project, self._manifests)
        # Members, and each workspace's own root package (a nested monorepo's root).
        members = {m: w.directory for w in self.workspaces for m in (w.directory, *w.members)}
        # A name may be declared by packages of two workspaces (two services, each a
        # monorepo of its own): every one is kept, the importer's own wins (`named`).
        self._named: dict[str, list[Package]] = {}
        self._workspace_of: dict[str, str] = {}
        for directory, manifest in self._manifests.items():
            name = manifest.get("name")
            if not isinstance(name, str) or not name:
                continue
            if directory == "" or directory in members:
                self._named.setdefault(name, []).append(Package(name, directory, manifest))
                self._workspace_of[directory] = members.get(directory, "")
        self.by_name = {name: found[0] for name, found in self._named.items()}
        self._by_directory = {p.directory: p for found in self._named.values() for p in found}

    def named(self, name: str, importer: str) -> Package | None:
        """The package called ``name`` as ``importer`` sees it: the one in the importer's
        own boundary (deployable), else in its own workspace, else the first by folder."""
        found = self._named.get(name)
        if not found or len(found) == 1 or not importer:
            return found[0] if found else None
        boundary = self._project.boundary_of(importer)
        own = [p for p in found if self._project.boundary_of(_manifest_path(p)) == boundary]
        mine = self.owner(importer)
        workspace = self._workspace_of.get(mine.directory) if mine else None
        same = [p for p in (own or found) if self._workspace_of.get(p.directory) == workspace]
        return (same or own or found)[0]

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
