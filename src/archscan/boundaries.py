"""Boundaries: which component (boundary) every file belongs to, decided once.

Order (docs/boundaries.md):

1. the configured ``[components]`` (name = globs, the first matching definition wins);
2. else the deployable/build units found in the repository: Maven/Gradle modules,
   ``.csproj`` projects, npm/yarn/pnpm packages (workspace members included), Go
   modules (``go.mod``), Python distributions (``pyproject.toml``/``setup.py``/
   ``setup.cfg``), Django apps (``apps.py``, or ``models.py`` beside ``migrations/``)
   and projects (``manage.py``; ``settings.py`` beside ``urls.py``),
   Rails engines (``lib/<name>/engine.rb``), Cargo crates, Composer/Bundler/Mix
   projects, services (a folder with its own ``Dockerfile``), docker-compose
   services (their build context and Dockerfile, ``${VAR}`` taken from ``.env``),
   Helm charts (``Chart.yaml`` + ``templates/``, read statically by manifests.py) and
   the Kubernetes workloads and chart templates that name service folders; workspace
   members (npm/yarn/pnpm/lerna globs) are named by their package, other package.json
   files below a workspace establish nothing;
   a file belongs to the deepest unit above it, and a file outside every unit to the
   only unit below its nearest ancestor that holds one (a service's ``tests/`` beside
   its ``src/``). Used when at least two units hold code;
3. else the top-level source packages: below the folders every production file shares
   (``src/main/java/com/acme/...``), one group per first folder; never one per leaf.

Build files in tests, docs, vendored or generated code (fixtures) establish nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from archscan import manifests
from archscan.graph import UNASSIGNED, component_resolver
from archscan.languages import registry
from archscan.languages.base import ProjectView
from archscan.languages.ecmascript.packages import find_workspaces, read_manifests
from archscan.records import AnalysisWarning, Boundaries, BoundaryGroup, SourceFile
from archscan.repofiles import loads_yaml
from archscan.roles import ASSET_FOLDERS, TOOLING_FOLDERS

# The build file names that make their folder a unit, with the unit's kind.
_MARKERS: dict[str, str] = {
    "pom.xml": "maven",
    "build.gradle": "gradle",
    "build.gradle.kts": "gradle",
    "package.json": "npm",
    "go.mod": "go-module",
    "pyproject.toml": "python",
    "setup.py": "python",
    "setup.cfg": "python",
    "apps.py": "django-app",
    "manage.py": "django-project",
    "cargo.toml": "cargo",
    "composer.json": "composer",
    "gemfile": "ruby",
    "mix.exs": "mix",
    "dockerfile": "dockerfile",
    "containerfile": "dockerfile",
}
_SUFFIX_MARKERS: dict[str, str] = {".csproj": "csproj", ".fsproj": "csproj", ".gemspec": "ruby"}
# When one folder has several markers, the group's kind is the most telling one.
_KIND_ORDER = (
    "compose-service",
    "dockerfile",
    "k8s-service",
    "helm-chart",
    "rails-engine",
    "django-app",
    "django-project",
    "csproj",
    "maven",
    "gradle",
    "go-module",
    "npm-workspace",
    "npm",
    "python",
    "cargo",
    "composer",
    "ruby",
    "mix",
)
_NO_EVIDENCE_ROLES = {"test", "docs", "vendored", "generated", "data"}
_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$", re.IGNORECASE)
_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


@dataclass(frozen=True)
class BoundariesInput:
    root: Path
    files: tuple[SourceFile, ...]  # with their roles
    components: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # configured


@dataclass
class _Unit:
    """A detected unit while it is being collected (mutable only in this module)."""

    folder: str
    kinds: set[str] = field(default_factory=set)
    evidence: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    name: str = ""


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "."


def _name(path: str) -> str:
    return path.rpartition("/")[2]


def _marker_kind(path: str) -> str:
    lower = _name(path).lower()
    if lower in _MARKERS:
        return _MARKERS[lower]
    if lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    return _SUFFIX_MARKERS.get("." + lower.rpartition(".")[2] if "." in lower else "", "")


def _units_from_files(files: Sequence[SourceFile], paths: frozenset[str]) -> dict[str, _Unit]:
    units: dict[str, _Unit] = {}
    for file in files:
        if file.role in _NO_EVIDENCE_ROLES:
            continue
        found = _evidence(file.path, paths)
        # the folders last: most files are no marker (a split of every path otherwise)
        if found is None or _in_tooling(file.path):
            continue
        kind, folder = found
        unit = units.setdefault(folder, _Unit(folder))
        unit.kinds.add(kind)
        unit.evidence.add(file.path)
        if kind == "csproj" and not unit.name:
            unit.name = PurePosixPath(file.path).stem
    return units


def _evidence(path: str, paths: frozenset[str]) -> tuple[str, str] | None:
    """(kind, folder) of the unit a file's name makes, or None."""
    kind = _marker_kind(path)
    folder = _parent(path)
    name = _name(path)
    if not kind and name == "models.py" and f"{folder}/migrations/__init__.py" in paths:
        kind = "django-app"
    if not kind and name == "settings.py" and f"{folder}/urls.py" in paths:
        kind = "django-project"  # the project package (settings, root URLconf)
    if not kind and name == "engine.rb" and folder.count("/") >= 1:
        lib, _, _engine = folder.rpartition("/")
        if posixpath.basename(lib) == "lib":
            kind, folder = "rails-engine", _parent(lib)
    return (kind, folder) if kind else None


def _in_tooling(path: str) -> bool:
    """A dev container's or CI's Dockerfile deploys nothing of the system."""
    return any(part.lower() in TOOLING_FOLDERS for part in path.split("/")[:-1])


def _dotenv(view: ProjectView, folder: str) -> dict[str, str]:
    text = view.read_text(".env" if folder == "." else f"{folder}/.env") or ""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            values[key.strip()] = value.strip().strip("'\"")
    return values


def _expand(value: str, env: Mapping[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        return env.get(name, match.group(2) or "")

    return _VARIABLE.sub(sub, value)


def _normal(folder: str, relative: str) -> str | None:
    """A path relative to ``folder``, normalised; None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(folder, relative))
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


def _compose_services(
    view: ProjectView, path: str, warnings: list[AnalysisWarning]
) -> list[tuple[str, str]]:
    """(service name, folder of its Dockerfile or build context) of one compose file."""
    try:
        document = loads_yaml(view.read_text(path) or "")  # nesting-limited (repofiles)
    except ValueError as exc:
        warnings.append(AnalysisWarning(path, "boundaries", f"unreadable compose file: {exc}"))
        return []
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, dict):
        return []
    folder = _parent(path)
    env = _dotenv(view, folder)
    found = []
    for name, spec in sorted(services.items(), key=lambda item: str(item[0])):
        build = spec.get("build") if isinstance(spec, dict) else None
        if isinstance(build, str):
            build = {"context": build}
        if not isinstance(build, dict):
            continue
        context = _normal(folder, _expand(str(build.get("context", ".")), env))
        if context is None:
            continue
        dockerfile = build.get("dockerfile")
        target = context
        if isinstance(dockerfile, str) and dockerfile:
            located = _normal(context, _expand(dockerfile, env))
            target = _parent(located) if located else context
        found.append((str(name), target))
    return found


def _apply_workspaces(
    view: ProjectView, units: dict[str, _Unit], warnings: list[AnalysisWarning]
) -> None:
    """npm/yarn/pnpm/lerna workspaces: each member package (matched by the workspace
    globs, ``!`` excludes honoured) is a deployable named by its package name; a
    package.json below a workspace that is no member of any (a sub-entry point such as
    ``packages/vue/server-renderer``, a project template) establishes nothing."""
    manifests_by_folder, _broken = read_manifests(view)
    workspaces = find_workspaces(view, manifests_by_folder)
    members = {m: w for w in workspaces for m in w.members}  # nested ones last: they win
    roots = {w.directory or "." for w in workspaces}
    for workspace in workspaces:
        for source, pattern in workspace.unmatched:
            message = f"workspace pattern {pattern!r} matches no package folder"
            warnings.append(AnalysisWarning(source, "boundaries", message))
    for folder, unit in list(units.items()):
        if "npm" not in unit.kinds or folder in roots:
            continue
        if folder in members:
            unit.kinds.add("npm-workspace")
            unit.evidence.update(members[folder].sources)
            name = manifests_by_folder[folder].get("name")
            if isinstance(name, str) and name and not unit.name:
                unit.name = name
        elif _owner(_parent(folder), roots) is not None:
            unit.kinds.discard("npm")
            unit.evidence.discard(f"{folder}/package.json")
            if not unit.kinds:
                del units[folder]


def _add_compose(
    view: ProjectView,
    files: Sequence[SourceFile],
    units: dict[str, _Unit],
    warnings: list[AnalysisWarning],
) -> None:
    for file in files:
        if file.role in _NO_EVIDENCE_ROLES or not _COMPOSE.match(_name(file.path)):
            continue
        for service, folder in _compose_services(view, file.path, warnings):
            if folder == ".":
                continue  # the whole repository as a build context says nothing
            unit = units.setdefault(folder, _Unit(folder))
            unit.kinds.add("compose-service")
            unit.evidence.add(file.path)
            unit.services.add(service)


def _service_folders(files: Sequence[SourceFile]) -> dict[str, set[str]]:
    """Folder name -> the service-shaped folders of that name holding production code
    (``orders/``, ``services/orders/``): a workload called like a package deep in a
    source tree names no deployable."""
    folders: dict[str, set[str]] = defaultdict(set)
    # each folder of code once, not once per file in it
    for folder in {_parent(f.path) for f in files if _is_code(f)}:
        current = folder
        while current != ".":
            if current.count("/") <= 1:
                folders[posixpath.basename(current)].add(current)
            current = _parent(current)
    return folders


def _link_service(units: dict[str, _Unit], folder: str, name: str, evidence: str) -> None:
    """A workload named like a service folder: the unit owning the folder (or the only
    unit below it: a service whose Dockerfile is in its src/) learns the name; else the
    folder becomes a k8s-service unit."""
    roots = set(units) - {"."}
    owner = _owner(folder, roots)
    if owner is None:
        below = [u for u in roots if u.startswith(folder + "/")]
        owner = below[0] if len(below) == 1 else None
    unit = units[owner] if owner else units.setdefault(folder, _Unit(folder))
    if owner is None:
        unit.kinds.add("k8s-service")
    unit.evidence.add(evidence)
    unit.services.add(name)


def _charts(view: ProjectView, files: Sequence[SourceFile]) -> dict[str, manifests.Chart]:
    """Helm charts: folders with a Chart.yaml and templates/ (a library chart, without
    templates, deploys nothing)."""
    paths = sorted(f.path for f in files if f.role not in _NO_EVIDENCE_ROLES)
    with_templates: set[str] = set()  # folders that hold a templates/ folder
    for path in paths:
        if "templates" not in path:
            continue  # no such folder on its way (most paths: none is split)
        parts = path.split("/")
        for index, part in enumerate(parts[:-1]):
            if part == "templates":
                with_templates.add("/".join(parts[:index]) or ".")
    found: dict[str, manifests.Chart] = {}
    for path in paths:
        folder = _parent(path)
        if _name(path) != "Chart.yaml" or _in_tooling(path) or folder not in with_templates:
            continue
        prefix = "" if folder == "." else folder + "/"
        values = _values(view, prefix + "values.yaml")
        name = manifests.chart_name(view.read_text(path) or "", folder)
        found[folder] = manifests.Chart(folder, name, values)
    return found


def _values(view: ProjectView, path: str) -> dict[str, Any]:
    try:
        data = loads_yaml(view.read_text(path) or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _chart_of(path: str, charts: Mapping[str, manifests.Chart]) -> manifests.Chart | None:
    folder = _owner(_parent(path), set(charts))
    return charts[folder] if folder is not None else None


def _add_manifests(
    view: ProjectView,
    files: Sequence[SourceFile],
    units: dict[str, _Unit],
    charts: Mapping[str, manifests.Chart],
) -> None:
    """Kubernetes workloads and Helm charts name folders: a workload (or its image)
    called like the only service folder of that name makes the folder a service; a
    chart is a deployable of its own, named by its Chart.yaml."""
    for folder, found in charts.items():
        unit = units.setdefault(folder, _Unit(folder))
        unit.kinds.add("helm-chart")
        unit.evidence.add("Chart.yaml" if folder == "." else f"{folder}/Chart.yaml")
        unit.name = unit.name or found.name
    folders = _service_folders(files)
    for file in files:
        if file.role != "build" or not file.path.endswith((".yaml", ".yml")):
            continue
        chart = _chart_of(file.path, charts)
        names = manifests.workload_names(view.read_text(file.path) or "", chart)
        if chart is not None and _name(file.path).startswith("values"):
            default = f"{chart.folder}/values.yaml" if chart.folder != "." else "values.yaml"
            values = chart.values if file.path == default else _values(view, file.path)
            names |= manifests.values_images(values)
        for name in sorted(names):
            candidates = folders.get(name, set())
            if len(candidates) == 1:
                _link_service(units, next(iter(candidates)), name, file.path)


def _owner(folder: str, roots: set[str]) -> str | None:
    """The deepest unit folder at or above ``folder``."""
    current = folder
    while True:
        if current in roots:
            return current
        if current == ".":
            return None
        current = _parent(current)


def _assign(paths: Sequence[str], roots: set[str]) -> dict[str, str | None]:
    """path -> its unit folder: the deepest above it (the root unit last), else the
    only unit below its nearest ancestor that holds units (a service's tests/ beside
    its src/), else the root unit when there is one."""
    inner = roots - {"."}
    below: dict[str, set[str]] = defaultdict(set)
    for root in inner:
        current = root
        while current != ".":
            current = _parent(current)
            below[current].add(root)
    by_folder: dict[str, str | None] = {}  # every file of a folder has the same owner
    result: dict[str, str | None] = {}
    for path in paths:
        folder = _parent(path)
        if folder not in by_folder:
            by_folder[folder] = _folder_owner(folder, inner, below, "." in roots)
        result[path] = by_folder[folder]
    return result


def _folder_owner(
    folder: str, inner: set[str], below: Mapping[str, set[str]], root_unit: bool
) -> str | None:
    owner = _owner(folder, inner)
    current = folder
    while owner is None:
        if current == "." and root_unit:
            break  # the root unit owns what no unit below claims
        if below.get(current):
            if len(below[current]) == 1:
                owner = next(iter(below[current]))
            break
        if current == ".":
            break
        current = _parent(current)
    if owner is None and root_unit:
        owner = "."
    return owner


def _is_code(file: SourceFile) -> bool:
    return file.language is not None and file.role == "production"


_DEPLOYED = {"compose-service", "dockerfile", "k8s-service", "helm-chart"}


def _kept(
    units: dict[str, _Unit], assignment: Mapping[str, str | None], files: Sequence[SourceFile]
) -> set[str]:
    """Units that hold production code, and services (an image is built from them)
    even when they hold only configuration (a collector, a proxy, a database)."""
    with_code = {assignment[f.path] for f in files if _is_code(f)}
    kept = {folder for folder in units if folder in with_code}
    # A code-less image nested in a kept unit (a generator's Dockerfile in a service's
    # genproto/) is part of that unit, not a service of its own.
    for folder in sorted(units, key=lambda f: (_depth(f), f)):  # outer images first
        unit = units[folder]
        if folder == "." or folder in kept or not unit.kinds & _DEPLOYED:
            continue
        if _owner(_parent(folder), kept) is None or _owner(_parent(folder), kept) == ".":
            kept.add(folder)
    return kept


def _unit_groups(
    units: dict[str, _Unit], files: Sequence[SourceFile]
) -> tuple[list[BoundaryGroup], dict[str, str]] | None:
    """Groups of the units that own production code (None when fewer than two)."""
    first = _assign([f.path for f in files], set(units))
    kept = _kept(units, first, files)
    assignment = _assign([f.path for f in files], kept)
    with_code = {assignment[f.path] for f in files if _is_code(f)} - {None}
    if len(with_code) < 2:
        return None
    names = _unit_names({folder: units[folder] for folder in kept})
    groups = [
        BoundaryGroup(
            name=names[folder],
            kind=next(k for k in _KIND_ORDER if k in units[folder].kinds),
            root=folder,
            patterns=("**",) if folder == "." else (f"{folder}/**",),
            evidence=tuple(sorted(units[folder].evidence)),
            services=tuple(sorted(units[folder].services)),
        )
        for folder in sorted(names, key=lambda f: (-_depth(f), f))
    ]
    return groups, {
        path: names.get(folder, UNASSIGNED) if folder else UNASSIGNED
        for path, folder in assignment.items()
    }


def _depth(folder: str) -> int:
    return 0 if folder == "." else folder.count("/") + 1


def _unit_name(folder: str, unit: _Unit) -> str:
    """The service's name when docker-compose names it (the one named like its folder
    when several are built there), else the .csproj's project name, else the folder."""
    if unit.services:
        base = posixpath.basename(folder)
        return base if base in unit.services else sorted(unit.services)[0]
    return unit.name or ("(root)" if folder == "." else folder)


def _unit_names(units: Mapping[str, _Unit]) -> dict[str, str]:
    """One name per unit folder; a name two units would share gets its folder added."""
    names = {folder: _unit_name(folder, unit) for folder, unit in units.items()}
    taken = list(names.values())
    for folder, name in names.items():
        if taken.count(name) > 1:
            names[folder] = f"{name} ({folder})"
    return names


def _among_assets(path: str) -> bool:
    return any(part.lower() in ASSET_FOLDERS for part in path.split("/")[:-1])


def _package_name(root: str, prefix: str) -> str:
    if root == ".":
        return "(root)"
    if root == prefix:
        return posixpath.basename(root)
    return root[len(prefix) + 1 :] if prefix else root


def _mirrored(path: str) -> str:
    """Maven/Gradle test sources mirror the main ones: src/test/java/a/b -> src/main/java/a/b."""
    return (
        path.replace("/test/", "/main/", 1)
        if path.startswith("src/test/") or "/src/test/" in path
        else path
    )


def _package_groups(files: Sequence[SourceFile]) -> tuple[list[BoundaryGroup], dict[str, str]]:
    """The top-level source packages below the folders all production code shares."""
    # Packages of the languages in the dependency graph (SQL, style sheets and
    # resources beside them are not packages).
    # Front-end code among static assets (src/main/resources/static/js) is no package.
    code = [
        f.path
        for f in files
        if _is_code(f) and registry.has_plugin(f.language) and not _among_assets(f.path)
    ] or [f.path for f in files if registry.has_plugin(f.language)]
    base: tuple[str, ...] = ()
    while True:
        heads = {tuple(p.split("/"))[len(base)] for p in code if p.count("/") > len(base)}
        direct = any(p.count("/") == len(base) for p in code)
        if len(heads) != 1 or direct:
            break
        head = next(iter(heads))
        # Descend through one shared folder (src/, main/java/, com/acme/, the package).
        base = (*base, head)
        if len(base) > 12:
            break
    prefix = "/".join(base)
    folders: set[str] = set()
    for path in code:
        parts = path.split("/")
        folders.add("/".join(parts[: len(base) + 1]) if len(parts) > len(base) + 1 else "")
    roots = {f for f in folders if f} | ({prefix or "."} if "" in folders else set())
    assignment_folders = _assign([_mirrored(f.path) for f in files], roots)
    assignment_folders = {f.path: assignment_folders[_mirrored(f.path)] for f in files}
    # Named below the shared folders (`owner`, `vet`); the shared folder by its name.
    names = {root: _package_name(root, prefix) for root in roots}
    groups = [
        BoundaryGroup(
            name=names[root],
            kind="package",
            root=root,
            patterns=("**",) if root == "." else (f"{root}/**",),
        )
        for root in sorted(roots, key=lambda f: (-_depth(f), f))
    ]
    return groups, {
        path: names[folder] if folder else UNASSIGNED for path, folder in assignment_folders.items()
    }


def _configured(
    components: Mapping[str, tuple[str, ...]], files: Sequence[SourceFile]
) -> Boundaries:
    component_of: Callable[[str], str] = component_resolver(components)
    groups = tuple(
        BoundaryGroup(name=name, kind="configured", root="", patterns=tuple(globs))
        for name, globs in components.items()
    )
    return Boundaries("configured", groups, {f.path: component_of(f.path) for f in files})


def run_boundaries(data: BoundariesInput) -> tuple[Boundaries, Sequence[AnalysisWarning]]:
    """The configured components, else detected deployables, else top-level packages."""
    if data.components:
        return _configured(data.components, data.files), ()
    warnings: list[AnalysisWarning] = []
    paths = frozenset(f.path for f in data.files)
    view = ProjectView(data.root, data.files, {})
    units = _units_from_files(data.files, paths)
    _apply_workspaces(view, units, warnings)
    _add_compose(view, data.files, units, warnings)
    _add_manifests(view, data.files, units, _charts(view, data.files))
    detected = _unit_groups(units, data.files)
    if detected is not None:
        groups, assignment = detected
        return Boundaries("deployables", tuple(groups), assignment), warnings
    groups, assignment = _package_groups(data.files)
    return Boundaries("packages", tuple(groups), assignment), warnings
