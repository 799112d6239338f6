"""The HTML report's layouts kept between runs (report/layouts.py): the same page as a
render without them, served from the stored files, and a bad file is only a miss."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

from typer.testing import CliRunner

from archscan.cache_admin import cache_info
from archscan.cli import app
from archscan.report import html, layouts
from archscan.report.registry import RenderOptions
from report_support import fixed_document


def _stored(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / "layouts").glob(f"{kind}-*.pickle"))


def test_a_cached_render_is_the_uncached_page_and_reuses_the_layouts(tmp_path: Path) -> None:
    document = fixed_document()
    expected = html.render(document, RenderOptions())
    cache = tmp_path / "cache"
    assert html.render(document, RenderOptions(cache_dir=cache)) == expected
    spring, treemap = _stored(cache, "spring"), _stored(cache, "treemap")
    assert len(spring) == 1 and len(treemap) == 1
    # a stored layout is what the next render uses: planted positions (each group at
    # another's place: a scale would be undone by fitting them to the map) reach the page
    points = pickle.loads(spring[0].read_bytes())
    assert len(points) > 2
    spring[0].write_bytes(pickle.dumps(points[::-1]))
    moved = html.render(document, RenderOptions(cache_dir=cache))
    assert moved != expected
    spring[0].write_bytes(pickle.dumps(points))
    assert html.render(document, RenderOptions(cache_dir=cache)) == expected


def test_other_sizes_are_another_treemap(tmp_path: Path) -> None:
    document = fixed_document()
    cache = tmp_path / "cache"
    html.render(document, RenderOptions(cache_dir=cache))
    changed = copy.deepcopy(document)
    changed["files"][0]["sloc"] = int(changed["files"][0].get("sloc") or 0) + 500
    page = html.render(changed, RenderOptions(cache_dir=cache))
    assert page == html.render(changed, RenderOptions())
    assert len(_stored(cache, "treemap")) == 2
    assert len(_stored(cache, "spring")) == 1  # the groups' dependencies did not change


def test_damaged_or_foreign_files_are_misses(tmp_path: Path) -> None:
    document = fixed_document()
    expected = html.render(document, RenderOptions())
    cache = tmp_path / "cache"
    html.render(document, RenderOptions(cache_dir=cache))
    (spring,), (treemap,) = _stored(cache, "spring"), _stored(cache, "treemap")
    for content in (b"not a pickle", pickle.dumps({"a": 1}), pickle.dumps(([{}], []))):
        spring.write_bytes(content)
        treemap.write_bytes(content)
        assert html.render(document, RenderOptions(cache_dir=cache)) == expected
    # a treemap whose rectangles name files the document does not have
    treemap.write_bytes(pickle.dumps(([{"path": "elsewhere.py", "x": 0.0}], [])))
    assert html.render(document, RenderOptions(cache_dir=cache)) == expected


def test_at_most_kept_files_a_kind(tmp_path: Path) -> None:
    store = layouts.LayoutCache(tmp_path)
    valid = lambda found: isinstance(found, int)  # noqa: E731
    for n in range(layouts.KEPT + 5):
        assert store.get("demo", n, lambda n=n: n * 2, valid) == n * 2  # type: ignore[misc]
    assert len(list((tmp_path / "layouts").glob("demo-*.pickle"))) == layouts.KEPT
    calls: list[int] = []
    assert store.get("demo", layouts.KEPT + 4, lambda: calls.append(1) or 0, valid) == (
        2 * (layouts.KEPT + 4)
    )
    assert not calls  # the newest is kept and served


def test_a_read_only_cache_folder_still_renders(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "layouts").write_text("a file where the folder would be")
    document = fixed_document()
    assert html.render(document, RenderOptions(cache_dir=cache)) == html.render(
        document, RenderOptions()
    )


def test_cache_info_counts_the_layouts_and_clear_deletes_them(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    html.render(fixed_document(), RenderOptions(cache_dir=cache))
    (row,) = [r for r in cache_info(cache) if r.name == "layouts"]
    assert row.entries == 2 and row.bytes > 0 and "layouts" in row.detail
    shown = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert shown.exit_code == 0 and "layouts" in shown.stdout
    cleared = CliRunner().invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0, cleared.output
    assert layouts.stored_files(cache) == []
    (row,) = [r for r in cache_info(cache) if r.name == "layouts"]
    assert row.entries is None and row.detail == "absent"
