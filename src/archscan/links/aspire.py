""".NET Aspire app hosts: the deployables a ``DistributedApplication`` declares.

Aspire (learn.microsoft.com/dotnet/aspire, "App host overview" and "Orchestrate
resources"): ``builder.AddProject<Projects.Basket_API>("basket-api")`` declares a
service whose code is the project Basket.API (the ``Projects.`` class is generated from
the project's file name, dots becoming underscores); ``AddRedis("redis")``,
``AddRabbitMQ``, ``AddPostgres(...).AddDatabase("db")`` and the other ``Add*("name")``
calls declare backing resources. In a resource's call chain, ``.WaitFor(x)`` is a
start-up dependency and ``.WithReference(x)`` (or passing ``x`` or an endpoint of ``x``
to any other call) hands it ``x``'s address.
"""

from __future__ import annotations

import re
from posixpath import basename, dirname

from archscan.links.manifests import Deployable

_ADD = re.compile(
    r"(?:\bvar\s+(\w+)\s*=\s*)?(?:\b\w+|\))\s*\.\s*Add\w*(?:<\s*Projects\.(\w+)\s*>)?\s*\(\s*\"([\w.-]+)\""
)
_ENDPOINT_ALIAS = re.compile(r"\bvar\s+(\w+)\s*=\s*(\w+)\s*\.\s*GetEndpoint\b")
_WAIT_FOR = re.compile(r"\.\s*WaitFor(?:Completion)?\s*\(\s*(\w+)\s*\)")
_IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*\b")


def is_app_host(text: str) -> bool:
    return "DistributedApplication.CreateBuilder" in text


def _statement_end(text: str, start: int) -> int:
    end = text.find(";", start)
    return len(text) if end < 0 else end


def _project_folders(csproj_paths: list[str]) -> dict[str, str]:
    """``Projects.X`` class name -> the project's folder."""
    return {
        basename(path)[: -len(".csproj")].replace(".", "_").replace("-", "_"): dirname(path)
        for path in csproj_paths
    }


def app_host_resources(path: str, text: str, csproj_paths: list[str]) -> list[Deployable]:
    folders = _project_folders(csproj_paths)
    variables: dict[str, str] = {}
    found: list[tuple[Deployable, str, int]] = []
    matches = list(_ADD.finditer(text))
    for index, match in enumerate(matches):
        variable, project, name = match.groups()
        end = _statement_end(text, match.end())
        chain = text[match.end() : end]
        item = Deployable(
            name=name,
            path=path,
            line=text.count("\n", 0, match.start()) + 1,
            folder=folders.get(project or "", ""),
        )
        if variable:
            # ``var db = builder.AddPostgres("pg").AddDatabase("db")``: the variable
            # holds the last resource its statement adds.
            later = [m for m in matches[index + 1 :] if m.start() < end]
            variables[variable] = later[-1].group(3) if later else name
        found.append((item, chain, match.end()))
    for alias in _ENDPOINT_ALIAS.finditer(text):
        if alias.group(2) in variables:
            variables[alias.group(1)] = variables[alias.group(2)]
    for item, chain, offset in found:
        base_line = text.count("\n", 0, offset) + 1
        waits = {m.group(1) for m in _WAIT_FOR.finditer(chain)}
        for word in _IDENTIFIER.finditer(chain):
            target = variables.get(word.group(0))
            if target is None or target == item.name:
                continue
            line = base_line + chain.count("\n", 0, word.start())
            if word.group(0) in waits:
                item.depends_on.append((target, line))
            else:
                item.addresses.append((target, line))
    return [item for item, _, _ in found]
