"""The ``html`` reporter: one self-contained ``report.html``.

All CSS, JavaScript and data are inline; the page opens from ``file://`` and makes no
network request (its Content-Security-Policy allows none, and allows only the one
inline script whose hash it carries). Layouts are computed here, in Python: the
squarified treemap of the folder tree (hotspot map), the force layout of the
aggregated component/context graph, the DSM order; the browser only draws and
interacts. Templates come from ``report_templates/`` (autoescaped); ``--templates DIR``
overrides them file by file.

Sections of the document a later stage adds (``assessment``, ``extraction_plan``,
``contexts``, ``data_access``, ``service_links``, ``teams``, ``files[].role``) are
rendered when present and announced as not available otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from archscan.report import fastjson, views
from archscan.report.layouts import LayoutCache
from archscan.report.markdown import bytecode_cache, template_loader
from archscan.report.registry import RenderOptions
from archscan.report.treemap import squarified
from archscan.report.views import Document, Row
from archscan.resources import shipped_yaml

TEMPLATE = "report.html.j2"
MAP_SIZE = (960.0, 560.0)
TREEMAP_SIZE = (1200.0, 640.0)
MAP_EDGES = 150  # the heaviest links drawn on the map; the DSM shows all of them
TABLE_LIMIT = 5000  # rows per table kept in the page; the JSON has them all


def render(document: Document, options: RenderOptions) -> str:
    env = environment(options.templates, options.cache_dir)
    script = _source(env, "report.js")
    style = _source(env, "report.css")
    model = build_model(document, LayoutCache(options.cache_dir))
    return env.get_template(TEMPLATE).render(
        **model,
        glossary=glossary(env),
        style=style,
        script=script,
        script_hash=_csp_hash(script),
        data_json=inline_json(model["data"]),
    )


def environment(templates: Path | None = None, cache_dir: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=template_loader(templates),
        bytecode_cache=bytecode_cache(cache_dir, "html"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = _num
    env.filters["pct"] = lambda v: "-" if v is None else f"{float(v) * 100:.1f}%"
    return env


def _source(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    text, _, _ = env.loader.get_source(env, name)
    return text


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def inline_json(value: object) -> str:
    """JSON safe inside a <script> element: no ``</`` (or ``<!--``) can end or fool
    the element, and U+2028/U+2029 are escaped for older JavaScript parsers."""
    text = fastjson.dumps_compact(value)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _num(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


# --- the model handed to the template -----------------------------------------------


def build_model(document: Document, layouts: LayoutCache | None = None) -> dict[str, Any]:
    """The template's model; ``layouts``: where the layouts are kept between runs."""
    layouts = layouts or LayoutCache(None)
    files = list(document.get("files", ()))
    index = {f["path"]: i for i, f in enumerate(files)}
    tables: dict[str, Any] = {}
    grouping = views.grouping(document)
    edges = views.group_edges(document, grouping)
    coupling = views.coupling_rows(document)  # the first screen's risks and the table's
    model: dict[str, Any] = {
        "doc": document,
        "title": _title(document),
        "overview": _overview(document, tables, coupling),
        "groups": _map(grouping, edges, tables, layouts),
        "dsm": _dsm(grouping, edges, index),
        "treemap": _treemap(document, files, tables, layouts),
        "coupling": _coupling(coupling, tables),
        "ownership": _ownership(document, tables),
        "data_matrix": _data_matrix(document, grouping, tables),
        "services": _services(document, tables),
        "contexts": _context_pages(document, grouping, index, tables),
        "roles": sorted({views.role_of(f) for f in files}),
        "roles_known": views.roles_present(document),
    }
    tables["files"] = _files_table(document, files, grouping)
    tables["warnings"] = _table(
        [("path", "path"), ("kind", "text"), ("message", "text")],
        [[w["path"], w["kind"], w["message"]] for w in document.get("warnings", ())],
    )
    model["data"] = {
        "files": [f["path"] for f in files],
        "roles": [views.role_of(f) for f in files],
        "groups": model["groups"]["data"],
        "dsm": model["dsm"]["data"],
        "tables": tables,
        "treemap": model["treemap"]["data"],
    }
    return model


def _title(document: Document) -> str:
    root = (document.get("repository") or {}).get("root") or "repository"
    return str(root).rstrip("/").rsplit("/", 1)[-1] or str(root)


def _table(columns: list[tuple[str, str]], rows: list[list[Any]], sort: int = -1) -> dict:
    """A sortable, searchable table drawn by report.js: columns (label, type)."""
    return {
        "columns": [{"label": label, "type": kind} for label, kind in columns],
        "rows": rows[:TABLE_LIMIT],
        "total": len(rows),
        "sort": sort,
    }


def _overview(document: Document, tables: dict[str, Any], coupling: list[Row]) -> dict[str, Any]:
    assessment = (
        document.get("assessment") if isinstance(document.get("assessment"), dict) else None
    )
    signals = [s for s in (assessment or {}).get("signals", ()) if isinstance(s, dict)]
    tables["signals"] = _table(
        [
            ("signal", "text"),
            ("value", "dec"),
            ("threshold", "dec"),
            ("direction", "text"),
            ("weight", "num"),
            ("source", "text"),
            ("reason", "text"),
        ],
        [
            [
                _text(s.get("name") or s.get("id") or s.get("signal")),
                s.get("value"),
                s.get("threshold"),
                _text(s.get("direction")),
                s.get("weight"),
                _text(s.get("source")),
                _text(s.get("reason")),
            ]
            for s in signals
        ],
    )
    risks = views.top_risks(document, coupling=coupling)
    tables["risks"] = _table(
        [("kind", "text"), ("what", "text"), ("why", "text")],
        [[r["kind"], r["what"], r["why"]] for r in risks],
    )
    return {
        "assessment": assessment,
        "confidence": _confidence(assessment),
        "assessment_warnings": [_text(w) for w in (assessment or {}).get("warnings", ())],
        "signals": signals,
        "risks": risks,
        "waves": _waves(document.get("extraction_plan")),
        "languages": views.language_mix(document),
    }


def _confidence(assessment: Row | None) -> str | None:
    if not assessment or assessment.get("confidence") is None:
        return None
    value = assessment["confidence"]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 1:
        return f"{value * 100:.0f}%"
    return str(value)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("message") or value.get("name") or json.dumps(value, sort_keys=True))
    return str(value)


def _waves(plan: object) -> list[dict[str, Any]]:
    """Extraction waves, from ``waves`` (each with candidates) or from candidates that
    name their wave; candidates may be ids or objects."""
    if not isinstance(plan, dict):
        return []
    waves: list[dict[str, Any]] = []
    by_unit = {
        c.get("unit"): c for c in plan.get("candidates") or () if isinstance(c, dict)
    }  # extraction_plan waves name their units; the candidates hold the details
    for number, wave in enumerate(plan.get("waves") or (), start=1):
        if isinstance(wave, dict):
            units = [by_unit.get(u, u) for u in wave.get("units") or ()]
            items = wave.get("candidates") or wave.get("contexts") or units
            label = wave.get("wave", wave.get("index", number))
            note = _text(wave.get("reason") or wave.get("rationale"))
        else:
            items, label, note = wave, number, ""
        waves.append({"label": label, "candidates": [_candidate(c) for c in items], "note": note})
    if waves:
        return waves
    by_wave: dict[Any, list[dict[str, str]]] = defaultdict(list)
    for candidate in plan.get("candidates") or ():
        wave_no = candidate.get("wave", 1) if isinstance(candidate, dict) else 1
        by_wave[wave_no].append(_candidate(candidate))
    return [{"label": k, "candidates": v, "note": ""} for k, v in sorted(by_wave.items(), key=str)]


def _candidate(candidate: object) -> dict[str, str]:
    if not isinstance(candidate, dict):
        return {"name": str(candidate), "detail": ""}
    name = (
        candidate.get("unit")
        or candidate.get("name")
        or candidate.get("context")
        or candidate.get("id")
        or "?"
    )
    detail = (
        candidate.get("first_step") or candidate.get("reason") or candidate.get("rationale") or ""
    )
    score = candidate.get("score")
    if score is not None and not detail:
        detail = f"score {score}"
    return {"name": str(name), "detail": str(detail)}


# --- context map: force layout of the aggregated graph ----------------------------------


def _map(
    grouping: views.Grouping,
    edges: dict[tuple[str, str], list[list[str]]],
    tables: dict,
    layouts: LayoutCache,
) -> dict[str, Any]:
    groups = grouping.groups
    position = _force_layout([g.id for g in groups], edges, layouts)
    largest = max((g.sloc for g in groups), default=1) or 1
    nodes = []
    for i, group in enumerate(groups):
        x, y = position[group.id]
        radius = 8 + 34 * math.sqrt(group.sloc / largest)
        label = group.name.rsplit("/", 1)[-1] if grouping.level == "folder" else group.name
        nodes.append(
            {
                "i": i,
                "id": group.id,
                "name": group.name,
                "label": label,
                "x": x,
                "y": y,
                "r": round(radius, 1),
            }
        )
    at = {n["id"]: n for n in nodes}
    top = max((len(v) for v in edges.values()), default=1)
    drawn = sorted(edges, key=lambda e: (-len(edges[e]), e))[:MAP_EDGES]
    lines = [
        {
            **_segment(at[a], at[b], (b, a) in edges),
            "a": at[a],
            "b": at[b],
            "n": len(edges[(a, b)]),
            "w": round(0.8 + 4 * math.log1p(len(edges[(a, b)])) / math.log1p(top), 2),
        }
        for a, b in sorted(drawn)
    ]
    ins: dict[str, int] = defaultdict(int)
    outs: dict[str, int] = defaultdict(int)
    for (a, b), v in edges.items():
        outs[a] += len(v)
        ins[b] += len(v)
    tables["groups"] = _table(
        [
            (grouping.level, "text"),
            ("files", "num"),
            ("SLOC", "num"),
            ("dependencies out", "num"),
            ("dependencies in", "num"),
        ],
        [[g.name, len(g.files), g.sloc, outs[g.id], ins[g.id]] for g in groups],
        sort=2,
    )
    names = {g.id: g.name for g in groups}
    data = [
        {
            "id": g.id,
            "name": g.name,
            "files": list(g.files),
            "sloc": g.sloc,
            "out": [[names[b], len(v)] for (a, b), v in edges.items() if a == g.id],
            "in": [[names[a], len(v)] for (a, b), v in edges.items() if b == g.id],
        }
        for g in groups
    ]
    return {
        "level": grouping.level,
        "nodes": nodes,
        "lines": lines,
        "hidden_lines": len(edges) - len(lines),
        "size": MAP_SIZE,
        "data": data,
    }


def _segment(a: dict[str, Any], b: dict[str, Any], both_ways: bool) -> dict[str, float]:
    """A line from circle to circle (so the arrow head shows), shifted sideways when
    the groups depend on each other so the two directions do not overlap."""
    dx, dy = b["x"] - a["x"], b["y"] - a["y"]
    dist = math.hypot(dx, dy) or 1.0
    ux, uy = dx / dist, dy / dist
    side = 3.5 if both_ways else 0.0
    ox, oy = -uy * side, ux * side
    return {
        "x1": round(a["x"] + ux * a["r"] + ox, 1),
        "y1": round(a["y"] + uy * a["r"] + oy, 1),
        "x2": round(b["x"] - ux * (b["r"] + 2) + ox, 1),
        "y2": round(b["y"] - uy * (b["r"] + 2) + oy, 1),
    }


def _force_layout(
    ids: list[str], edges: dict[tuple[str, str], list[list[str]]], layouts: LayoutCache
) -> dict:
    """Fruchterman-Reingold on the aggregated graph only (tens of nodes), from a fixed
    start on a circle (no randomness: the same document always gets the same picture).
    Groups without any dependency go in a row at the bottom instead of being flung to
    the edges (which would squeeze the connected ones into the middle)."""
    linked = sorted({g for pair in edges for g in pair}, key=ids.index)
    alone = [g for g in ids if g not in set(linked)]
    width, height = MAP_SIZE
    strip = 100.0 if alone else 0.0  # room for the largest circle (r 42) and its label
    # what _spring reads: the ids in order and each edge's count, in the edges' order
    counts = {pair: len(files) for pair, files in edges.items()}
    spring = layouts.get(
        "spring",
        (linked, list(counts.items())),
        lambda: _spring(linked, counts),
        lambda found: _is_points(found, len(linked)),
    )
    placed = _fit(linked, spring, (width, height - strip))
    for n, group in enumerate(alone):
        x = 70.0 + (width - 140.0) * (n + 0.5) / len(alone)
        placed[group] = (round(x, 1), round(height - 62.0, 1))
    return placed


def _is_points(found: object, count: int) -> bool:
    return (
        isinstance(found, list)
        and len(found) == count
        and all(isinstance(p, list) and len(p) == 2 for p in found)
        and all(isinstance(v, float) for p in found for v in p)
    )


def _spring(ids: list[str], edges: dict[tuple[str, str], int]) -> list[list[float]]:
    """Fruchterman-Reingold positions of ``ids``; ``edges``: the files behind each
    dependency between two of them (its count)."""
    count = len(ids)
    if count == 0:
        return []
    at = {n: i for i, n in enumerate(ids)}
    weight: dict[tuple[int, int], float] = defaultdict(float)
    for (a, b), v in edges.items():
        i, j = sorted((at[a], at[b]))
        weight[(i, j)] += math.log1p(v)
    heaviest = max(weight.values(), default=1.0)
    # dense graphs (every group linked to most others) collapse into a ball under the
    # plain model: scale the pull down by the mean degree
    damping = min(1.0, 4.0 * count / (2.0 * len(weight) or 1.0))
    # the pull of each pair is the same in every iteration: computed once, by the same
    # float operations as in the loop (the picture stays the same to the last bit)
    pulls = [
        [
            (0.2 + 0.8 * weight[(i, j)] / heaviest) * damping if (i, j) in weight else 0.0
            for j in range(count)
        ]
        for i in range(count)
    ]
    xs = [math.cos(2 * math.pi * i / count) for i in range(count)]
    ys = [math.sin(2 * math.pi * i / count) for i in range(count)]
    k = 2.0 / math.sqrt(count)
    kk = k * k
    hypot = math.hypot
    temperature = 0.25
    for _ in range(300):
        sx = [0.0] * count
        sy = [0.0] * count
        for i in range(count):
            xi, yi, row = xs[i], ys[i], pulls[i]
            for j in range(i + 1, count):
                dx, dy = xi - xs[j], yi - ys[j]
                dist = max(hypot(dx, dy), 1e-3)
                force = kk / dist - row[j] * dist * dist / k
                fx, fy = dx / dist * force, dy / dist * force
                sx[i] += fx
                sy[i] += fy
                sx[j] -= fx
                sy[j] -= fy
        for i in range(count):
            sx[i] -= 0.02 * xs[i]  # weak gravity: parts of the graph stay close
            sy[i] -= 0.02 * ys[i]
            length = max(hypot(sx[i], sy[i]), 1e-9)
            step = min(length, temperature)
            xs[i] += sx[i] / length * step
            ys[i] += sy[i] / length * step
        temperature = max(temperature * 0.985, 0.002)
    pos = [[x, y] for x, y in zip(xs, ys, strict=True)]
    return pos


def _fit(
    ids: list[str], pos: list[list[float]], size: tuple[float, float]
) -> dict[str, tuple[float, float]]:
    if not ids:
        return {}
    width, height = size
    margin = 60.0
    # scale to the 5th..95th percentile so that one far outlier does not squeeze the
    # rest; outliers are clamped to the margin
    low_x, high_x = _spread([p[0] for p in pos])
    low_y, high_y = _spread([p[1] for p in pos])

    def scale(value: float, low: float, high: float, extent: float) -> float:
        t = min(max((value - low) / ((high - low) or 1.0), 0.0), 1.0)
        return round(margin + t * (extent - 2 * margin), 1)

    return {
        n: (scale(p[0], low_x, high_x, width), scale(p[1], low_y, high_y, height))
        for n, p in zip(ids, pos, strict=True)
    }


def _spread(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    if len(ordered) < 20:
        return ordered[0], ordered[-1]
    return ordered[len(ordered) // 20], ordered[-1 - len(ordered) // 20]


# --- DSM ---------------------------------------------------------------------------------


def _dsm(
    grouping: views.Grouping,
    edges: dict[tuple[str, str], list[list[str]]],
    index: dict[str, int],
) -> dict[str, Any]:
    ids = [g.id for g in grouping.groups]
    order = views.dsm_order(ids, edges, {pair: len(found) for pair, found in edges.items()})
    names = {g.id: g.name for g in grouping.groups}
    cycle_of = {m: n for n, c in enumerate(order.cycles) for m in c}
    above = 0
    rows = []
    cells: dict[str, list[list[int]]] = {}
    for i, source in enumerate(order.order):
        row = []
        for j, target in enumerate(order.order):
            found = edges.get((source, target), [])
            if found:
                cells[f"{i}-{j}"] = [[index[a], index[b]] for a, b in found]
                above += len(found) if j > i else 0
            row.append(
                {
                    "n": len(found),
                    "j": j,
                    "diag": i == j,
                    "above": j > i and bool(found),
                }
            )
        rows.append(
            {
                "i": i,
                "name": names[source],
                "layer": order.layer[source],
                "cycle": source in cycle_of,
                "cells": row,
            }
        )
    return {
        "rows": rows,
        "cycles": [[names[m] for m in c] for c in order.cycles],
        "above": above,
        "level": grouping.level,
        "data": {"names": [names[g] for g in order.order], "cells": cells},
    }


# --- hotspot map: squarified treemap of the folder tree --------------------------------


def _treemap(
    document: Document, files: list[Row], tables: dict, layouts: LayoutCache
) -> dict[str, Any]:
    history = views.history_files(document)
    score = {
        f["path"]: history[f["path"]]["revisions"] * f["complexity"]
        for f in files
        if f["path"] in history
    }
    largest = max(score.values(), default=0)
    sizes = [(f["path"], max(int(f.get("sloc") or 0), 1)) for f in files]  # what it reads
    index = {f["path"]: i for i, f in enumerate(files)}
    rects, folders = layouts.get(
        "treemap", sizes, lambda: _tiles(sizes), lambda found: _is_tiles(found, index)
    )
    for rect in rects:
        path = rect["path"]
        rect["f"] = index[path]
        rect["heat"] = round(math.sqrt(score.get(path, 0) / largest) if largest else 0.0, 3)
        rect["fill"] = _heat_colour(rect["heat"]) if path in history else "#d9dde3"
    tables["hotspots"] = _table(
        [
            ("rank", "num"),
            ("path", "path"),
            ("component", "text"),
            ("revisions", "num"),
            ("complexity", "num"),
            ("SLOC", "num"),
            ("score", "num"),
        ],
        [
            [
                h["rank"],
                h["path"],
                h["component"],
                h["revisions"],
                h["complexity"],
                h["sloc"],
                h["score"],
            ]
            for h in document.get("hotspots", ())
        ],
        sort=6,
    )
    return {
        "rects": rects,
        "rects_svg": _rects_svg(rects),
        "folders": folders,
        "size": TREEMAP_SIZE,
        "history": bool(history),
        "data": {"folders": [[f["path"], f["x"], f["y"], f["w"], f["h"]] for f in folders]},
    }


def _rects_svg(rects: list[dict[str, Any]]) -> markupsafe.Markup:
    """The files' rectangles as SVG, written here rather than by the template: six
    escaped attributes for each of thousands of files cost Jinja ~0.05 s on saleor. The
    same bytes as the template's loop wrote (``{{ r.x }}`` is ``escape(str(r.x))``)."""
    escape = markupsafe.escape  # the numbers are archscan's own floats and ints
    return markupsafe.Markup(
        "".join(
            f'<rect x="{r["x"]}" y="{r["y"]}" width="{r["w"]}" height="{r["h"]}"'
            f' fill="{escape(r["fill"])}" data-f="{r["f"]}"/>'
            for r in rects
        )
    )


Tiles = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # files' rectangles, folders'


def _tiles(sizes: list[tuple[str, int]]) -> Tiles:
    """The treemap of the files (path, SLOC): a rectangle per file and per folder."""
    width, height = TREEMAP_SIZE
    rects: list[dict[str, Any]] = []
    folders: list[dict[str, Any]] = []
    _layout(_folder_tree(sizes), "", 0.0, 0.0, width, height, 0, rects, folders)
    return rects, folders


def _is_tiles(found: object, paths: Mapping[str, int]) -> bool:
    """A stored treemap of these files: rectangles and folders, each file's in ``paths``."""
    return (
        isinstance(found, tuple)
        and len(found) == 2
        and all(isinstance(part, list) for part in found)
        and all(isinstance(item, dict) for part in found for item in part)
        and all(rect.get("path") in paths for rect in found[0])
    )


def _folder_tree(sizes: list[tuple[str, int]]) -> dict[str, Any]:
    root: dict[str, Any] = {"dirs": {}, "files": []}
    for path, size in sizes:
        node = root
        for part in path.split("/")[:-1]:
            node = node["dirs"].setdefault(part, {"dirs": {}, "files": []})
        node["files"].append((path, size))
    return root


def _size(node: dict[str, Any]) -> int:
    if "total" not in node:
        node["total"] = sum(s for _, s in node["files"]) + sum(
            _size(d) for d in node["dirs"].values()
        )
    return int(node["total"])


def _layout(
    node: dict[str, Any],
    path: str,
    x: float,
    y: float,
    w: float,
    h: float,
    depth: int,
    rects: list[dict[str, Any]],
    folders: list[dict[str, Any]],
) -> None:
    """Squarified treemap (Bruls, Huizing, van Wijk 2000) of one folder, recursively;
    folders get a frame and a header strip when there is room for one."""
    children: list[tuple[int, str, str, dict[str, Any] | None]] = [
        (_size(d), name, f"{path}{name}/", d) for name, d in node["dirs"].items()
    ] + [(size, p, p, None) for p, size in node["files"]]
    children = [c for c in children if c[0] > 0 and w > 0.5 and h > 0.5]
    if not children:
        return
    children.sort(key=lambda c: (-c[0], c[1]))
    boxes = squarified([c[0] for c in children], x, y, w, h)
    for (_, _, child_path, sub), (bx, by, bw, bh) in zip(children, boxes, strict=True):
        if sub is None:
            rects.append({"path": child_path, "x": _r(bx), "y": _r(by), "w": _r(bw), "h": _r(bh)})
            continue
        folders.append(
            {
                "path": child_path.rstrip("/"),
                "label": child_path.rstrip("/").rsplit("/", 1)[-1],
                "x": _r(bx),
                "y": _r(by),
                "w": _r(bw),
                "h": _r(bh),
                "depth": depth,
            }
        )
        pad = 1.5 if bw > 8 and bh > 8 else 0.0
        header = 13.0 if bw > 60 and bh > 40 else 0.0
        _layout(
            sub,
            child_path,
            bx + pad,
            by + pad + header,
            bw - 2 * pad,
            bh - 2 * pad - header,
            depth + 1,
            rects,
            folders,
        )


def _r(value: float) -> float:
    return round(value, 1)


@lru_cache(maxsize=2048)  # heats are rounded to 3 decimals: at most 1,001 of them
def _heat_colour(heat: float) -> str:
    """Pale yellow -> orange -> dark red, CodeScene-like; readable on white."""
    stops = ((0.0, (255, 245, 204)), (0.5, (245, 140, 60)), (1.0, (150, 20, 30)))
    for (a, ca), (b, cb) in itertools.pairwise(stops):
        if heat <= b:
            t = (heat - a) / (b - a)
            rgb = tuple(round(ca[k] + (cb[k] - ca[k]) * t) for k in range(3))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#961e1e"


# --- temporal coupling, ownership --------------------------------------------------------


def _coupling(rows: list[Row], tables: dict) -> dict[str, Any]:
    """The coupling table of :func:`views.coupling_rows`, and its counts."""
    tables["coupling"] = _table(
        [
            ("file", "path"),
            ("changes with", "path"),
            ("degree %", "num"),
            ("shared revisions", "num"),
            ("cross-boundary", "text"),
            ("static dependency", "text"),
        ],
        [
            [
                p["entity"],
                p["coupled"],
                p["degree"],
                p["shared_revisions"],
                f"{p['entity_component']} / {p['coupled_component']}"
                if p["cross_boundary"]
                else "",
                "yes" if p["static_dependency"] else "no (hidden)",
            ]
            for p in rows
        ],
        sort=3,
    )
    return {
        "pairs": len(rows),
        "crossing": sum(1 for p in rows if p["cross_boundary"]),
        "hidden": sum(1 for p in rows if not p["static_dependency"]),
        "hidden_crossing": sum(
            1 for p in rows if p["cross_boundary"] and not p["static_dependency"]
        ),
    }


def _ownership(document: Document, tables: dict) -> dict[str, Any]:
    history = document.get("history") or {}
    tables["owners"] = _table(
        [
            ("file", "path"),
            ("main developer", "text"),
            ("ownership", "dec"),
            ("authors", "num"),
            ("SLOC", "num"),
            ("months since change", "num"),
            ("risk", "dec"),
            ("knowledge island", "text"),
        ],
        [
            [
                r["path"],
                r["main_developer"] or "",
                r["ownership"],
                r["authors"],
                r["sloc"],
                r.get("age_months"),
                r["risk"],
                "yes" if r["knowledge_island"] else "",
            ]
            for r in views.owner_rows(document)
        ],
        sort=6,
    )
    tables["component_owners"] = _table(
        [
            ("component", "text"),
            ("files", "num"),
            ("revisions", "num"),
            ("authors", "num"),
            ("bus factor", "num"),
            ("bus factor authors", "text"),
            ("knowledge islands", "num"),
            ("cross-boundary pairs", "num"),
        ],
        [
            [
                c["name"],
                c["files"],
                c["revisions"],
                c["authors"],
                c["bus_factor"],
                ", ".join(c["bus_factor_authors"]),
                c["knowledge_islands"],
                c["cross_boundary_pairs"],
            ]
            for c in history.get("components", ())
        ],
        sort=2,
    )
    teams = document.get("teams")
    team_rows = teams.get("teams", ()) if isinstance(teams, dict) else teams or ()
    team_rows = [t for t in team_rows if isinstance(t, dict)]
    keys = sorted({k for t in team_rows for k, v in t.items() if not isinstance(v, (list, dict))})
    tables["teams"] = _table(
        [(k, "text") for k in keys], [[_text(t.get(k)) for k in keys] for t in team_rows]
    )
    return {
        "available": bool(history),
        "bus_factor": (document.get("ownership") or {}).get("bus_factor"),
        "bus_factor_authors": (document.get("ownership") or {}).get("bus_factor_authors", []),
        "islands": len((document.get("ownership") or {}).get("knowledge_islands", ())),
        "teams": bool(team_rows),
    }


# --- data ownership, services -------------------------------------------------------------


def _data_matrix(document: Document, grouping: views.Grouping, tables: dict) -> dict[str, Any]:
    section = document.get("data_access")
    items = section.get("tables", ()) if isinstance(section, dict) else section or ()
    items = [t for t in items if isinstance(t, dict)]
    if not items:
        return {"available": False}
    names = {g.id: g.name for g in grouping.groups}
    used: set[str] = set()
    matrix: list[dict[str, Any]] = []
    for table in sorted(items, key=lambda t: str(t.get("name"))):
        marks: dict[str, set[str]] = defaultdict(set)
        for letter, key in (("D", "declared_in"), ("R", "readers"), ("W", "writers")):
            for path in table.get(key, ()):
                group = grouping.group_of.get(path)
                if group is not None:
                    marks[group].add(letter)
                    used.add(group)
        matrix.append({"name": str(table.get("name")), "marks": marks})
    columns = [g.id for g in grouping.groups if g.id in used]
    rows = []
    for item in matrix:
        writers = [c for c in columns if "W" in item["marks"].get(c, ())]
        rows.append(
            {
                "name": item["name"],
                "cells": [
                    "".join(sorted(item["marks"].get(c, ()), key="DWR".index)) for c in columns
                ],
                "shared": len(writers) > 1,
            }
        )
    tables["data_tables"] = _table(
        [
            ("table", "text"),
            ("declared in", "num"),
            ("readers", "num"),
            ("writers", "num"),
            ("written by several", "text"),
        ],
        [
            [
                str(t.get("name")),
                len(t.get("declared_in", ())),
                len(t.get("readers", ())),
                len(t.get("writers", ())),
                "yes" if r["shared"] else "",
            ]
            for t, r in zip(sorted(items, key=lambda t: str(t.get("name"))), rows, strict=True)
        ],
    )
    return {"available": True, "columns": [names[c] for c in columns], "rows": rows}


def _evidence(item: object) -> str:
    """``path:line`` from ``{"path", "line"}`` (or a ``[path, line]`` pair)."""
    if isinstance(item, dict):
        return f"{item.get('path')}:{item.get('line')}"
    if isinstance(item, (list, tuple)) and len(item) >= 2:
        return f"{item[0]}:{item[1]}"
    return str(item)


def _services(document: Document, tables: dict) -> dict[str, Any]:
    section = document.get("service_links")
    links = section.get("links", ()) if isinstance(section, dict) else section or ()
    links = [link for link in links if isinstance(link, dict)]
    declared = list(section.get("services", ())) if isinstance(section, dict) else []
    if not links and not declared:
        return {"available": False}
    names = sorted(
        {str(n) for n in declared} | {str(x.get(k)) for x in links for k in ("source", "target")}
    )
    cx, cy, radius = 420.0, 260.0, 200.0
    nodes = {
        n: (
            round(cx + radius * math.cos(2 * math.pi * i / len(names) - math.pi / 2), 1),
            round(cy + radius * math.sin(2 * math.pi * i / len(names) - math.pi / 2), 1),
        )
        for i, n in enumerate(names)
    }
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for link in links:
        pairs[(str(link.get("source")), str(link.get("target")))].append(str(link.get("kind")))
    tables["service_links"] = _table(
        [
            ("from", "text"),
            ("to", "text"),
            ("kind", "text"),
            ("name", "text"),
            ("evidence", "path"),
        ],
        [
            [
                str(x.get("source")),
                str(x.get("target")),
                str(x.get("kind")),
                str(x.get("name")),
                ", ".join(_evidence(e) for e in x.get("evidence", ())[:3]),
            ]
            for x in links
        ],
    )
    circles = {n: {"x": p[0], "y": p[1], "r": 14.0} for n, p in nodes.items()}
    return {
        "available": True,
        "nodes": [{"name": n, "x": p[0], "y": p[1]} for n, p in nodes.items()],
        "edges": [
            {
                **_segment(circles[a], circles[b], (b, a) in pairs),
                "label": f"{a} → {b}: " + ", ".join(sorted(set(kinds))),
                "n": len(kinds),
            }
            for (a, b), kinds in sorted(pairs.items())
        ],
    }


# --- one section per context (or per component when there are no contexts) -------------


def _context_pages(
    document: Document, grouping: views.Grouping, index: dict[str, int], tables: dict
) -> dict[str, Any]:
    contexts = views.contexts_of(document)
    files = views.file_index(document)
    pages = []
    if contexts:
        for n, c in enumerate(contexts):
            members = [p for p in c.get("files", ()) if p in files]
            tables[f"context-{n}"] = _member_table(members, files)
            pages.append(
                {
                    "n": n,
                    "name": str(c.get("name") or c.get("id")),
                    "id": str(c.get("id")),
                    "files": len(members),
                    "sloc": c.get("sloc"),
                    "cohesion": c.get("cohesion"),
                    "confidence": c.get("confidence"),
                    "platform": bool(c.get("platform")),
                    "packages": [str(p) for p in c.get("packages", ())[:8]],
                    "owners": [_owner(o) for o in c.get("owners", ())[:5]],
                    "hotspots": [str(h) for h in c.get("hotspots", ())[:5]],
                    "tests": len(c.get("tests", ())),
                    "interface": [
                        {
                            "path": str(i.get("path")),
                            "uses": i.get("uses"),
                            "symbols": ", ".join(map(str, i.get("symbols", ())[:6])),
                        }
                        for i in c.get("interface", ())[:8]
                        if isinstance(i, dict)
                    ],
                }
            )
        quality = _quality(document, tables)
        return {"available": True, "kind": "context", "pages": pages, "quality": quality}
    for n, group in enumerate(grouping.groups):
        tables[f"context-{n}"] = _member_table(list(group.files), files)
        pages.append(
            {
                "n": n,
                "name": group.name,
                "id": group.id,
                "files": len(group.files),
                "sloc": group.sloc,
                "cohesion": None,
                "confidence": None,
                "platform": False,
                "packages": [],
                "owners": [],
                "hotspots": [
                    h["path"]
                    for h in document.get("hotspots", ())
                    if grouping.group_of.get(h["path"]) == group.id
                ][:5],
                "tests": 0,
                "interface": [],
            }
        )
    return {"available": False, "kind": grouping.level, "pages": pages, "quality": False}


def _quality(document: Document, tables: dict) -> bool:
    """The decomposition quality of the proposal and of the decompositions scored with
    it (``decomposition_quality``), one row each, when the contexts stage wrote it."""
    section = document.get("decomposition_quality")
    if not isinstance(section, dict) or not isinstance(section.get("proposal"), dict):
        return False
    rows = [
        section["proposal"],
        *(d for d in section.get("decompositions", ()) if isinstance(d, dict)),
    ]
    keys = [
        k for k, v in section["proposal"].items() if k != "name" and not isinstance(v, (dict, list))
    ]
    tables["quality"] = _table(
        [
            ("decomposition", "text"),
            *(
                (k.replace("_", " "), "num" if isinstance(section["proposal"][k], int) else "dec")
                for k in keys
            ),
        ],
        [[str(r.get("name", "")), *(r.get(k) for k in keys)] for r in rows],
    )
    return True


def _owner(owner: object) -> str:
    if isinstance(owner, (list, tuple)) and len(owner) == 2:
        return f"{owner[0]} ({float(owner[1]) * 100:.0f}%)"
    if isinstance(owner, dict):
        name = owner.get("author", owner.get("name", "?"))
        return f"{name} ({float(owner.get('share', 0)) * 100:.0f}%)"
    return str(owner)


def _member_table(members: list[str], files: dict[str, Row]) -> dict[str, Any]:
    return _table(
        [
            ("file", "path"),
            ("role", "role"),
            ("SLOC", "num"),
            ("complexity", "num"),
            ("fan-in", "num"),
        ],
        [
            [
                p,
                views.role_of(files[p]),
                files[p]["sloc"],
                files[p]["complexity"],
                files[p].get("fan_in"),
            ]
            for p in sorted(members)
            if p in files
        ],
        sort=2,
    )


def _files_table(document: Document, files: list[Row], grouping: views.Grouping) -> dict[str, Any]:
    history = views.history_files(document)
    names = {g.id: g.name for g in grouping.groups}
    return _table(
        [
            ("file", "path"),
            ("role", "role"),
            ("language", "text"),
            (grouping.level, "text"),
            ("SLOC", "num"),
            ("complexity", "num"),
            ("fan-in", "num"),
            ("fan-out", "num"),
            ("revisions", "num"),
        ],
        [
            [
                f["path"],
                views.role_of(f),
                f["language"],
                names.get(grouping.group_of.get(f["path"], ""), ""),
                f["sloc"],
                f["complexity"],
                f.get("fan_in"),
                f.get("fan_out"),
                history[f["path"]]["revisions"] if f["path"] in history else None,
            ]
            for f in files
        ],
        sort=4,
    )


# --- glossary: every figure links to its entry --------------------------------------------


def glossary(env: jinja2.Environment) -> list[dict[str, str]]:
    """The glossary entries (id, term, text) from report_templates/glossary.yaml."""
    entries = shipped_yaml(_source(env, "glossary.yaml")) or []
    return [{"id": str(e["id"]), "term": str(e["term"]), "text": str(e["text"])} for e in entries]
