"""Resolution results reused only when nothing they depend on changed."""

from __future__ import annotations

from pathlib import Path

from archscan.config import Config
from archscan.pipeline import RunOptions, run
from archscan.report.json_report import dumps
from archscan.resolution_cache import FILE_NAME, ResolutionCache


def test_reused_when_unchanged_and_recomputed_after_an_edit(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "import pkg.b\n")
    repo.write("pkg/b.py", "x = 1\n")
    repo.write("pkg/c.py", "y = 2\n")
    repo.commit("start")
    cache = tmp_path / "cache"
    options = RunOptions(cache_dir=cache, jobs=1, history=False)
    first = run(repo.root, Config(), options)
    stored = ResolutionCache(cache)
    try:
        entries = stored._db.execute("SELECT COUNT(*) FROM resolutions").fetchone()[0]
    finally:
        stored.close()
    assert entries == 1 and (cache / FILE_NAME).exists()
    again = run(repo.root, Config(), options)
    assert dumps(again) == dumps(first)
    # an edit elsewhere that changes what resolves: a new import of c
    repo.write("pkg/b.py", "import pkg.c\nx = 1\n")
    edited = run(repo.root, Config(), options)
    uncached = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, history=False))
    edges = {(d.source, d.target) for d in edited.resolution.dependencies}
    assert ("pkg/b.py", "pkg/c.py") in edges
    assert dumps(edited) == dumps(uncached)
