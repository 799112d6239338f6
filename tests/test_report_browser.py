"""The HTML report in a real browser: Playwright for Python driving Debian's chromium
(``.ci/run`` installs it; no browser download). Screenshots of every view are written
to .artifacts/screenshots/ (gitignored) for review."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archscan.report.registry import RenderOptions, write_reports
from report_support import archscan, fixed_document, make_hostile_repo

sync_api = pytest.importorskip("playwright.sync_api")
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
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts" / "screenshots"
VIEWS = (
    "overview",
    "map",
    "dsm",
    "hotspots",
    "coupling",
    "ownership",
    "data",
    "services",
    "contexts",
    "files",
)

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"
)


class Page:
    """A loaded report with what the page said: console messages, requests, dialogs."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.console: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-ready]")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_reports(fixed_document(), ("html",), out, RenderOptions())
    return out / "report.html"


def test_page_loads_offline_and_every_view_shows_its_data(browser: Any, report: Path) -> None:
    loaded = Page(browser, report)
    page = loaded.page
    assert loaded.console == []
    assert loaded.requests and all(url.startswith("file://") for url in loaded.requests)
    document = fixed_document()
    assessment, contexts = document["assessment"], document["contexts"]
    assert page.inner_text("#verdict") == assessment["verdict"]
    signals = page.locator("#overview .dt tbody tr").count()  # the scorecard's signals
    assert signals == min(len(assessment["signals"]), 25)
    waves = document["extraction_plan"]["waves"]
    assert page.locator("#overview ol.waves > li").count() == len(waves)
    assert page.locator("#map-svg .node").count() == len(contexts)
    assert page.locator(".dsm button[data-cell]").count() > 5
    files = len(document["files"])
    assert page.locator("#tm-svg .files rect").count() == files
    assert page.locator("#coupling tbody tr").count() >= 1
    components = len(document["history"]["components"])
    assert page.locator("#ownership .dt").first.locator("tbody tr").count() == components
    assert page.locator("#data table.matrix tbody tr").count() == 2
    assert page.locator("#services .svcn").count() == 3
    assert page.locator("#contexts article.ctx").count() == len(contexts)
    quality = page.locator('#contexts .dt[data-table="quality"] tbody tr')
    assert quality.count() == 1 and "archscan" in quality.inner_text()
    assert page.locator("#files tbody tr").count() == min(files, 25)  # the first page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for view in VIEWS:
        page.locator(f"#{view}").screenshot(path=str(ARTIFACTS / f"{view}.png"))
        assert (ARTIFACTS / f"{view}.png").stat().st_size > 1000


def test_search_sort_filter_and_drill_down(browser: Any, report: Path) -> None:
    page = Page(browser, report).page
    page.fill("#map-search", "invoicing")
    assert page.locator("#map-svg .node.hit").count() == 1
    assert "shop/billing/invoicing.py" in page.inner_text("#map-detail")
    page.fill("#map-search", "")
    orders = next(
        c["name"] for c in fixed_document()["contexts"] if "shop/orders/service.py" in c["files"]
    )
    page.locator(f'#map-svg .node[aria-label="{orders}"]').focus()
    page.keyboard.press("Enter")  # keyboard drill-down
    detail = page.inner_text("#map-detail")
    assert orders in detail and "shop/orders/service.py" in detail and "Depends on" in detail

    hotspots = page.locator("#hotspots .dt")
    hotspots.locator("th button", has_text="revisions").click()
    first = hotspots.locator("tbody tr").first.locator("td").nth(1).inner_text()
    assert first == "shop/orders/service.py"  # 9 revisions, the most
    hotspots.locator("th button", has_text="revisions").click()  # ascending now
    assert hotspots.locator("th", has_text="revisions").get_attribute("aria-sort") == "ascending"

    page.locator(".dsm button[data-cell]").first.click()
    assert page.locator("#dsm-detail tbody tr").count() >= 1
    assert "file dependencies" in page.inner_text("#dsm-detail h3")

    svg = page.locator("#tm-svg")
    before = svg.get_attribute("viewBox")
    biggest = page.locator("#tm-svg .files rect[data-f]").first
    biggest.click()
    assert svg.get_attribute("viewBox") != before  # zoomed into the folder
    assert page.inner_text("#tm-path") == "/shop"
    biggest.click()
    assert page.inner_text("#tm-path").startswith("/shop/")
    biggest.click()  # a file of the zoomed folder: its figures
    assert "SLOC" in page.inner_text("#tm-detail")
    page.click("#tm-up")
    page.click("#tm-up")
    assert svg.get_attribute("viewBox") == before
    page.select_option("#tm-folder", "shop/orders")  # the keyboard way in
    assert page.inner_text("#tm-path") == "/shop/orders"
    page.select_option("#tm-folder", "")
    assert svg.get_attribute("viewBox") == before
    page.select_option("#tm-role", "test")  # roles filter the map too
    dimmed = page.locator("#tm-svg .files rect.dim").count()
    assert dimmed == page.locator("#tm-svg .files rect").count() - 1  # tests/test_money.py

    files = page.locator("#files .dt")
    files.locator("select").select_option("test")
    assert files.locator("tbody tr").count() == 1
    assert "tests/test_money.py" in files.locator("tbody").inner_text()
    files.locator("select").select_option("")
    files.locator("input[type=search]").fill("catalog")
    document = fixed_document()  # rows match on path, component or context name
    matching = {f["path"] for f in document["files"] if "catalog" in f["path"] + f["component"]}
    matching |= {p for c in document["contexts"] if "catalog" in c["name"] for p in c["files"]}
    assert files.locator("tbody tr").count() == len(matching)


def test_hostile_names_are_shown_as_text_and_nothing_executes(browser: Any, tmp_path: Path) -> None:
    repo = make_hostile_repo(tmp_path / "hostile")
    out = tmp_path / "out"
    result = archscan("analyze", str(repo.root), "--out", str(out), "--format", "json,html")
    assert result.returncode == 0, result.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img" not in html  # escaped in the markup
    data = html.split('id="archscan-data">', 1)[1].split("</script>", 1)[0]
    assert "</" not in data and "\u2028" not in data
    assert json.loads(data)["files"]  # still valid JSON after the escaping
    loaded = Page(browser, out / "report.html")
    page = loaded.page
    page.locator("#files .dt").scroll_into_view_if_needed()
    assert loaded.dialogs == [] and loaded.console == []
    assert page.locator("img").count() == 0
    assert page.locator("[onerror]").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    text = page.inner_text("#files")
    for name in ("<script>alert(1)</script>.py", '"><img src=x onerror=alert(2)>.py'):
        assert name in text
    assert "{{7*7}}.py" in text and "49.py" not in text
    assert "javascript:alert(3).py" in text
    page.fill("#map-search", "<script>")
    assert "<script>alert(1)</script>.py" in page.inner_text("#map-detail")
    assert loaded.dialogs == [] and loaded.console == []
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=False)


@pytest.mark.slow
def test_pdf_is_printed_by_the_local_chromium(tmp_path: Path) -> None:
    saved = tmp_path / "archscan.json"
    saved.write_text(json.dumps(fixed_document()), encoding="utf-8")
    env = {"ARCHSCAN_CHROMIUM": CHROMIUM}
    result = archscan("report", str(saved), "--format", "pdf", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    none = archscan(
        "report", str(saved), "--format", "pdf", env={"ARCHSCAN_CHROMIUM": "/no/chromium"}
    )
    assert none.returncode == 2
    assert "needs a local Chromium" in none.stderr and "none is installed" in none.stderr
