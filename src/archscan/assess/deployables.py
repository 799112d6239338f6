"""Separately deployed units and whether they still change (or write data) together.

The services come from the service-links stage when it ran; without it, from the
boundaries deployed on their own (Dockerfile folders, docker-compose services).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from archscan.records import Boundaries, Changeset, DataAccessResult, ServiceLinksResult

DEPLOYABLE_KINDS = ("dockerfile", "compose-service")


@dataclass(frozen=True)
class Deployables:
    names: tuple[str, ...]
    source: str  # service-links | boundaries
    of: Mapping[str, str]  # file -> deployable, for the files inside one


def find_deployables(
    paths: Sequence[str],
    boundaries: Boundaries | None,
    service_links: ServiceLinksResult | None,
) -> Deployables:
    """The service-links stage's services when it ran, else the boundaries that are
    deployed on their own (a folder with its Dockerfile, a docker-compose service, or a
    unit a manifest deploys). A group at the repository root is one image of the whole
    repository: a monolith, not a service."""
    groups = boundaries.groups if boundaries is not None else ()
    if service_links is not None and service_links.services:
        names = set(service_links.services)
        source = "service-links"
    else:
        names = {
            g.name
            for g in groups
            if (g.kind in DEPLOYABLE_KINDS or g.services)
            and g.root not in (".", "")
            and not any(part.startswith(".") for part in g.root.split("/"))
        }
        source = "boundaries"
    of: dict[str, str] = {}
    if boundaries is not None:
        of = {p: boundaries.of(p) for p in paths}
        of = {p: name for p, name in of.items() if name in names}
    return Deployables(tuple(sorted(names)), source, of)


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
