"""The rule registry: options validated from their declaration, every rule on a real
pipeline run of a generated repository, fingerprints that survive line shifts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from archscan.check import CheckInput, effective_specs, evaluate, run_check
from archscan.config import THRESHOLD_KEYS, ConfigError, parse_config
from archscan.records import BoundedContext, ContextsResult, DecompositionQuality
from archscan.rules import RULES, load_rule_pack, parse_pack, rule_spec, threshold_keys
from conftest import GitRepo
from helpers import analyse

COMPONENTS = {
    "api": ["app/api/**"],
    "core": ["app/core/**"],
    "db": ["app/db/**"],
    "billing": ["app/billing/**"],
    "shipping": ["app/shipping/**"],
}

FILES = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "from app.core import service\n\n\ndef view():\n    return service.run()\n",
    "app/core/__init__.py": "",
    "app/core/service.py": "from app.db import store\n\n\ndef run():\n    return store.get()\n",
    "app/db/__init__.py": "",
    "app/db/store.py": "def get():\n    return 1\n",
    "app/db/public.py": "from app.db.store import get\n",
    "app/billing/__init__.py": "",
    "app/billing/invoice.py": "from app.shipping import parcel\n\nX = 1\n",
    "app/shipping/__init__.py": "",
    "app/shipping/parcel.py": "Y = 2\n",
}


def config(rules: list[dict[str, object]], thresholds: dict[str, float] | None = None):  # type: ignore[no-untyped-def]
    table: dict[str, object] = {"components": COMPONENTS, "rules": rules}
    if thresholds:
        table["thresholds"] = thresholds
    return parse_config(table, "test")


@pytest.fixture
def layered(make_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = make_repo("layered")
    for path, text in FILES.items():
        repo.write(path, text)
    repo.commit("start")
    return repo


def names(violations: list) -> list[tuple[str, str, str, int]]:  # type: ignore[type-arg]
    return [(v.name, v.source, v.target, v.line) for v in violations]


def test_threshold_keys_come_from_the_registry() -> None:
    assert threshold_keys() == THRESHOLD_KEYS
    assert {"max_cycles", "max_hotspot_score", "max_cross_component_coupling"} <= set(
        THRESHOLD_KEYS
    )
    assert all(RULES[r].description and RULES[r].reads for r in RULES)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"rule": "forbidden", "source": ["a"], "forbiden": ["b"]}, "'forbiden'"),
        ({"rule": "forbidden", "source": ["a"], "forbidden": [1]}, "forbidden' must be"),
        ({"rule": "layers", "layers": "api", "level": 3}, "level' must be a string"),
        ({"rule": "no-such-rule"}, "unknown rule 'no-such-rule'"),
        ({"rule": "forbidden", "source": ["a"]}, "needs 'forbidden'"),
        ({"rule": "forbidden", "source": [], "forbidden": [], "severity": "fatal"}, "severity"),
    ],
)
def test_bad_rule_entries_are_named(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        rule_spec(entry, "rules[0]")
    with pytest.raises(ConfigError, match=message):
        parse_config({"rules": [entry]}, "test")


def test_thresholds_are_validated_by_their_rule() -> None:
    with pytest.raises(ConfigError, match="max_cycels"):
        parse_config({"thresholds": {"max_cycels": 1}}, "test")
    with pytest.raises(ConfigError, match=r"max_cycles\.max' must be an integer"):
        parse_config({"thresholds": {"max_cycles": 1.5}}, "test")
    with pytest.raises(ConfigError, match="unknown key"):
        parse_pack({"thresholds": {}, "rulez": []}, "p")


def test_packs_combine_thresholds_and_rules() -> None:
    strict = load_rule_pack("strict")
    assert {s.rule for s in strict.specs} >= {"max-cycles", "no-new-cycle"}
    assert all(s.severity == "error" for s in strict.specs)
    # configured thresholds are errors and replace the pack's entry of the same rule
    specs = effective_specs(parse_config({"thresholds": {"max_fan_out": 3}}, "t"))
    fan_out = [s for s in specs if s.rule == "max-fan-out"]
    assert len(fan_out) == 1 and fan_out[0].severity == "error" and fan_out[0].options.max == 3


def test_boundary_rules_on_a_real_repository(layered: GitRepo) -> None:
    settings = config(
        [
            {"rule": "layers", "name": "layers", "layers": ["api", "core", "db"]},
            {"rule": "forbidden", "name": "no-db-to-api", "source": ["db"], "forbidden": ["api"]},
            {"rule": "allowed", "name": "api-only-core", "source": ["api"], "allowed": ["core"]},
            {"rule": "independence", "name": "indep", "members": ["billing", "shipping"]},
            {
                "rule": "interface",
                "name": "db-iface",
                "component": "db",
                "interface": ["app/db/public.py"],
            },
        ]
    )
    analysis = analyse(layered.root, settings)
    found, _ = evaluate(analysis, settings.rules, "archscan.toml")
    assert names(found) == [
        ("indep", "app/billing/invoice.py", "app/shipping/parcel.py", 1),
        ("db-iface", "app/core/service.py", "app/db/store.py", 1),
    ]
    # now break the layers: db imports api (line 3 of a new file)
    layered.write("app/db/bad.py", "import os\n\nfrom app.api import views\n")
    layered.commit("break")
    broken = analyse(layered.root, settings)
    found, _ = evaluate(broken, settings.rules, "archscan.toml")
    bad = [v for v in found if v.file == "app/db/bad.py"]
    assert {v.name for v in bad} == {"layers", "no-db-to-api"}
    assert {v.line for v in bad} == {3}
    assert all(
        "app/db/bad.py (db) imports app/api/views.py (api) at line 3" in v.message for v in bad
    )


def test_unknown_component_names_are_configuration_errors(layered: GitRepo) -> None:
    settings = config([{"rule": "forbidden", "source": ["dbb"], "forbidden": ["api"]}])
    analysis = analyse(layered.root, settings)
    with pytest.raises(ConfigError, match=r"unknown component.*dbb"):
        evaluate(analysis, settings.rules, "archscan.toml")


def test_fingerprints_ignore_line_numbers(layered: GitRepo) -> None:
    settings = config([{"rule": "forbidden", "source": ["db"], "forbidden": ["api"]}])
    layered.write("app/db/bad.py", "from app.api import views\n")
    layered.commit("bad")
    first, _ = evaluate(analyse(layered.root, settings), settings.rules, "x")
    layered.write("app/db/bad.py", "import os\nimport sys\n\nfrom app.api import views\n")
    layered.commit("moved")
    second, _ = evaluate(analyse(layered.root, settings), settings.rules, "x")
    assert [v.line for v in first] == [1] and [v.line for v in second] == [4]
    assert [v.fingerprint for v in first] == [v.fingerprint for v in second]


def test_threshold_rules_and_the_configuration_file_location(layered: GitRepo) -> None:
    layered.write("app/db/store.py", "from app.core import service\n\n\ndef get():\n    return 1\n")
    layered.write(
        "app/core/big.py",
        "def f(a):\n" + "".join(f"    if a == {i}:\n        return {i}\n" for i in range(12)),
    )
    layered.commit("worse")
    settings = config(
        [],
        {
            "max_cycles": 0,
            "max_cycle_size": 1,
            "max_propagation_cost": 0.01,
            "max_function_complexity": 10,
            "max_file_complexity": 10,
            "max_fan_out": 0,
        },
    )
    analysis = analyse(layered.root, settings)
    found, _ = evaluate(analysis, effective_specs(settings), "pyproject.toml")
    by_rule = {v.rule: v for v in found}
    assert by_rule["max-cycles"].file == "pyproject.toml"  # no natural file
    assert by_rule["max-propagation-cost"].file == "pyproject.toml"
    assert by_rule["max-function-complexity"].file == "app/core/big.py"
    assert by_rule["max-function-complexity"].line == 1
    assert by_rule["max-cycle-size"].source == "app/core/service.py"
    cycle_edges = {(v.source, v.target) for v in found if v.rule == "no-new-cycle"}
    assert cycle_edges == {
        ("app/core/service.py", "app/db/store.py"),
        ("app/db/store.py", "app/core/service.py"),
    }
    # no reference: the cycle edges are not failures, the other errors are
    result, _ = run_check(
        CheckInput(analysis=analysis, specs=effective_specs(settings), config_file="x")
    )
    assert {f.status for f in result.findings if f.violation.rule == "no-new-cycle"} == {
        "unreferenced"
    }
    assert result.exit_code == 1


def test_context_rules_accept_context_names_and_ids(layered: GitRepo) -> None:
    analysis = analyse(layered.root, config([]))
    contexts = ContextsResult(
        contexts=(
            BoundedContext("c1", "sales", ("app/billing/invoice.py",), 2, 1.0, 1.0),
            BoundedContext("c2", "logistics", ("app/shipping/parcel.py",), 1, 1.0, 1.0),
        ),
        edges=(),
        quality=DecompositionQuality(2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        signals=("structure",),
    )
    with_contexts = replace(analysis, contexts=contexts)
    spec = rule_spec(
        {"rule": "forbidden", "source": ["c1"], "forbidden": ["logistics"], "level": "context"},
        "rules[0]",
    )
    found, _ = evaluate(with_contexts, [spec], "x")
    assert names(found) == [("forbidden", "app/billing/invoice.py", "app/shipping/parcel.py", 1)]
    with pytest.raises(ConfigError, match="no contexts"):
        evaluate(replace(analysis, contexts=None), [spec], "x")


def test_history_rules(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo("hist")
    for i in range(6):
        repo.write("a/x.py", f"def f(v):\n    if v:\n        return {i}\n    return 0\n")
        repo.write("b/y.py", f"Y = {i}\n")
        repo.commit(f"c{i}", date=f"2024-01-0{i + 1}T12:00:00+00:00")
    settings = parse_config(
        {
            "components": {"a": ["a/**"], "b": ["b/**"]},
            "thresholds": {"max_cross_component_coupling": 50, "max_hotspot_score": 10},
        },
        "t",
    )
    analysis = analyse(repo.root, settings)
    found, notes = evaluate(analysis, effective_specs(settings), "x")
    rules = {v.rule: v for v in found}
    pair = rules["max-cross-component-coupling"]
    assert {pair.source, pair.target} == {"a/x.py", "b/y.py"}
    assert "degree 100%" in pair.message
    assert rules["max-hotspot-score"].source == "a/x.py"  # 6 revisions x complexity 2
    no_history = replace(analysis, history=None)
    _found, notes = evaluate(no_history, effective_specs(settings), "x")
    assert any("needs the git history" in n for n in notes)


@pytest.mark.parametrize("name", ["../outside.json", "/etc/baseline.json", "a/../../b.json"])
def test_the_baseline_stays_inside_the_repository(name: str) -> None:
    with pytest.raises(ConfigError, match="inside the repository"):
        parse_config({"check": {"baseline": name}}, "test")


def test_sarif_stops_at_25000_results_and_says_so() -> None:
    from archscan.check import CheckResult, Finding
    from archscan.report.sarif import MAX_RESULTS, sarif_document
    from archscan.rules import Violation

    spec = rule_spec({"rule": "max-fan-out", "max": 0}, "rules[0]")
    findings = tuple(
        Finding(Violation("max-fan-out", "m", f"f{i}.py", 1, f"f{i}.py"), "new")
        for i in range(MAX_RESULTS + 3)
    )
    result = CheckResult(findings=findings, fixed=(), stale=(), specs=(spec,), notes=())
    run = sarif_document(result)["runs"][0]
    assert len(run["results"]) == MAX_RESULTS
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("3 more results")


def test_an_internal_error_exits_3_not_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from archscan import cli

    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "app", broken)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 3
