"""The strangler-fig plan: ranking, waves, anti-corruption dependencies with lines, the
minimum edge cut (checked against brute force), table strategies."""

from __future__ import annotations

from itertools import combinations

from archscan.assess.plan import PlanInput, run_extraction_plan
from archscan.assess.rules import default_rules
from archscan.assess.units import (
    Units,
    in_units,
    resolve_units,
    split_dominant,
    top_level_package,
)
from archscan.records import Analysis, DataAccessResult, ExtractionPlan, TableAccess
from helpers import analyse


def _repo(make_repo):  # type: ignore[no-untyped-def]
    """orders uses a helper of shared that only it uses (the helper uses shared's core),
    billing is self-contained, web uses orders and billing."""
    repo = make_repo()
    repo.write("shared/__init__.py", "")
    repo.write("shared/core.py", "def base():\n    return 1\n")
    repo.write("shared/helper.py", "from shared.core import base\n")
    repo.write("shared/other.py", "from shared.core import base\n")
    repo.write("orders/__init__.py", "")
    repo.write("orders/a.py", "import os\n\nfrom shared.helper import *\n")
    repo.write("orders/b.py", "from shared.helper import *\nfrom orders import a\n")
    repo.write("billing/__init__.py", "")
    repo.write("billing/x.py", "X = 1\n")
    repo.write("billing/y.py", "from billing import x\n")
    repo.write("web/__init__.py", "")
    repo.write("web/app.py", "from orders import a\nfrom billing import x\n")
    repo.write("web/urls.py", "from web import app\n")
    for n in range(3):
        repo.write("orders/b.py", f"from shared.helper import *\nfrom orders import a\nN = {n}\n")
        repo.commit(f"c{n}", date=f"2024-01-0{n + 1}T12:00:00+00:00")
    return repo


def _units(analysis: Analysis) -> Units:
    return resolve_units(
        (f.path for f in analysis.structure.files),
        {f.path: f.role for f in analysis.files},
        analysis.view_roles,
        analysis.boundaries,
        None,
        analysis.resolution.dependencies,
    )


def _plan(analysis: Analysis, data: DataAccessResult | None = None) -> ExtractionPlan:
    units = _units(analysis)
    plan, _warnings = run_extraction_plan(
        PlanInput(
            units=units,
            dependencies=analysis.resolution.dependencies,
            facts=analysis.facts,
            history=analysis.history,
            teams=None,  # the pipeline's teams speak of its units (contexts), not these
            data_access=data,
            rules=default_rules().extraction,
        )
    )
    return plan


def _brute_force_cut(analysis: Analysis, unit: str) -> int:
    """Fewest file edges between {unit's files + any subset of the rest's files that touch
    it} and the rest: the documented definition, by enumeration."""
    of = _units(analysis).of
    edges = [(d.source, d.target) for d in analysis.resolution.dependencies]
    edges = [(a, b) for a, b in edges if a in of and b in of]
    members = {p for p, u in of.items() if u == unit}
    touching = sorted(
        {b if a in members else a for a, b in edges if (a in members) != (b in members)}
    )
    best = len(edges)
    for size in range(len(touching) + 1):
        for extra in combinations(touching, size):
            side = members | set(extra)
            best = min(best, sum((a in side) != (b in side) for a, b in edges))
    return best


def test_minimum_cut_acl_and_first_step(make_repo) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(_repo(make_repo).root)
    plan = _plan(analysis)
    by_unit = {c.unit: c for c in plan.candidates}
    orders = by_unit["orders"]
    # two edges into shared/helper.py cross; taking the helper along leaves one (helper->core)
    assert orders.crossing_edges == 3  # a->helper, b->helper, web/app->a
    assert orders.cut_size == _brute_force_cut(analysis, "orders") == 2
    assert orders.move_files == ("shared/helper.py",)
    cut = {(d.source, d.target) for d in orders.cut}
    assert cut == {("shared/helper.py", "shared/core.py"), ("web/app.py", "orders/a.py")}
    # the anti-corruption layer translates orders' own outgoing dependencies, with lines
    acl = {(d.source, d.target, d.unit, d.lines) for d in orders.acl}
    assert acl == {
        ("orders/a.py", "shared/helper.py", "shared", (3,)),
        ("orders/b.py", "shared/helper.py", "shared", (1,)),
    }
    assert orders.dependents == ("web",) and orders.depends_on == ("shared",)
    assert orders.first_step.startswith("Take shared/helper.py into orders")
    billing = by_unit["billing"]
    assert billing.cut_size == _brute_force_cut(analysis, "billing") == 1
    assert billing.move_files == ()
    # the composition root (depends on others, nothing depends on it) stays behind
    assert "web" in plan.core and "web" not in by_unit


def test_ranking_and_waves(make_repo) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(analyse(_repo(make_repo).root))
    ranks = [c.rank for c in plan.candidates]
    assert ranks == list(range(1, len(ranks) + 1))
    scores = [c.score for c in plan.candidates]
    assert scores == sorted(scores, reverse=True)
    size = default_rules().extraction.wave_size
    for wave in plan.waves:
        assert 1 <= len(wave.units) <= size
    assert [c.unit for c in plan.candidates] == [u for w in plan.waves for u in w.units]
    assert set(plan.kept).isdisjoint(c.unit for c in plan.candidates)


def test_table_strategies(make_repo) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(_repo(make_repo).root)
    data = DataAccessResult(
        tables=(
            TableAccess(name="order", writers=("orders/a.py",), references=("rate",)),
            TableAccess(name="customer", writers=("orders/a.py",), readers=("billing/x.py",)),
            TableAccess(name="stock", writers=("orders/b.py", "billing/y.py")),
            TableAccess(name="rate", writers=("billing/x.py",), readers=("orders/b.py",)),
        )
    )
    plan = _plan(analysis, data)
    orders = next(c for c in plan.candidates if c.unit == "orders")
    strategies = {t.name: t.strategy for t in orders.tables}
    assert strategies == {
        "order": "database-per-service",
        "customer": "event-synchronisation",
        "stock": "shared-schema-partitioned",
        "rate": "event-synchronisation",
    }
    assert orders.shared_tables == 3
    order = next(t for t in orders.tables if t.name == "order")
    assert order.reason.endswith("its foreign keys to rate become ID references")
    assert dict(orders.factors)["data"] == 0.25
    assert "give stock a single owner" in orders.first_step
    assert plan.data_available


def test_single_unit_has_no_candidates(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("lib/a.py", "X = 1\n")
    repo.write("lib/b.py", "from lib import a\n")
    repo.commit()
    analysis = analyse(repo.root)
    plan = analysis.extraction_plan
    assert plan is not None
    assert plan.candidates == () and plan.kept == ("lib",)
    assert any(w.kind == "extraction-single-unit" for w in analysis.warnings)


def test_units_are_top_level_packages_split_while_one_dominates() -> None:
    files = [
        "src/shop/orders/a.py",
        "src/shop/orders/b.py",
        "src/shop/billing/c.py",
        "src/shop/settings.py",
        "scripts/x.py",
        "setup.py",
    ]
    of, shells = split_dominant({p: top_level_package(p) for p in files})
    assert of == {
        "src/shop/orders/a.py": "src/shop/orders",
        "src/shop/orders/b.py": "src/shop/orders",
        "src/shop/billing/c.py": "src/shop/billing",
        "src/shop/settings.py": "src/shop",
        "scripts/x.py": "scripts",
        "setup.py": "(root)",
    }
    assert shells == {"src/shop"}  # what stays directly in a split package is its shell
    # a package without sub-folders cannot be split
    alone, none = split_dominant({"src/lib/a.py": "src/lib", "src/lib/b.py": "src/lib"})
    assert set(alone.values()) == {"src/lib"} and none == set()
    assert not in_units(".github/scripts/x.py", "production", ("production",))
    assert not in_units("tests/test_a.py", "test", ("production",))
    assert in_units("src/shop/orders/a.py", "production", ("production",))


def test_django_project_is_platform_not_a_candidate(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("manage.py", "import os\n")
    repo.write("site/__init__.py", "")
    repo.write("site/settings.py", "INSTALLED_APPS = ['shop', 'blog']\n")
    repo.write("site/urls.py", "from shop import views\nfrom blog import views as b\n")
    repo.write("site/wsgi.py", "from site import settings\n")
    for app in ("shop", "blog"):
        repo.write(f"{app}/__init__.py", "")
        repo.write(f"{app}/apps.py", "class Config:\n    name = 'x'\n")
        repo.write(f"{app}/models.py", "X = 1\n")
        repo.write(f"{app}/views.py", f"from {app} import models\n")
    repo.commit()
    analysis = analyse(repo.root)
    units = _units(analysis)
    assert units.kind == "component"
    plan = _plan(analysis)
    project = {u for u in units.names if u in units.platform}
    assert "site" in project
    assert project.isdisjoint(c.unit for c in plan.candidates)
    assert project <= set(plan.kept)
    assert {"shop", "blog"} <= {c.unit for c in plan.candidates} | set(plan.kept)
