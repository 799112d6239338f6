#!/usr/bin/env python3
"""Size and load time of the HTML report of a real repository.

python benchmarks/html_report.py REPO [--from ARCHSCAN_JSON] [--loads 5] [--out DIR]

Analyses REPO (or takes a saved archscan.json with --from), renders report.html and
measures:
  files, dependencies, commits   what the report holds
  render                         seconds to render the HTML from the document (best of 3)
  size                           bytes of report.html (goal: under 5 MB)
  first-contentful-paint         ms, Chromium's paint timing (median of --loads loads)
  largest-contentful-paint       ms, the largest element painted: the first screen's
                                 verdict, cards and tables (goal: under 2 s)
  ready                          ms until report.js has drawn every table and chart
                                 (html[data-ready])
Chromium: /usr/bin/chromium (or $ARCHSCAN_CHROMIUM) headless through Playwright, from
file://, a 1400x1000 viewport, a fresh page per load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from archscan.report.html import render
from archscan.report.registry import RenderOptions

CHROMIUM = os.environ.get("ARCHSCAN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAINT = """() => new Promise(resolve => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  let lcp = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { lcp = Math.max(lcp, e.startTime); }
  }).observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve({fcp: fcp ? fcp.startTime : null, lcp,
    ready: Number(document.documentElement.getAttribute('data-ready'))}), 300);
})"""


def _document(repo: Path, saved: Path | None, out: Path) -> dict[str, Any]:
    if saved is None:
        saved = out / "archscan.json"
        command = [sys.executable, "-m", "archscan", "analyze", str(repo), "--out", str(out)]
        subprocess.run([*command, "--format", "json", "--quiet"], check=True)
    document: dict[str, Any] = json.loads(saved.read_text(encoding="utf-8"))
    return document


def _loads(page_path: Path, count: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(count):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(page_path.as_uri())
            page.wait_for_selector("html[data-ready]")
            results.append(page.evaluate(PAINT))
            page.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--from", dest="saved", type=Path, default=None)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/archscan-html-bench"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    document = _document(args.repo, args.saved, args.out)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        html = render(document, RenderOptions())
        timings.append(time.perf_counter() - start)
    page = args.out / "report.html"
    page.write_text(html, encoding="utf-8")
    loads = _loads(page, args.loads)
    history = document.get("history") or {}
    print(f"repository               {document['repository']['root']}")
    print(f"commit                   {document['repository']['head']}")
    print(f"files                    {document['summary']['files']:,}")
    print(f"dependencies             {document['summary']['dependencies']:,}")
    print(f"commits                  {history.get('commits', 0):,}")
    print(f"render                   {min(timings):.2f} s (best of 3)")
    print(f"size                     {page.stat().st_size:,} bytes")
    for key, label in (("fcp", "first-contentful-paint"), ("lcp", "largest-contentful-paint")):
        values = [r[key] for r in loads if r[key]]
        print(f"{label:<24} {statistics.median(values):,.0f} ms (median of {len(values)})")
    ready = [r["ready"] for r in loads]
    print(f"{'ready':<24} {statistics.median(ready):,.0f} ms (median of {len(ready)})")


if __name__ == "__main__":
    main()
