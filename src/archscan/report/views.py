"""Views of the archscan.json document shared by every reporter and the terminal:
top-N lists, rankings, orderings and aggregations. One definition each, so the
Markdown, the HTML and the terminal never disagree on what "most coupled" means.

Everything reads the DOCUMENT (the dict of archscan.json) and is defensive about the
sections later stages add (``contexts``, ``assessment``, ``files[].role``, ...): a view
of a section that is absent returns nothing rather than failing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from archscan import digraph
from archscan.globs import matches

Document = dict[str, Any]
Row = dict[str, Any]

PRODUCTION = "production"
OWNER_RISK_HALF_LIFE_MONTHS = 12.0  # recency weight halves every year without change


# --- simple rankings -------------------------------------------------------------


def most_complex(files: Sequence[Row], top: int) -> list[Row]:
    return sorted(files, key=lambda f: (-f["complexity"], f["path"]))[:top]


def most_depended(files: Sequence[Row], top: int) -> list[Row]:
    ranked = (f for f in files if f.get("fan_in") is not None)
    return sorted(ranked, key=lambda f: (-f["fan_in"], f["path"]))[:top]


def most_coupled(packages: Sequence[Row], top: int) -> list[Row]:
    return sorted(packages, key=lambda p: (-(p["ca"] + p["ce"]), p["name"]))[:top]


def role_of(file: Row) -> str:
    """The file's role when the roles stage ran; every file is production before it."""
    return str(file.get("role") or PRODUCTION)


def view_roles(document: Document) -> set[str]:
    """The roles of the architecture view (``views.roles``; production by default)."""
    roles = (document.get("views") or {}).get("roles")
    return set(roles) if roles else {PRODUCTION}


def in_view(document: Document, path: str, files: dict[str, Row]) -> bool:
    """Whether a file counts in rankings: its role is in the architecture view (files
    archscan did not measure, e.g. a LICENSE, count when the roles are unknown)."""
    return viewer(document, files)(path)


def viewer(document: Document, files: dict[str, Row]) -> Callable[[str], bool]:
    """:func:`in_view` for many paths, the view's roles read once (not once a path)."""
    roles = view_roles(document)

    def viewed(path: str) -> bool:
        file = files.get(path)
        return role_of(file) in roles if file is not None else True

    return viewed


def runtime_cycles(document: Document) -> list[Row]:
    """The cycles of the runtime edges when the document tells the edge sets apart."""
    cycles = list(document.get("cycles", ()))
    if any("edge_set" in c for c in cycles):
        return [c for c in cycles if c.get("edge_set") == "runtime"]
    return cycles


def roles_present(document: Document) -> bool:
    return any("role" in f for f in document.get("files", ()))


def file_index(document: Document) -> dict[str, Row]:
    return {f["path"]: f for f in document.get("files", ())}


def history_files(document: Document) -> dict[str, Row]:
    history = document.get("history") or {}
    return {f["path"]: f for f in history.get("files", ())}


# --- the history views (terminal tables, CSV/JSON, HTML tables) --------------------


def owner_risk(ownership: float, sloc: int, age_months: int | None) -> float:
    """Knowledge-loss risk of a file: ownership x size x recency.

    Recency halves every OWNER_RISK_HALF_LIFE_MONTHS without a change: a large file one
    person wrote and still changes is the island that hurts when that person leaves; a
    LICENSE file owned 100% by its committer is not."""
    recency = 0.5 ** ((age_months or 0) / OWNER_RISK_HALF_LIFE_MONTHS)
    return round(ownership * max(sloc, 0) * recency, 1)


def static_pairs(document: Document) -> set[tuple[str, str]]:
    """Unordered file pairs with a static dependency in either direction."""
    pairs = set()
    for dep in document.get("dependencies", ()):
        a, b = dep["source"], dep["target"]
        pairs.add((a, b) if a <= b else (b, a))  # sorted(), without building a list
    return pairs


def hotspot_rows(document: Document) -> list[Row]:
    return [dict(h) for h in document.get("hotspots", ())]


def coupling_rows(document: Document) -> list[Row]:
    """Temporal coupling pairs, each marked with whether a static dependency explains it
    (co-change without a dependency is the hidden coupling)."""
    explained = static_pairs(document)
    rows = []
    for pair in document.get("temporal_coupling", ()):
        a, b = pair["entity"], pair["coupled"]
        key = (a, b) if a <= b else (b, a)
        rows.append({**pair, "static_dependency": key in explained})
    return rows


def owner_rows(document: Document) -> list[Row]:
    """Per file: main developer, ownership and the risk ranking; non-production roles
    (tests, generated, vendored, docs, ...) are left out when roles are known."""
    files = file_index(document)
    viewed = viewer(document, files)
    rows = []
    for item in (document.get("history") or {}).get("files", ()):
        measured = files.get(item["path"])
        if not viewed(item["path"]):
            continue
        sloc = measured["sloc"] if measured else 0
        rows.append(
            {
                **item,
                "sloc": sloc,
                "role": role_of(measured) if measured else PRODUCTION,
                "risk": owner_risk(item["ownership"], sloc, item.get("age_months")),
            }
        )
    rows.sort(key=lambda r: (-r["risk"], r["path"]))
    return rows


@dataclass(frozen=True)
class Column:
    title: str  # shown, and the --sort name
    key: str  # the row key
    numeric: bool = True


@dataclass(frozen=True)
class TableView:
    """A terminal/CSV/JSON view of the document: its columns, rows and default sort."""

    name: str
    summary: str
    columns: tuple[Column, ...]
    rows: Callable[[Document], list[Row]]
    default_sort: str
    paths: tuple[str, ...]  # row keys holding file paths (for --exclude and --since)
    requires: str = "history"  # the document section the view needs (None/empty: absent)

    def sort_names(self) -> list[str]:
        return [c.title for c in self.columns]


TABLE_VIEWS: dict[str, TableView] = {
    view.name: view
    for view in (
        TableView(
            "hotspots",
            "Files ranked by change frequency x complexity.",
            (
                Column("rank", "rank"),
                Column("path", "path", False),
                Column("component", "component", False),
                Column("revisions", "revisions"),
                Column("complexity", "complexity"),
                Column("sloc", "sloc"),
                Column("score", "score"),
            ),
            hotspot_rows,
            "score",
            ("path",),
        ),
        TableView(
            "coupling",
            "Files that change together (temporal coupling): cross-boundary pairs and "
            "pairs no static dependency explains are marked.",
            (
                Column("entity", "entity", False),
                Column("coupled", "coupled", False),
                Column("degree", "degree"),
                Column("shared", "shared_revisions"),
                Column("average-revs", "average_revisions"),
                Column("cross-boundary", "cross_boundary", False),
                Column("static-dependency", "static_dependency", False),
            ),
            coupling_rows,
            "degree",
            ("entity", "coupled"),
        ),
        TableView(
            "owners",
            "Main developer, ownership and knowledge islands per production file, "
            "riskiest first (ownership x size x recency).",
            (
                Column("path", "path", False),
                Column("main-dev", "main_developer", False),
                Column("ownership", "ownership"),
                Column("authors", "authors"),
                Column("revisions", "revisions"),
                Column("sloc", "sloc"),
                Column("age-months", "age_months"),
                Column("risk", "risk"),
                Column("island", "knowledge_island", False),
            ),
            owner_rows,
            "risk",
            ("path",),
        ),
    )
}


def filter_rows(
    view: TableView,
    rows: list[Row],
    document: Document,
    exclude: Sequence[str] = (),
    since: str | None = None,
) -> list[Row]:
    """Drop rows whose paths match an --exclude glob, and with --since (an ISO date)
    rows whose files did not change on or after that date (every path of a pair must
    have changed; files without a last change date are dropped)."""
    last = {p: f.get("last_change") for p, f in history_files(document).items()}
    kept = []
    for row in rows:
        paths = [str(row[key]) for key in view.paths]
        if exclude and any(matches(p, exclude) for p in paths):
            continue
        if since and not all((last.get(p) or "") >= since for p in paths):
            continue
        kept.append(row)
    return kept


def sort_rows(view: TableView, rows: list[Row], sort: str | None) -> list[Row]:
    """Largest first for numbers (rank: smallest first), ties by the first column."""
    title = sort or view.default_sort
    column = next((c for c in view.columns if c.title == title), None)
    if column is None:
        raise ValueError(
            f"unknown sort column {title!r}; choose from {', '.join(view.sort_names())}"
        )
    first = view.columns[0].key
    ordered = sorted(rows, key=lambda r: str(r.get(first)))
    descending = column.numeric and column.key != "rank"
    return sorted(ordered, key=lambda r: _sort_key(r.get(column.key)), reverse=descending)


def _sort_key(value: object) -> tuple[int, float, str]:
    if isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, (int, float)):
        return (0, float(value), "")
    return (1, 0.0, "" if value is None else str(value))


def cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


# --- aggregation for the map and the DSM -----------------------------------------


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    files: tuple[str, ...]
    sloc: int


@dataclass(frozen=True)
class Grouping:
    """The level the map and DSM aggregate at: contexts, components or folders."""

    level: str  # context | component | folder
    groups: tuple[Group, ...]
    group_of: dict[str, str]  # file path -> group id


MAX_GROUPS = 60


def contexts_of(document: Document) -> list[Row]:
    """The ``contexts`` section, a list of BoundedContext records (or wrapped in one)."""
    section = document.get("contexts")
    if isinstance(section, dict):
        section = section.get("contexts")
    return [c for c in section or () if isinstance(c, dict)]


def context_edges_of(document: Document) -> list[Row]:
    section = document.get("context_edges")
    if section is None and isinstance(document.get("contexts"), dict):
        section = document["contexts"].get("edges")
    return [e for e in section or () if isinstance(e, dict)]


def grouping(document: Document) -> Grouping:
    """Groups of the architecture view's files (production code by default)."""
    viewed = viewer(document, file_index(document))
    files = [
        f for f in document.get("files", ()) if f.get("language") is not None and viewed(f["path"])
    ]
    sloc = {f["path"]: f.get("sloc", 0) for f in files}
    contexts = contexts_of(document)
    if contexts:
        group_of = {p: str(c["id"]) for c in contexts for p in c.get("files", ())}
        groups = [
            Group(str(c["id"]), str(c.get("name") or c["id"]), tuple(sorted(c.get("files", ()))), 0)
            for c in contexts
        ]
        return _finish("context", groups, group_of, sloc)
    named = {f.get("component") for f in files if f.get("component")}
    if len(named) >= 2:
        group_of = {f["path"]: f["component"] for f in files if f.get("component")}
        return _finish("component", _groups_from(group_of), group_of, sloc)
    return _finish("folder", *_folder_groups(files), sloc)


def _groups_from(group_of: dict[str, str]) -> list[Group]:
    members: dict[str, list[str]] = defaultdict(list)
    for path, group in group_of.items():
        members[group].append(path)
    return [Group(g, g, tuple(sorted(ps)), 0) for g, ps in members.items()]


def _folder_groups(files: Iterable[Row]) -> tuple[list[Group], dict[str, str]]:
    """The deepest folder level that still gives at most MAX_GROUPS groups."""
    paths = [f["path"] for f in files]
    best: dict[str, str] = {p: _folder(p, 1) for p in paths}
    for depth in range(2, 6):
        candidate = {p: _folder(p, depth) for p in paths}
        if len(set(candidate.values())) > MAX_GROUPS:
            break
        best = candidate
    return _groups_from(best), best


def _folder(path: str, depth: int) -> str:
    parts = path.split("/")[:-1]
    return "/".join(parts[:depth]) or "(root)"


def _finish(
    level: str, groups: list[Group], group_of: dict[str, str], sloc: dict[str, int]
) -> Grouping:
    sized = [Group(g.id, g.name, g.files, sum(sloc.get(p, 0) for p in g.files)) for g in groups]
    sized.sort(key=lambda g: (-g.sloc, g.id))
    if len(sized) > MAX_GROUPS:  # the long tail becomes one "(other)" group
        keep, rest = sized[: MAX_GROUPS - 1], sized[MAX_GROUPS - 1 :]
        files = tuple(sorted(p for g in rest for p in g.files))
        group_of = {p: g if g in {k.id for k in keep} else "(other)" for p, g in group_of.items()}
        sized = [*keep, Group("(other)", "(other)", files, sum(g.sloc for g in rest))]
    return Grouping(level, tuple(sized), group_of)


def group_edges(document: Document, grouping: Grouping) -> dict[tuple[str, str], list[list[str]]]:
    """File edges between groups: (source group, target group) -> [[source, target]]."""
    edges: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    runtime = (document.get("views") or {}).get("edges") == "runtime"
    for dep in document.get("dependencies", ()):
        if runtime and dep.get("type_only"):
            continue  # the view's runtime edges: type-only imports vanish at run time
        a = grouping.group_of.get(dep["source"])
        b = grouping.group_of.get(dep["target"])
        if a is not None and b is not None and a != b:
            edges[(a, b)].append([dep["source"], dep["target"]])
    return {key: sorted(value) for key, value in sorted(edges.items())}


@dataclass(frozen=True)
class DsmOrder:
    order: tuple[str, ...]  # group ids, providers first: dependencies point up-left
    layer: dict[str, int]  # 0 = depends on no other group
    cycles: tuple[tuple[str, ...], ...]  # groups in a cycle, each block contiguous


def dsm_order(
    ids: Sequence[str],
    edges: Iterable[tuple[str, str]],
    weights: Mapping[tuple[str, str], int] | None = None,
) -> DsmOrder:
    """Order for a dependency structure matrix that shows layers and cycles: the
    strongly connected components are contracted, sorted topologically with providers
    first (so a layered system is lower-triangular and every mark above the diagonal is
    inside a cycle), each cycle's members kept together. Inside a cycle the members
    that are used more than they use come first (a greedy feedback-arc heuristic), so
    that as few file dependencies as possible lie above the diagonal."""
    graph: digraph.DiGraph[str] = digraph.DiGraph()
    graph.add_nodes_from(ids)
    graph.add_edges_from(edges)
    condensed = digraph.condensation(graph)
    weight = weights or {}

    def balance(member: str, group: set[str]) -> int:
        out = sum(weight.get((member, o), 1) for o in graph.successors(member) if o in group)
        used = sum(weight.get((o, member), 1) for o in graph.predecessors(member) if o in group)
        return out - used

    members: dict[int, list[str]] = {}
    for n, group in enumerate(condensed.members):
        members[n] = sorted(group, key=lambda m: (balance(m, group), m))
    providers_first = condensed.graph.reverse()
    order: list[str] = []
    first = digraph.lexicographical_topological_sort(providers_first, key=lambda n: min(members[n]))
    for node in first:
        order.extend(members[node])
    layer: dict[str, int] = {}
    for node in digraph.topological_sort(providers_first):
        below = [layer[members[p][0]] + 1 for p in providers_first.predecessors(node)]
        for member in members[node]:
            layer[member] = max(below, default=0)
    cycles = tuple(tuple(sorted(m)) for m in members.values() if len(m) > 1)
    return DsmOrder(tuple(order), layer, tuple(sorted(cycles)))


# --- first screen ------------------------------------------------------------------


def top_risks(document: Document, top: int = 5, coupling: Sequence[Row] | None = None) -> list[Row]:
    """The few findings a reader should see first, computed from the document;
    ``coupling``: its :func:`coupling_rows` when the caller has them already."""
    risks: list[Row] = []
    for cycle in runtime_cycles(document):
        if cycle["level"] in ("component", "package") and cycle["size"] > 1:
            risks.append(
                {
                    "kind": f"{cycle['level']} cycle",
                    "what": ", ".join(cycle["members"][:6]) + (" ..." if cycle["size"] > 6 else ""),
                    "why": f"{cycle['size']} {cycle['level']}s depend on each other in a circle",
                    "weight": cycle["size"] * (3 if cycle["level"] == "component" else 1),
                }
            )
    viewed = viewer(document, file_index(document))
    production = [h for h in document.get("hotspots", ()) if viewed(h["path"])]
    for hot in production[:3]:
        risks.append(
            {
                "kind": "hotspot",
                "what": hot["path"],
                "why": f"{hot['revisions']} revisions x complexity {hot['complexity']}",
                "weight": 2,
            }
        )
    hidden = [
        p
        for p in (coupling_rows(document) if coupling is None else coupling)
        if p["cross_boundary"] and not p["static_dependency"]
    ]
    if hidden:
        risks.append(
            {
                "kind": "hidden coupling",
                "what": f"{hidden[0]['entity']} + {hidden[0]['coupled']}",
                "why": f"{len(hidden)} cross-boundary pair(s) change together with no static "
                "dependency between them",
                "weight": len(hidden),
            }
        )
    owners = document.get("ownership") or {}
    if owners.get("bus_factor") is not None and owners["bus_factor"] <= 2:
        risks.append(
            {
                "kind": "bus factor",
                "what": ", ".join(owners.get("bus_factor_authors", ())),
                "why": f"bus factor {owners['bus_factor']}: so few authors own most of the code",
                "weight": 4 - owners["bus_factor"],
            }
        )
    risks.sort(key=lambda r: (-r["weight"], r["kind"], r["what"]))
    return risks[:top]


def language_mix(document: Document) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for lang in document.get("languages", ()):
        counts[lang["name"]] += lang["sloc"]
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
