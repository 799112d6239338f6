"""Per-file caches of data access and service links, and the resolution cache's key:
a cached re-run gives the uncached result; changed files (and files whose scan read a
changed cross-file fact) are recomputed; a damaged cache is a miss."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from archscan.config import Config
from archscan.pipeline import RunOptions, run
from archscan.records import Analysis
from archscan.report.json_report import dumps
from archscan.resolution_cache import FILE_NAME as RESOLUTIONS
from archscan.resolution_cache import resolution_inputs
from archscan.stage_cache import FILE_NAME as STAGES

_COMPOSE = """services:
  web:
    build: ./web
  orders:
    build: ./orders
"""
_MAPPER = """<?xml version="1.0" encoding="UTF-8"?>
<mapper namespace="org.shop.OrderMapper">
  <select id="all">SELECT * FROM ORDERS</select>
</mapper>
"""
_FILES = {
    "docker-compose.yml": _COMPOSE,
    "web/app.py": 'import requests\n\ndef go():\n    return requests.get("http://orders:8080/x")\n',
    "orders/models.py": "from django.db import models\n\nclass Invoice(models.Model):\n    pass\n",
    "orders/dao.py": 'def f(c):\n    c.execute("UPDATE orders_invoice SET paid = 1")\n',
    "shop/ShopContext.cs": "public class ShopContext : DbContext {\n"
    "  public DbSet<Order> Orders { get; set; }\n}\n",
    "shop/OrderService.cs": "class OrderService {\n  ShopContext _db;\n"
    "  void Place(Order o) { _db.Orders.Add(o); }\n"
    "  int Count() => _db.Baskets.Count();\n}\n",
    "src/main/resources/org/shop/OrderMapper.xml": _MAPPER,
}


def _options(cache: Path) -> RunOptions:
    return RunOptions(cache_dir=cache, jobs=1, history=False)


def _cached(root: Path, cache: Path) -> Analysis:
    return run(root, Config(), _options(cache))


def _uncached(root: Path) -> Analysis:
    return run(root, Config(), RunOptions(use_cache=False, jobs=1, history=False))


def _entries(cache: Path) -> dict[str, int]:
    with sqlite3.connect(cache / STAGES) as db:
        return dict(db.execute("SELECT stage, COUNT(*) FROM entries GROUP BY stage").fetchall())


def _build(make_repo: Any) -> Any:
    repo = make_repo()
    for path, text in _FILES.items():
        repo.write(path, text)
    repo.commit()
    return repo


def _tables(analysis: Analysis) -> dict[str, Any]:
    return {t.name: t for t in analysis.data_access.tables}


def test_a_cached_re_run_is_the_uncached_result(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _build(make_repo)
    cache = tmp_path / "cache"
    first = _cached(repo.root, cache)
    # per file for data access and links; one vocabulary entry for the whole run
    # per file for the scans; the vocabulary, the clustering and the roles (a snapshot):
    # one per state
    assert _entries(cache) == {
        "data-access": 6,
        "service-links": 5,
        "contexts-vocabulary": 1,
        "contexts-clustering": 1,
        "roles": 1,
    }
    again = _cached(repo.root, cache)
    assert dumps(again) == dumps(first) == dumps(_uncached(repo.root))
    assert _tables(first)["orders_invoice"].writers == ("orders/dao.py",)
    assert "src/main/resources/org/shop/OrderMapper.xml" in _tables(first)["orders"].readers
    assert "baskets" not in _tables(first)  # OrderService.cs names a set nobody declares
    assert [(link.source, link.target) for link in first.service_links.links] == [("web", "orders")]


def test_changed_files_and_what_they_feed_are_recomputed(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _build(make_repo)
    cache = tmp_path / "cache"
    _cached(repo.root, cache)
    # the context declares a new set: the unchanged OrderService.cs now writes baskets
    repo.write(
        "shop/ShopContext.cs",
        "public class ShopContext : DbContext {\n  public DbSet<Order> Orders { get; set; }\n"
        "  public DbSet<Basket> Baskets { get; set; }\n}\n",
    )
    repo.write("web/app.py", "def go():\n    return None\n")  # the HTTP call is gone
    repo.write("orders/dao.py", 'def f(c):\n    c.execute("DELETE FROM orders_invoice")\n')
    # the mapper's interface appears: the unchanged mapper XML now names it too
    repo.write("src/main/java/org/shop/OrderMapper.java", "public interface OrderMapper {}\n")
    repo.commit("edit")
    edited = _cached(repo.root, cache)
    assert dumps(edited) == dumps(_uncached(repo.root))
    tables = _tables(edited)
    assert "shop/OrderService.cs" in tables["baskets"].readers
    assert tables["orders_invoice"].writers == ("orders/dao.py",)
    assert "src/main/java/org/shop/OrderMapper.java" in tables["orders"].readers
    assert edited.service_links.links == ()


def test_a_damaged_stage_cache_is_a_miss(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _build(make_repo)
    cache = tmp_path / "cache"
    expected = dumps(_uncached(repo.root))
    _cached(repo.root, cache)
    with sqlite3.connect(cache / STAGES) as db:  # entries that do not unpickle
        db.execute("UPDATE entries SET value = x'80ff00'")
    assert dumps(_cached(repo.root, cache)) == expected
    for suffix in ("-wal", "-shm"):
        Path(f"{cache / STAGES}{suffix}").unlink(missing_ok=True)
    (cache / STAGES).write_bytes(b"this is not a database" * 100)  # a damaged file
    assert dumps(_cached(repo.root, cache)) == expected
    assert _entries(cache) == {  # rebuilt
        "data-access": 6,
        "service-links": 5,
        "contexts-vocabulary": 1,
        "contexts-clustering": 1,
        "roles": 1,
    }


def test_resolution_is_reused_across_edits_resolvers_do_not_read(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "import pkg.b\n\n\ndef f():\n    return 1\n")
    repo.write("pkg/b.py", "x = 1\n")
    repo.commit("start")

    def key(root: Path) -> str:
        analysis = _uncached(root)
        files, skipped, facts = analysis.files, analysis.skipped, analysis.facts
        return resolution_inputs(files, skipped, _settings(), "", facts).key

    before = key(repo.root)
    # a function body grows: new blob, SLOC and complexity, the same imports
    repo.write("pkg/a.py", "import pkg.b\n\n\ndef f():\n    if pkg.b.x:\n        return 2\n")
    assert key(repo.root) == before
    repo.write("pkg/a.py", "import pkg.b\nimport pkg\n\n\ndef f():\n    return 1\n")
    assert key(repo.root) != before  # a new import: resolved again


def _settings() -> Any:
    from archscan.languages.base import ResolverSettings

    return ResolverSettings()


def test_a_changed_file_the_resolver_read_is_a_miss(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    initializer = "config/initializers/inflections.rb"
    inflections = "Inflector.inflections(:en) do |inflect|\n  inflect.acronym '{}'\nend\n"
    repo.write(initializer, inflections.format("API"))
    repo.write("app/controllers/api/users_controller.rb", "module API\n  class X; end\nend\n")
    repo.commit()
    cache = tmp_path / "cache"
    controller = "app/controllers/api/users_controller.rb"
    assert _cached(repo.root, cache).resolution.modules[controller] == "API::UsersController"
    # the same facts (a string literal changed), another acronym: the stored result is stale
    repo.write(initializer, inflections.format("APX"))
    edited = _cached(repo.root, cache)
    assert edited.resolution.modules[controller] == "Api::UsersController"
    assert dumps(edited) == dumps(_uncached(repo.root))
    assert (cache / RESOLUTIONS).exists()


def test_compiled_templates_render_the_same_bytes(tmp_path: Path) -> None:
    from archscan.report.registry import REPORTERS, RenderOptions
    from report_support import fixed_document

    cache = tmp_path / "cache"
    for name in ("md", "html"):
        reporter = REPORTERS[name]
        expected = reporter.render(fixed_document(), RenderOptions())
        compiled = reporter.render(fixed_document(), RenderOptions(cache_dir=cache))
        (stored,) = (cache / "templates" / name).iterdir()
        assert reporter.render(fixed_document(), RenderOptions(cache_dir=cache)) == expected
        assert compiled == expected
        stored.write_bytes(b"damaged")  # a damaged entry: compiled again
        assert reporter.render(fixed_document(), RenderOptions(cache_dir=cache)) == expected


_SHOP = {
    "shop/orders/models.py": "class Order:\n    total = 0\n",
    "shop/orders/views.py": "from shop.orders.models import Order\n\ndef show():\n"
    "    return Order()\n",
    "shop/orders/forms.py": "from shop.orders.models import Order\n\ndef form():\n"
    "    return Order\n",
    "shop/billing/invoice.py": "class Invoice:\n    paid = False\n",
    "shop/billing/pay.py": "from shop.billing.invoice import Invoice\n\ndef pay():\n"
    "    return Invoice()\n",
    "shop/billing/refund.py": "from shop.billing.invoice import Invoice\n\ndef back():\n"
    "    return Invoice\n",
    "tests/test_orders.py": "from shop.orders.views import show\n\ndef test_show():\n"
    "    assert show()\n",
}


def _with_history(root: Path, cache: Path | None) -> Analysis:
    options = RunOptions(cache_dir=cache, use_cache=cache is not None, jobs=1)
    return run(root, Config(), options)


def _clusterings(cache: Path) -> list[tuple[str, float]]:
    with sqlite3.connect(cache / STAGES) as db:
        query = "SELECT key, stored FROM entries WHERE stage = 'contexts-clustering'"
        return sorted(db.execute(query).fetchall())


def test_the_clustering_is_reused_while_its_inputs_are_the_same(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for path, text in _SHOP.items():
        repo.write(path, text)
    repo.commit("shop")
    repo.write("shop/orders/views.py", _SHOP["shop/orders/views.py"] + "\n# co-changed\n")
    repo.write("shop/billing/pay.py", _SHOP["shop/billing/pay.py"] + "\n# co-changed\n")
    repo.commit("a pair across the packages", date="2024-01-02T12:00:00+00:00")
    cache = tmp_path / "cache"
    first = _with_history(repo.root, cache)
    assert first.contexts is not None and first.contexts.contexts
    stored = _clusterings(cache)
    assert len(stored) == 1
    # a commit that touches one test only: no co-change among production files, no
    # import changed: the stored clustering is read, not written again
    repo.write("tests/test_orders.py", _SHOP["tests/test_orders.py"] + "\n# more\n")
    repo.commit("a test", date="2024-01-03T12:00:00+00:00")
    again = _with_history(repo.root, cache)
    assert _clusterings(cache) == stored
    assert dumps(again) == dumps(_with_history(repo.root, None))
    # two production files changed together: the fused graph changed, a new clustering
    repo.write("shop/orders/models.py", _SHOP["shop/orders/models.py"] + "\n# again\n")
    repo.write("shop/billing/invoice.py", _SHOP["shop/billing/invoice.py"] + "\n# again\n")
    repo.commit("another pair", date="2024-01-04T12:00:00+00:00")
    edited = _with_history(repo.root, cache)
    assert len(_clusterings(cache)) == 2
    assert dumps(edited) == dumps(_with_history(repo.root, None))


def test_the_clustering_key_compares_values_not_objects() -> None:
    from archscan.contexts.stored import value_digest

    path = "shop/orders/models.py"
    same = "".join(["shop/orders/", "models.py"])  # equal, another object
    assert same is not path
    shared = [((path, "b.py"), 0.5), ((path, "c.py"), 0.25)]
    apart = [((same, "b.py"), 0.5), (("shop/orders/models.py"[:], "c.py"), 0.25)]
    assert value_digest(shared) == value_digest(apart)
    assert value_digest(shared) != value_digest([((path, "b.py"), 0.5), ((path, "c.py"), 0.26)])
    assert value_digest(shared, 1) != value_digest(shared, 2)


def test_data_access_reads_a_base_per_root_and_rewrites_it_only_after_drift(
    make_repo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Every file's record of the last run, as one entry: with the per-file entries
    deleted the scans still come from it; one changed file is read from its own entry
    and leaves the base alone; 70 changed files rewrite it."""
    from archscan.data_access.stage import _BASE

    repo = make_repo()
    for i in range(80):
        repo.write(f"dao/d{i}.py", f'def f(c):\n    c.execute("UPDATE t{i} SET x = 1")\n')
    repo.commit()
    cache = tmp_path / "cache"
    first = _cached(repo.root, cache)
    assert _entries(cache)[_BASE] == 1 and _entries(cache)["data-access"] == 80

    def base_blob() -> bytes:
        with sqlite3.connect(cache / STAGES) as db:
            return db.execute("SELECT value FROM entries WHERE stage=?", (_BASE,)).fetchone()[0]

    with sqlite3.connect(cache / STAGES) as db:
        db.execute("DELETE FROM entries WHERE stage='data-access'")
    again = _cached(repo.root, cache)
    # nothing scanned again (a scan would have stored its file's entry), the same result
    assert _entries(cache).get("data-access", 0) == 0
    assert dumps(again) == dumps(first)
    stored = base_blob()
    repo.write("dao/d7.py", 'def f(c):\n    c.execute("UPDATE moved SET x = 1")\n')
    repo.commit()
    one = _cached(repo.root, cache)
    assert "moved" in {t.name for t in one.data_access.tables}
    assert base_blob() == stored  # one file drifted: it has its own entry
    assert dumps(one) == dumps(_uncached(repo.root))
    for i in range(70):
        repo.write(f"dao/d{i}.py", f'def f(c):\n    c.execute("DELETE FROM n{i}")\n')
    repo.commit()
    many = _cached(repo.root, cache)
    assert base_blob() != stored
    assert dumps(many) == dumps(_uncached(repo.root))
    assert "n69" in {t.name for t in many.data_access.tables}


def test_library_version_is_the_installed_distributions() -> None:
    """Read from the .dist-info folder's name beside the package, without importing it:
    the same as importlib.metadata's answer, for the libraries the fingerprints name and
    for a distribution whose name and package differ; a name with no package falls back
    to importlib.metadata (and its error)."""
    from importlib.metadata import PackageNotFoundError, version

    import pytest

    from archscan.stage_cache import library_version

    for distribution, module in (
        ("sqlglot", "sqlglot"),
        ("graspologic-native", "graspologic_native"),
        ("PyYAML", "yaml"),
    ):
        assert library_version(distribution, module) == version(distribution)
    assert library_version("pytest", "no_such_module_here") == version("pytest")
    with pytest.raises(PackageNotFoundError):
        library_version("no-such-distribution", "no_such_module_here")
