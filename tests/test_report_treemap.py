"""The treemap layout: the same rectangles, to the last bit, as the squarify package."""

from __future__ import annotations

import random

import pytest
import squarify

from archscan.report.treemap import squarified


def _squarify(sizes: list[int], x: float, y: float, dx: float, dy: float) -> list[tuple]:
    normalized = squarify.normalize_sizes(sizes, dx, dy)
    return [(r["x"], r["y"], r["dx"], r["dy"]) for r in squarify.squarify(normalized, x, y, dx, dy)]


@pytest.mark.parametrize("seed", range(8))
def test_the_layout_is_squarifys_to_the_last_bit(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        count = rng.choice([1, 2, 3, 7, 40, 300])
        # SLOC-like sizes, with the many ties of small files (ties keep their order)
        sizes = sorted(
            (rng.choice([1, 1, 2, 5, rng.randint(1, 9000)]) for _ in range(count)), reverse=True
        )
        box = (
            rng.uniform(0, 40),
            rng.uniform(0, 40),
            rng.uniform(0.6, 1400),
            rng.uniform(0.6, 900),
        )
        assert squarified(sizes, *box) == _squarify(sizes, *box)


def test_the_boxes_tile_the_rectangle_in_proportion_to_the_sizes() -> None:
    sizes = [500, 300, 120, 40, 40, 1]
    boxes = squarified(sizes, 10.0, 20.0, 300.0, 200.0)
    assert len(boxes) == len(sizes)
    total = sum(w * h for _x, _y, w, h in boxes)
    assert total == pytest.approx(300.0 * 200.0)
    for size, (x, y, w, h) in zip(sizes, boxes, strict=True):
        assert w * h == pytest.approx(size / sum(sizes) * 300.0 * 200.0)
        assert x >= 10.0 - 1e-9 and x + w <= 310.0 + 1e-9
        assert y >= 20.0 - 1e-9 and y + h <= 220.0 + 1e-9


def test_a_folder_of_twenty_thousand_files_is_laid_out() -> None:
    rng = random.Random(3)
    sizes = sorted((rng.randint(1, 400) for _ in range(20_000)), reverse=True)
    boxes = squarified(sizes, 0.0, 0.0, 1200.0, 800.0)
    assert boxes == _squarify(sizes, 0.0, 0.0, 1200.0, 800.0)
