"""The shared views: rankings, the DSM order, owner risk, terminal text."""

from __future__ import annotations

from pathlib import Path

import pytest

from archscan.config import Config
from archscan.pipeline import RunOptions, run
from archscan.report import views
from archscan.report.html import inline_json
from archscan.report.registry import FormatError, parse_formats
from archscan.terminal import clean, shorten_path
from helpers import RecordingProgress
from report_support import fixed_document
from test_cli import make_shop


def test_dsm_order_puts_providers_first_and_keeps_cycles_together() -> None:
    # api -> orders <-> billing -> platform; shipping -> platform
    edges = [
        ("api", "orders"),
        ("orders", "billing"),
        ("billing", "orders"),
        ("billing", "platform"),
        ("shipping", "platform"),
    ]
    order = views.dsm_order(["api", "billing", "orders", "platform", "shipping"], edges)
    assert order.order == ("platform", "billing", "orders", "api", "shipping")
    assert order.cycles == (("billing", "orders"),)
    assert order.layer == {"platform": 0, "billing": 1, "orders": 1, "shipping": 1, "api": 2}
    position = {g: i for i, g in enumerate(order.order)}
    above = [(a, b) for a, b in edges if position[b] > position[a]]
    assert above == [("billing", "orders")]  # only the cycle is above the diagonal


def test_owner_risk_is_ownership_times_size_times_recency() -> None:
    assert views.owner_risk(1.0, 100, 0) == 100.0
    assert views.owner_risk(0.5, 100, 12) == 25.0  # half owned, a year old: halved again
    assert views.owner_risk(1.0, 0, 0) == 0.0  # a LICENSE file owned 100% is no risk


def test_coupling_rows_say_whether_a_static_dependency_explains_the_pair() -> None:
    document = fixed_document()
    document["dependencies"] = [{"source": "b.py", "target": "a.py"}]
    pair = {
        "entity": "a.py",
        "coupled": "b.py",
        "degree": 80,
        "shared_revisions": 8,
        "average_revisions": 10,
        "cross_boundary": True,
    }
    document["temporal_coupling"] = [pair, {**pair, "coupled": "c.py"}]
    rows = views.coupling_rows(document)
    assert [r["static_dependency"] for r in rows] == [True, False]


def test_grouping_falls_back_from_contexts_to_components_to_folders() -> None:
    document = fixed_document()
    assert views.grouping(document).level == "context"
    del document["contexts"]
    assert views.grouping(document).level == "component"
    for file in document["files"]:
        file["component"] = None
    folders = views.grouping(document)
    assert folders.level == "folder"
    assert folders.group_of["shop/orders/service.py"] == "shop/orders"


def test_sort_rows_rejects_an_unknown_column_and_lists_the_others() -> None:
    view = views.TABLE_VIEWS["owners"]
    with pytest.raises(ValueError, match="choose from path, main-dev, ownership"):
        views.sort_rows(view, [], "nonsense")


def test_terminal_text_is_clean_and_keeps_the_end_of_paths() -> None:
    assert clean("a\x1b[2J\x1b]0;title\x07b\x00c\nd\x9b") == "abc d"
    assert clean("[/] [bold]x[/bold]") == "[/] [bold]x[/bold]"  # markup is left to Text
    path = "src/main/java/org/example/shop/orders/OrderService.java"
    short = shorten_path(path, 30)
    assert short.startswith("…/") and short.endswith("orders/OrderService.java")
    assert len(short) <= 30
    assert shorten_path("short.py", 30) == "short.py"


def test_inline_json_cannot_close_its_script_element() -> None:
    text = inline_json({"name": "</script><script>alert(1)</script>", "s": "\u2028\u2029<!--"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert "\\u003c/script\\u003e" in text and "\\u2028" in text


def test_formats_come_from_the_registry() -> None:
    assert parse_formats("json, MD,html") == ("json", "md", "html")
    with pytest.raises(FormatError, match="choose from json, md, html, pdf"):
        parse_formats("json,docx")


def test_history_progress_counts_commits_read_out_of_the_total(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    progress = RecordingProgress()
    run(shop, Config(), RunOptions(cache_dir=tmp_path / "cache", jobs=1), progress)
    # the cached (default) history: the shop's 19 commits, by the name and the line pass
    assert progress.totals == [2 * 19]
    assert progress.advanced >= 2 * 19  # parse progress advances the same bar


def test_top_risks_name_production_hotspots_only() -> None:
    document = fixed_document()
    top = document["hotspots"][0]["path"]
    assert any(r["what"] == top for r in views.top_risks(document))
    for file in document["files"]:
        if file["path"] == top:
            file["role"] = "test"
    risks = views.top_risks(document)
    assert all(r["what"] != top for r in risks)
    assert [r["kind"] for r in risks].count("hotspot") == 3
