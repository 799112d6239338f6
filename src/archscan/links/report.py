"""The ``service_links`` key of archscan.json (null when the stage did not run)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from archscan.records import ServiceLink, ServiceLinksResult


def _link(link: ServiceLink) -> dict[str, Any]:
    return {
        "source": link.source,
        "target": link.target,
        "kind": link.kind,
        "name": link.name,
        "evidence": [{"path": path, "line": line} for path, line in link.evidence],
    }


def service_graph(links: tuple[ServiceLink, ...]) -> list[dict[str, Any]]:
    """One edge per (source, target): the kinds and names of the links between them."""
    edges: dict[tuple[str, str], list[ServiceLink]] = defaultdict(list)
    for link in links:
        edges[(link.source, link.target)].append(link)
    return [
        {
            "source": source,
            "target": target,
            "kinds": sorted({link.kind for link in group}),
            "names": sorted({link.name for link in group}),
            "links": len(group),
        }
        for (source, target), group in sorted(edges.items())
    ]


def service_links_section(result: ServiceLinksResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    kinds: dict[str, int] = defaultdict(int)
    for link in result.links:
        kinds[link.kind] += 1
    return {
        "services": list(result.services),
        "links": [_link(link) for link in result.links],
        "graph": service_graph(result.links),
        "counts": {
            "services": len(result.services),
            "links": len(result.links),
            "by_kind": dict(sorted(kinds.items())),
        },
    }
