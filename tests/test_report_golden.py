"""Golden tests: the reporters render a fixed document to fixed bytes.

Regenerate after a deliberate change with ARCHSCAN_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
import re

import pytest

from archscan.report.registry import REPORTERS, RenderOptions
from report_support import GOLDEN, fixed_document

UPDATE = os.environ.get("ARCHSCAN_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("name", ["md", "html", "json"])
def test_reporter_renders_the_fixed_document_to_the_golden_bytes(name: str) -> None:
    reporter = REPORTERS[name]
    rendered = reporter.render(fixed_document(), RenderOptions())
    # the text formats as str, archscan.json as its (ASCII) bytes: both as written
    assert isinstance(rendered, bytes if name == "json" else str)
    data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
    golden = GOLDEN / f"golden.{reporter.file_name}"
    if UPDATE:
        golden.write_bytes(data)
    assert data == golden.read_bytes()


def test_html_shows_every_section_of_the_fixed_document() -> None:
    html = REPORTERS["html"].render(fixed_document(), RenderOptions())
    assert isinstance(html, str)
    document = fixed_document()
    verdict = document["assessment"]
    assert f'id="verdict">{verdict["verdict"]}<' in html
    assert f"confidence <strong>{round(verdict['confidence'] * 100)}%</strong>" in html
    first = next(c for c in document["extraction_plan"]["candidates"] if c["wave"] == 1)
    assert "Wave 1" in html and f"<strong>{first['unit']}</strong>" in html
    assert "not available in this analysis" not in html  # every section is present
    assert 'aria-label="Tables by context: D declared, W written, R read"' in html
    assert html.count('<article class="ctx"') == len(document["contexts"])  # one per context
    # self-contained: no external reference, only the hashed inline script may run
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "script-src 'sha256-" in html and "default-src 'none'" in html


def test_html_without_the_later_sections_says_what_is_missing() -> None:
    document = fixed_document()
    for key in ("assessment", "extraction_plan", "contexts", "context_edges", "data_access"):
        document.pop(key)
    document.pop("service_links")
    for file in document["files"]:
        file.pop("role")
    html = REPORTERS["html"].render(document, RenderOptions())
    assert isinstance(html, str)
    assert 'id="verdict">No verdict<' in html
    for what in (
        "The scorecard of signals",
        "The extraction plan",
        "Data access (tables read and written per file)",
        "Service links (gRPC, HTTP, topics, manifests)",
    ):
        assert f"{what} not available in this analysis." in html
    assert "Contexts are not available in this analysis; the map aggregates by component" in html
    assert "File roles are not available in this analysis" in html
