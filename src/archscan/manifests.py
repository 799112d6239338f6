"""Kubernetes manifests and Helm charts, read statically: the workloads they deploy.

Nothing is rendered by Helm and nothing of the repository runs. A Helm template's
actions (``{{ ... }}``) are replaced in one linear pass: ``.Values.a.b`` by the chart's
``values.yaml`` entry when it is a short plain scalar (a name, an image), ``.Chart.Name``
by the chart's name, a quoted literal (``default "x"``) by itself, everything else
(``if``, ``range``, ``include``, ``toYaml``) by nothing. What is left is parsed as YAML
one document at a time; a document that does not parse is skipped. The repository is
untrusted: the text grows by at most a fixed budget whatever the values say, and YAML
aliases are walked once (a "billion laughs" document stays linear).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from archscan.repofiles import loads_yaml

WORKLOADS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"}
)
_DOCUMENT = re.compile(r"^---[^\n]*$", re.MULTILINE)
# A substituted value must be a plain YAML scalar of a name or an image reference.
_PLAIN = re.compile(r"[\w][\w./:@-]{0,199}\Z")
_NAME = re.compile(r"[A-Za-z0-9][\w.-]{0,252}\Z")
_VALUES_PATH = re.compile(r"\.Values((?:\.[A-Za-z_]\w*){1,32})\Z")
_QUOTED = re.compile(r'"([^"\\]{0,200})"\Z|`([^`]{0,200})`\Z')
_RENDER_BUDGET = 1 << 20  # characters substitution may add to one template


@dataclass(frozen=True)
class Chart:
    """A Helm chart: its folder, its name (Chart.yaml) and its default values."""

    folder: str
    name: str
    values: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def chart_name(text: str, folder: str) -> str:
    """``name`` of a Chart.yaml when it is a plain chart name, else the folder's name."""
    try:
        data = loads_yaml(text)
    except ValueError:
        data = None
    name = data.get("name") if isinstance(data, dict) else None
    if isinstance(name, str) and _NAME.match(name):
        return name
    return folder.rpartition("/")[2] or "(root)"


def _lookup(values: Mapping[str, Any], path: str) -> str:
    node: Any = values
    for key in path.strip(".").split("."):
        if not isinstance(node, dict):
            return ""
        node = node.get(key)
    if isinstance(node, bool) or not isinstance(node, (str, int, float)):
        return ""
    return str(node)


def _term(word: str, chart: Chart) -> str:
    values_path = _VALUES_PATH.match(word)
    if values_path:
        return _lookup(chart.values, values_path.group(1))
    if word == ".Chart.Name":
        return chart.name
    quoted = _QUOTED.match(word)
    if quoted:
        return quoted.group(1) or quoted.group(2) or ""
    return ""


def _action(body: str, chart: Chart) -> str:
    """What one ``{{ ... }}`` stands for: a plain value, or nothing."""
    body = body.strip()
    body = body.removeprefix("-").removesuffix("-").strip()
    if body.startswith("/*"):
        return ""  # a template comment
    commands = body.split("|")
    value = _term(commands[0].strip(), chart)
    for command in commands[1:]:
        words = command.split()
        if not value and len(words) == 2 and words[0] == "default":
            value = _term(words[1], chart)
    return value if _PLAIN.match(value) else ""


def render(text: str, chart: Chart) -> str:
    """The template with its actions replaced (see the module doc); linear time."""
    out: list[str] = []
    budget = _RENDER_BUDGET
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            out.append(text[position:])
            break
        out.append(text[position:start])
        end = text.find("}}", start + 2)
        if end < 0:
            break  # an unterminated action: the rest is template, not YAML
        value = _action(text[start + 2 : end], chart)
        if len(value) <= budget:
            out.append(value)
            budget -= len(value)
        position = end + 2
    return "\n".join(_without_dangling_colon(line) for line in "".join(out).split("\n"))


def _without_dangling_colon(line: str) -> str:
    """``image: repo/orders:`` (the tag was an action left empty) -> ``image: repo/orders``:
    a second ``:`` ending a scalar is invalid YAML, so dropping it breaks nothing valid."""
    stripped = line.rstrip()
    if stripped.endswith(":") and ": " in stripped[:-1] and not stripped[-2:-1].isspace():
        return stripped[:-1]
    return line


def _walk(node: object) -> Iterator[object]:
    """Every node once (aliases share nodes: visited by identity), iteratively."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def image_name(image: str) -> str:
    """``registry.example.com/acme/orders:1.2@sha256:...`` -> ``orders``."""
    return image.rsplit("/", 1)[-1].split("@")[0].split(":")[0]


def _images(node: object) -> set[str]:
    found: set[str] = set()
    for item in _walk(node):
        if isinstance(item, dict):
            image = item.get("image")
            if isinstance(image, str) and image:
                found.add(image_name(image))
    return found


def workload_names(text: str, chart: Chart | None = None) -> set[str]:
    """Names of the workloads of a manifest (or of a chart's template): metadata.name
    and container image names, registry, tag and digest dropped."""
    if "kind:" not in text:
        return set()
    if "{{" in text:
        text = render(text, chart or Chart("", ""))
    names: set[str] = set()
    for document in _DOCUMENT.split(text):
        try:
            data = loads_yaml(document)
        except ValueError:
            continue
        if not isinstance(data, dict) or data.get("kind") not in WORKLOADS:
            continue
        metadata = data.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
            names.add(metadata["name"])
        names.update(_images(data))
    return {name for name in names if _NAME.match(name)}


def values_images(values: Mapping[str, Any]) -> set[str]:
    """Image names a chart's values give: ``image: acme/orders:1`` and
    ``image: {repository: acme/orders, tag: 1}``."""
    found: set[str] = set()
    for item in _walk(values):
        if not isinstance(item, dict):
            continue
        image = item.get("image")
        if isinstance(image, dict):
            image = image.get("repository")
        if isinstance(image, str) and image:
            found.add(image_name(image))
    return {name for name in found if _NAME.match(name)}
