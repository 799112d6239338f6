"""Separately deployed units and whether they still change (or write data) together.

The services come from the service-links stage when it ran; without it, a folder with its
own Dockerfile is a deployable (a Dockerfile below another deployable's folder, such as a
generated-code image, belongs to the outer one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from archscan.graph import component_resolver
from archscan.records import Changeset, DataAccessResult, ServiceLinksResult


def _is_dockerfile(name: str) -> bool:
    lower = name.lower()
    return lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile")


def dockerfile_roots(paths: Iterable[str]) -> tuple[str, ...]:
    """Folders with a Dockerfile, outermost only; the repository root does not count (one
    image of the whole repository is one deployable, a monolith)."""
    folders = sorted(
        {p.rpartition("/")[0] for p in paths if _is_dockerfile(p.rpartition("/")[2])} - {""}
    )
    # tool folders (.devcontainer, .github) hold development images, not services
    folders = [f for f in folders if not any(part.startswith(".") for part in f.split("/"))]
    roots: list[str] = []
    for folder in folders:
        if not any(folder.startswith(root + "/") for root in roots):
            roots.append(folder)
    return tuple(roots)


@dataclass(frozen=True)
class Deployables:
    names: tuple[str, ...]
    source: str  # service-links | dockerfiles
    of: Mapping[str, str]  # file -> deployable, for the files inside one


def find_deployables(
    paths: Sequence[str],
    service_links: ServiceLinksResult | None,
    components: Mapping[str, tuple[str, ...]],
) -> Deployables:
    if service_links is not None and service_links.services:
        services = set(service_links.services)
        known = {name: globs for name, globs in components.items() if name in services}
        component_of = component_resolver(known)
        of = {p: component_of(p) for p in paths}
        of = {p: name for p, name in of.items() if name in services}
        return Deployables(tuple(sorted(services)), "service-links", of)
    roots = dockerfile_roots(paths)
    of = {}
    for path in paths:
        for root in roots:
            if path.startswith(root + "/"):
                of[path] = root
                break
    return Deployables(roots, "dockerfiles", of)


@dataclass(frozen=True)
class ServiceCoupling:
    commits: int  # commits touching at least one deployable (bulk commits left out)
    crossing: int  # of them, touching more than one
    pairs: tuple[tuple[str, str, int], ...]  # (a, b, commits changing both), most first
    shared_tables: tuple[tuple[str, tuple[str, ...]], ...]  # table, deployables writing it

    @property
    def share(self) -> float:
        return round(self.crossing / self.commits, 4) if self.commits else 0.0


def service_coupling(
    deployables: Deployables,
    changesets: Sequence[Changeset],
    data_access: DataAccessResult | None,
    max_changeset_size: int,
) -> ServiceCoupling:
    """How often separately deployed units change in one commit, and tables they share."""
    commits = crossing = 0
    pairs: Counter[tuple[str, str]] = Counter()
    for change in changesets:
        if len(change.files) > max_changeset_size:
            continue
        touched = sorted({deployables.of[f] for f in change.files if f in deployables.of})
        if not touched:
            continue
        commits += 1
        if len(touched) > 1:
            crossing += 1
            pairs.update(combinations(touched, 2))
    shared = []
    for table in data_access.tables if data_access else ():
        writers = sorted({deployables.of[f] for f in table.writers if f in deployables.of})
        if len(writers) > 1:
            shared.append((table.name, tuple(writers)))
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
    return ServiceCoupling(
        commits, crossing, tuple((a, b, n) for (a, b), n in ranked), tuple(sorted(shared))
    )
