"""Resolution results reused only when nothing they depend on changed."""

from __future__ import annotations

from pathlib import Path

from archscan.config import Config
from archscan.pipeline import RunOptions, run
from archscan.report.json_report import dumps
from archscan.resolution_cache import FILE_NAME, ResolutionCache


def _committed(make_repo, files: dict[str, str]):  # type: ignore[no-untyped-def]
    """A repository holding ``files``, committed."""
    repo = make_repo()
    for path, text in files.items():
        repo.write(path, text)
    repo.commit("start")
    return repo


def _rows(cache: Path, table: str) -> int:
    stored = ResolutionCache(cache)
    try:
        return int(stored._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        stored.close()


_PKG = {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "x = 1\n"}


def test_reused_when_unchanged_and_recomputed_after_an_edit(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _committed(make_repo, {**_PKG, "pkg/c.py": "y = 2\n"})
    cache = tmp_path / "cache"
    options = RunOptions(cache_dir=cache, jobs=1, history=False)
    first = run(repo.root, Config(), options)
    assert _rows(cache, "resolutions") == 1 and (cache / FILE_NAME).exists()
    again = run(repo.root, Config(), options)
    assert dumps(again) == dumps(first)
    # an edit elsewhere that changes what resolves: a new import of c
    repo.write("pkg/b.py", "import pkg.c\nx = 1\n")
    edited = run(repo.root, Config(), options)
    uncached = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, history=False))
    edges = {(d.source, d.target) for d in edited.resolution.dependencies}
    assert ("pkg/b.py", "pkg/c.py") in edges
    assert dumps(edited) == dumps(uncached)


# --- incremental resolution: a miss resolves only what the last result cannot give ----


def _resolve_step(repo, previous):  # type: ignore[no-untyped-def]
    """The repository resolved whole, and resolved from ``previous``'s per-file results."""
    from archscan.languages.base import ResolverSettings
    from archscan.resolution_cache import resolution_inputs
    from archscan.resolve import resolve_tracked

    analysis = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, history=False))
    settings = ResolverSettings()
    inputs = resolution_inputs(analysis.files, analysis.skipped, settings, "", analysis.facts)
    files, facts = analysis.files, analysis.facts
    whole = resolve_tracked(repo.root, files, facts, settings)
    tracked = resolve_tracked(
        repo.root,
        files,
        facts,
        settings,
        parts=inputs.parts,
        context=inputs.context,
        previous=previous,
    )
    return whole, tracked


def test_incremental_resolution_equals_a_whole_one_over_edits(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "from pkg import helpers\nfrom . import b\n")
    repo.write("pkg/b.py", "import os\nimport requests\n")
    repo.write("pkg/c.py", "def f():\n    import pkg.b\n")
    repo.write("pkg/d.py", "from .missing import x\n")
    for i in range(20):  # files no edit touches: their results are reused
        repo.write(f"other/m{i}.py", f"import other.m{(i + 1) % 20}\n")
    repo.write("other/__init__.py", "")
    repo.commit("start")
    whole, tracked = _resolve_step(repo, None)
    assert tracked.resolution == whole.resolution and tracked.resolved == whole.resolved
    edits = [
        # an import changes in one file
        ("pkg/b.py", "import os\nimport pkg.c\n", None),
        # a new module captures an import that resolved to its package before
        ("pkg/helpers.py", "x = 1\n", None),
        # a module is deleted: its importers resolve to the package again
        (None, None, "pkg/helpers.py"),
        # a namespace folder becomes a package: every name below it changes
        ("other/sub/__init__.py", "", None),
        ("other/sub/deep.py", "from .. import m1\n", None),
    ]
    previous = tracked.reusable
    for write, content, removed in edits:
        if write is not None:
            repo.write(write, content)
        if removed is not None:
            repo.remove(removed)
        repo.commit("edit")
        whole, tracked = _resolve_step(repo, previous)
        assert tracked.resolution == whole.resolution, (write, removed)
        assert tracked.resolved < whole.resolved, (write, removed)  # some were reused
        previous = tracked.reusable
    edges = {(d.source, d.target) for d in tracked.resolution.dependencies}
    assert ("pkg/a.py", "pkg/__init__.py") in edges  # helpers is gone again
    assert ("other/sub/deep.py", "other/m1.py") in edges
    assert any(w.kind == "unresolved-import" for w in tracked.resolution.warnings)


def test_a_new_module_re_resolves_exactly_its_importers(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "from pkg import helpers\n")
    for i in range(10):
        repo.write(f"pkg/m{i}.py", "import pkg\n")
    repo.commit("start")
    _whole, first = _resolve_step(repo, None)
    repo.write("pkg/helpers.py", "x = 1\n")
    repo.commit("add")
    whole, tracked = _resolve_step(repo, first.reusable)
    assert tracked.resolution == whole.resolution
    # the new file and the one importer of its name; the ten others kept their results
    assert tracked.resolved == 2
    assert ("pkg/a.py", "pkg/helpers.py") in {
        (d.source, d.target) for d in tracked.resolution.dependencies
    }


def test_another_context_reuses_nothing(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _committed(make_repo, {"pkg/__init__.py": "", "pkg/a.py": "import pkg\n"})
    _whole, first = _resolve_step(repo, None)
    assert first.reusable is not None
    from dataclasses import replace

    stale = replace(first.reusable, context="another archscan")
    whole, tracked = _resolve_step(repo, stale)
    assert tracked.resolved == whole.resolved == 2


def test_cached_runs_over_import_edits_equal_uncached_ones(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _committed(
        make_repo,
        {
            "svc/__init__.py": "",
            "svc/api.py": "from svc import models\n",
            "svc/models.py": "import svc.db\n",
            "svc/db.py": "x = 1\n",
        },
    )
    cache = tmp_path / "cache"
    cached = RunOptions(cache_dir=cache, jobs=1, history=False)
    uncached = RunOptions(use_cache=False, jobs=1, history=False)
    run(repo.root, Config(), cached)
    for path, content in [
        ("svc/db.py", "import svc.api\n"),  # a cycle appears
        ("svc/extra.py", "from svc import db\n"),
        ("svc/api.py", "from svc import extra\n"),
    ]:
        repo.write(path, content)
        repo.commit("edit")
        assert dumps(run(repo.root, Config(), cached)) == dumps(run(repo.root, Config(), uncached))
    assert _rows(cache, "bases") == 1  # one base for the one root, its last resolution


def test_a_damaged_base_is_only_a_whole_resolution(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    repo = _committed(make_repo, _PKG)
    cache = tmp_path / "cache"
    options = RunOptions(cache_dir=cache, jobs=1, history=False)
    run(repo.root, Config(), options)
    with sqlite3.connect(cache / FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM bases").fetchone()[0] == 1
        db.execute("UPDATE bases SET known = ?, reuse = ?", (b"not a pickle", b"\x80\x05junk"))
    repo.write("pkg/b.py", "import pkg.a\n")
    edited = run(repo.root, Config(), options)
    uncached = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, history=False))
    assert dumps(edited) == dumps(uncached)
    assert ("pkg/b.py", "pkg/a.py") in {
        (d.source, d.target) for d in edited.resolution.dependencies
    }
    with sqlite3.connect(cache / FILE_NAME) as db:  # the base is whole again
        known = db.execute("SELECT known FROM bases").fetchone()[0]
    assert known != b"not a pickle"
    # pickles of the wrong shapes: no base either, never an error
    import pickle

    wrong = pickle.dumps({"pkg/a.py": "junk", "pkg/b.py": ("blob", "python", 7)})
    reuse = pickle.dumps(("context", {"python": []}, {"pkg/a.py": ["x"]}, {}))
    with sqlite3.connect(cache / FILE_NAME) as db:
        db.execute("UPDATE bases SET known = ?, reuse = ?", (wrong, reuse))
    repo.write("pkg/a.py", "import pkg\n")
    again = run(repo.root, Config(), options)
    assert dumps(again) == dumps(
        run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, history=False))
    )


def test_the_least_recently_used_results_are_dropped(tmp_path: Path) -> None:
    """A hit marks its result used (unless it is the newest already: then nothing is
    written); the oldest beyond KEPT are dropped."""
    from archscan.records import Resolution
    from archscan.resolution_cache import KEPT

    stored = ResolutionCache(tmp_path)
    try:
        for index in range(KEPT):
            stored.put(f"k{index}", Resolution({}, (), ()))

        def used(key: str) -> float:
            row = stored._db.execute("SELECT used FROM resolutions WHERE key=?", (key,))
            return float(row.fetchone()[0])

        newest = used(f"k{KEPT - 1}")
        assert stored.get(f"k{KEPT - 1}") is not None
        assert used(f"k{KEPT - 1}") == newest  # the newest already: left as it was
        assert stored.get("k0") is not None  # the oldest, now used: the newest
        assert used("k0") > newest
        stored.put("new", Resolution({}, (), ()))  # one too many: the oldest goes
        keys = {row[0] for row in stored._db.execute("SELECT key FROM resolutions")}
        assert keys == {"k0", "new"} | {f"k{i}" for i in range(2, KEPT)}
    finally:
        stored.close()
