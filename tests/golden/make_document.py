#!/usr/bin/env python3
"""Regenerate tests/golden/document.json: the example shop analysed, with the sections
later stages add filled in by hand (contexts, assessment, extraction plan, data access,
service links, teams), so the reporters' golden tests cover every view.

python tests/golden/make_document.py
ARCHSCAN_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py   # then review the diff
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "examples"


def _analyse(work: Path) -> dict[str, Any]:
    shop, out = work / "shop", work / "out"
    subprocess.run([sys.executable, str(EXAMPLES / "make_shop.py"), str(shop)], check=True)
    command = [sys.executable, "-m", "archscan", "analyze", str(shop), "--out", str(out)]
    subprocess.run([*command, "--format", "json", "--quiet", "--no-cache"], check=True)
    document: dict[str, Any] = json.loads((out / "archscan.json").read_text())
    return document


def _contexts(document: dict[str, Any]) -> list[dict[str, Any]]:
    by_component: dict[str, list[str]] = {}
    for f in document["files"]:
        if f["component"] and f["component"] != "(unassigned)":
            by_component.setdefault(f["component"], []).append(f["path"])
    sloc = {f["path"]: f["sloc"] for f in document["files"]}
    contexts = []
    for i, (name, files) in enumerate(sorted(by_component.items())):
        files.sort()
        contexts.append(
            {
                "id": f"c{i}",
                "name": name.title(),
                "files": files,
                "sloc": sum(sloc[p] for p in files),
                "cohesion": 0.75,
                "confidence": 0.9,
                "interface": [{"path": files[-1], "symbols": ["Thing", "make"], "uses": 2}],
                "owners": [["Alice Martin", 0.6], ["Bob Stone", 0.4]],
                "hotspots": files[:1],
                "tests": [],
                "packages": sorted({p.rsplit("/", 1)[0] for p in files}),
                "platform": name == "platform",
            }
        )
    return contexts


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = _analyse(Path(tmp))
    d["repository"]["root"] = "/work/shop"
    d["contexts"] = _contexts(d)
    ids = {c["name"].lower(): c["id"] for c in d["contexts"]}
    d["context_edges"] = [
        {"source": ids["orders"], "target": ids["billing"], "dependencies": 2,
         "by_kind": [["import", 2]], "co_change": 3.5},
        {"source": ids["billing"], "target": ids["orders"], "dependencies": 1,
         "by_kind": [["import", 1]], "co_change": 3.5},
    ]  # fmt: skip
    d["data_access"] = {
        "tables": [
            {"name": "orders", "entities": ["Order"], "declared_in": ["shop/orders/models.py"],
             "readers": ["shop/billing/invoicing.py", "shop/api/routes.py"],
             "writers": ["shop/orders/service.py"], "references": ["customers"]},
            {"name": "invoices", "entities": ["Invoice"], "declared_in": ["shop/billing/models.py"],
             "readers": [], "writers": ["shop/billing/invoicing.py", "shop/orders/service.py"],
             "references": ["orders"]},
        ],
    }  # fmt: skip
    tables = d["data_access"]["tables"]
    d["data_access"]["counts"] = {
        "tables": len(tables),
        "entities": sum(len(t["entities"]) for t in tables),
        "tables_read": sum(1 for t in tables if t["readers"]),
        "tables_written": sum(1 for t in tables if t["writers"]),
        "files_reading": len({p for t in tables for p in t["readers"]}),
        "files_writing": len({p for t in tables for p in t["writers"]}),
        "sql_statements": 3,
        "sql_unparsed": 0,
    }
    d["service_links"] = {
        "services": ["api", "billing", "orders"],
        "links": [
            {"source": "api", "target": "orders", "kind": "http", "name": "/orders",
             "evidence": [{"path": "shop/api/routes.py", "line": 3}]},
            {"source": "orders", "target": "billing", "kind": "topic", "name": "order-placed",
             "evidence": [{"path": "shop/orders/service.py", "line": 9}]},
        ],
        "graph": [
            {"source": "api", "target": "orders", "kinds": ["http"], "names": ["/orders"],
             "links": 1},
            {"source": "orders", "target": "billing", "kinds": ["topic"],
             "names": ["order-placed"], "links": 1},
        ],
        "counts": {"services": 3, "links": 2, "by_kind": {"http": 1, "topic": 1}},
    }  # fmt: skip
    d["assessment"] = {
        "verdict": "modularise the monolith",
        "confidence": 0.72,
        "signals": [
            {"name": "component cycles", "value": 1, "threshold": 0, "direction": "above-is-bad",
             "weight": 2, "source": "structure",
             "reason": "orders and billing depend on each other"},
            {"name": "propagation cost", "value": 0.083, "threshold": 0.2,
             "direction": "above-is-bad", "weight": 1, "source": "structure",
             "reason": "changes stay local"},
            {"name": "cross-boundary co-change", "value": 0.5, "threshold": 0.3,
             "direction": "above-is-bad", "weight": 2, "source": "history",
             "reason": "half of the coupled pairs cross a boundary"},
        ],
        "warnings": ["five authors only: ownership signals are weak"],
    }  # fmt: skip
    d["extraction_plan"] = {
        "waves": [
            {"wave": 1, "candidates": [{"context": ids["shipping"], "name": "Shipping",
                                        "reason": "few inbound dependencies"}]},
            {"wave": 2, "candidates": [{"context": ids["billing"], "name": "Billing",
                                        "reason": "after breaking the orders cycle"}]},
        ]
    }  # fmt: skip
    d["teams"] = [
        {"team": "core", "members": 3, "components": 4},
        {"team": "payments", "members": 2, "components": 2},
    ]
    text = json.dumps(d, indent=2, ensure_ascii=True) + "\n"
    (HERE / "document.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
