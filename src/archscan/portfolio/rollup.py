"""The roll-up: one row per repository, from its archscan.json, written as JSON, CSV and
HTML. Rows hold no timings, so the same portfolio gives the same roll-up on any
scheduler (run times stay in the manifest)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from archscan import __version__
from archscan.outputs import write_text_atomic
from archscan.report import fastjson
from archscan.resources import data_dir

PORTFOLIO_SCHEMA_VERSION = "1.0"
TOP_RISKS = 3
CSV_COLUMNS = (
    "path",
    "status",
    "verdict",
    "files",
    "sloc",
    "languages",
    "commits",
    "top_risks",
    "report",
    "error",
)


def _get(data: Any, *keys: str) -> Any:
    """A nested value, or None wherever the document lacks it (read defensively: the
    assessment section is written by a later stage and may be absent)."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _verdict(document: dict[str, Any]) -> str | None:
    verdict = _get(document, "assessment", "verdict")
    if isinstance(verdict, dict):  # a structured verdict: its name
        verdict = verdict.get("name") or verdict.get("verdict")
    return verdict if isinstance(verdict, str) else None


def _languages(document: dict[str, Any]) -> list[str]:
    rows = [r for r in document.get("languages") or [] if isinstance(r, dict)]
    rows.sort(key=lambda r: (-int(r.get("files") or 0), str(r.get("name"))))
    return [str(r.get("name")) for r in rows]


def _risks(document: dict[str, Any]) -> list[str]:
    """The assessment's own risks when it has them, else the structural red flags."""
    stated = _get(document, "assessment", "risks")
    if isinstance(stated, list) and stated:
        return [_risk_text(item) for item in stated[:TOP_RISKS]]
    risks = []
    summary = document.get("summary") or {}
    if summary.get("file_cycles"):
        risks.append(
            f"{summary['file_cycles']} file cycle(s) over {summary.get('files_in_cycles', 0)} files"
        )
    cost = _get(document, "metrics", "propagation_cost")
    if isinstance(cost, (int, float)) and cost > 0:
        risks.append(f"propagation cost {cost * 100:.1f}%")
    hotspots = document.get("hotspots") or []
    if hotspots and isinstance(hotspots[0], dict):
        risks.append(f"top hotspot {hotspots[0].get('path')}")
    return risks[:TOP_RISKS]


def _risk_text(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("title", "message", "summary", "id", "name"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return str(item)


def row_of(path: str, document: dict[str, Any] | None) -> dict[str, Any]:
    """The roll-up row of one repository (``document`` None: no analysis to read)."""
    if document is None:
        return {
            "path": path,
            "verdict": None,
            "files": None,
            "sloc": None,
            "languages": [],
            "commits": None,
            "top_risks": [],
        }
    summary = document.get("summary") or {}
    commits = _get(document, "history", "commits")
    return {
        "path": path,
        "verdict": _verdict(document),
        "files": summary.get("files"),
        "sloc": summary.get("sloc"),
        "languages": _languages(document),
        "commits": commits if isinstance(commits, int) else None,
        "top_risks": _risks(document),
    }


def portfolio_document(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(rows, key=lambda r: r["path"])
    counts: dict[str, int] = {}
    for row in ordered:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return {
        "schema_version": PORTFOLIO_SCHEMA_VERSION,
        "tool": {"name": "archscan", "version": __version__},
        "summary": {"repositories": len(ordered), "statuses": dict(sorted(counts.items()))},
        "repositories": ordered,
    }


def to_csv(document: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in document["repositories"]:
        cells = []
        for column in CSV_COLUMNS:
            value = row.get(column)
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            cells.append(_csv_cell("" if value is None else str(value)))
        writer.writerow(cells)
    return out.getvalue()


def _csv_cell(text: str) -> str:
    """No formula injection when a spreadsheet opens the CSV."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_html(document: dict[str, Any]) -> str:
    """Every value escaped (autoescape): paths and messages come from the repositories."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("report_templates"))),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("portfolio.html.j2").render(doc=document)


def write_rollup(out: Path, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    document = portfolio_document(rows)
    # atomic: an interrupted roll-up leaves the previous files, never half a file
    write_text_atomic(out / "portfolio.json", fastjson.dumps(document) + "\n")
    write_text_atomic(out / "portfolio.csv", to_csv(document))
    write_text_atomic(out / "portfolio.html", to_html(document))
    return document
