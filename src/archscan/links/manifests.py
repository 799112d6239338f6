"""Deployables declared in docker-compose files and Kubernetes manifests.

docker-compose (compose-spec.io, "Services top-level element"): each key of
``services`` is a service; ``build`` (a folder, or ``context`` + ``dockerfile``) locates
its code; ``depends_on`` (a list or a mapping) names services it needs; ``environment``
(a list of ``VAR=value`` or a mapping; a bare ``VAR`` takes its value from the
environment, read here from the repository's ``.env`` as Compose does for
interpolation). ``${VAR}``, ``${VAR:-default}`` and ``${VAR-default}`` are interpolated
from ``.env``. Kubernetes (kubernetes.io, "Workload resources"): Deployments,
StatefulSets, DaemonSets, Jobs, CronJobs and Pods name a workload; the ``env`` of its
containers (``name``/``value``) may name another workload or Service. Helm templates
(with ``{{ }}``) are not YAML until rendered and are skipped.

YAML is read with PyYAML's safe loader (no object construction) and walked as a node
graph with line numbers; aliases are visited once, so an alias bomb cannot blow up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from posixpath import dirname, normpath

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from archscan.repofiles import MAX_JSON_DEPTH, json_depth

_COMPOSE_FILE = re.compile(r"(^|/)(docker-)?compose[\w.-]*\.ya?ml$")
_VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?+])([^}]*))?\}|\$(\w+)")
_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"}
_MAX_NODES = 200_000


@dataclass
class Deployable:
    """A service of a compose file or a Kubernetes workload."""

    name: str
    path: str  # the file declaring it
    line: int
    folder: str = ""  # where its code lives ("" when unknown or the repository root)
    depends_on: list[tuple[str, int]] = field(default_factory=list)
    environment: list[tuple[str, str, int]] = field(default_factory=list)  # var, value, line
    addresses: list[tuple[str, int]] = field(default_factory=list)  # deployables it is handed


def is_compose_file(path: str) -> bool:
    return bool(_COMPOSE_FILE.search(path))


def read_dotenv(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = interpolate(value.strip().strip("\"'"), values)
    return values


def interpolate(value: str, env: dict[str, str], depth: int = 0) -> str:
    def replace(found: re.Match[str]) -> str:
        name = found.group(1) or found.group(4)
        known = env.get(name, "")
        if found.group(2) and found.group(2).endswith("-") and not known:
            return found.group(3) or ""
        return known

    result = _VARIABLE.sub(replace, value)
    return interpolate(result, env, depth + 1) if "$" in result and depth < 5 else result


class _Walker:
    """Line-numbered access to a YAML node graph, each node visited at most once."""

    def __init__(self) -> None:
        self.visited = 0

    def mapping(self, node: Node | None) -> list[tuple[str, Node]]:
        if not isinstance(node, MappingNode):
            return []
        self.visited += len(node.value)
        if self.visited > _MAX_NODES:
            raise ValueError("YAML too large or recursive")
        return [(str(k.value), v) for k, v in node.value if isinstance(k, ScalarNode)]

    def items(self, node: Node | None) -> list[Node]:
        if not isinstance(node, SequenceNode):
            return []
        self.visited += len(node.value)
        if self.visited > _MAX_NODES:
            raise ValueError("YAML too large or recursive")
        return list(node.value)

    def get(self, node: Node | None, key: str) -> Node | None:
        return next((v for k, v in self.mapping(node) if k == key), None)


def _scalar(node: Node | None) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else ""


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _folder(build: Node | None, walker: _Walker, base: str, env: dict[str, str]) -> str:
    """The service's code folder: the Dockerfile's folder, else the build context."""
    if isinstance(build, ScalarNode):
        context, dockerfile = _scalar(build), ""
    else:
        context = _scalar(walker.get(build, "context")) or "."
        dockerfile = _scalar(walker.get(build, "dockerfile"))
    context = normpath(f"{base}/{interpolate(context, env)}".lstrip("/"))
    dockerfile = interpolate(dockerfile, env)
    folder = normpath(f"{context}/{dirname(dockerfile)}") if dockerfile else context
    folder = folder.removeprefix("./")
    return "" if folder in (".", "") or folder.startswith("..") else folder


def _environment(
    node: Node | None, walker: _Walker, env: dict[str, str]
) -> list[tuple[str, str, int]]:
    out = []
    for item in walker.items(node):
        key, sep, value = _scalar(item).partition("=")
        out.append((key, interpolate(value, env) if sep else env.get(key, ""), _line(item)))
    for name, node_value in walker.mapping(node):
        out.append((name, interpolate(_scalar(node_value), env), _line(node_value)))
    return out


def _depends(node: Node | None, walker: _Walker) -> list[tuple[str, int]]:
    names = [(_scalar(item), _line(item)) for item in walker.items(node)]
    names += [(key, _line(value)) for key, value in walker.mapping(node)]
    return [(name, line) for name, line in names if name]


def _guard(text: str) -> None:
    """The shared nesting limit of the repository's data files (PyYAML recurses per
    level): deeper flow-style YAML is refused like invalid YAML."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"YAML nested deeper than {MAX_JSON_DEPTH} levels")


def compose_services(path: str, text: str, env: dict[str, str]) -> list[Deployable]:
    _guard(text)
    walker = _Walker()
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    base = dirname(path)
    services = []
    for name, node in walker.mapping(walker.get(root, "services")):
        services.append(
            Deployable(
                name=name,
                path=path,
                line=_line(node),
                folder=_folder(walker.get(node, "build"), walker, base, env),
                depends_on=_depends(walker.get(node, "depends_on"), walker),
                environment=_environment(walker.get(node, "environment"), walker, env),
            )
        )
    return services


def _containers(spec: Node | None, walker: _Walker) -> list[Node]:
    """Containers of a workload, whatever its kind nests them in (a Pod's spec, a
    Deployment's template, a CronJob's jobTemplate)."""
    node = spec
    for _ in range(6):
        if node is None or walker.get(node, "containers") is not None:
            break
        node = (
            walker.get(node, "jobTemplate")
            or walker.get(node, "template")
            or walker.get(node, "spec")
        )
    return walker.items(walker.get(node, "containers")) + walker.items(
        walker.get(node, "initContainers")
    )


def kubernetes_objects(path: str, text: str) -> tuple[list[Deployable], list[str]]:
    """Workloads (with their containers' env) and Service names of a manifest file."""
    if "{{" in text:
        return [], []
    _guard(text)
    walker = _Walker()
    workloads, services = [], []
    for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
        kind = _scalar(walker.get(document, "kind"))
        name = _scalar(walker.get(walker.get(document, "metadata"), "name"))
        if not name:
            continue
        if kind == "Service":
            services.append(name)
        if kind not in _WORKLOADS:
            continue
        environment = []
        for container in _containers(walker.get(document, "spec"), walker):
            for item in walker.items(walker.get(container, "env")):
                value = walker.get(item, "value")
                if value is not None:
                    environment.append(
                        (_scalar(walker.get(item, "name")), _scalar(value), _line(value))
                    )
        workloads.append(Deployable(name, path, _line(document), environment=environment))
    return workloads, services
