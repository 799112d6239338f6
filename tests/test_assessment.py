"""The readiness verdict: real repositories through the pipeline, contract records of the
later stages (data access, service links, contexts) as real input data, rules validation."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from archscan.assess.definitions import SIGNAL_IDS
from archscan.assess.rules import RulesError, apply_table, default_rules, rules_file
from archscan.assess.stage import AssessmentInput, run_assessment
from archscan.assess.units import resolve_units
from archscan.assess.verdict import decide
from archscan.config import Config, ConfigError, load_config, parse_config
from archscan.pipeline import RunOptions, run
from archscan.records import (
    Analysis,
    BoundedContext,
    ContextsResult,
    DataAccessResult,
    DecompositionQuality,
    ServiceLinksResult,
    Signal,
    TableAccess,
)
from archscan.report.json_report import analysis_to_dict, dumps
from archscan.resources import schema_path
from conftest import assert_json_native
from helpers import analyse


def _day(n: int) -> str:
    return f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}T12:00:00+00:00"


def _library(make_repo):  # type: ignore[no-untyped-def]
    """A small single-author library with a test folder."""
    repo = make_repo()
    repo.write("src/lib/__init__.py", "")
    repo.write("src/lib/core.py", "def run(x):\n    return x if x else 0\n")
    repo.write("src/lib/api.py", "from lib.core import run\n")
    repo.write("tests/test_core.py", "from lib.core import run\n")
    for n in range(6):
        repo.write("src/lib/core.py", f"def run(x):\n    return x if x else {n}\n")
        repo.commit(f"c{n}", date=_day(n + 1))
    return repo


def _assess(analysis: Analysis, **contracts: object):  # type: ignore[no-untyped-def]
    """run_assessment on a real analysis, with later stages' records as given."""
    merged = replace(analysis, **contracts)  # type: ignore[arg-type]
    units = resolve_units(
        (f.path for f in merged.structure.files),
        {f.path: f.role for f in merged.files},
        merged.view_roles,
        merged.boundaries,
        merged.contexts,
        merged.resolution.dependencies,
    )
    return run_assessment(
        AssessmentInput(
            units=units,
            paths=[f.path for f in merged.files],
            boundaries=merged.boundaries,
            dependencies=merged.resolution.dependencies,
            structure=merged.structure,
            facts=merged.facts,
            history=merged.history,
            teams=merged.teams,
            contexts=merged.contexts,
            data_access=merged.data_access,
            service_links=merged.service_links,
            rules=default_rules(),
        )
    )


def test_small_library_stays_a_monolith(make_repo) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(_library(make_repo).root)
    result = analysis.assessment
    assert result is not None
    assert result.verdict == "stay-monolith"
    assert [s.id for s in result.signals] == list(SIGNAL_IDS)
    signals = {s.id: s for s in result.signals}
    assert signals["team_size"].value == 1 and signals["team_size"].score == -1.0
    # the data-access stage ran and found no database: available, nothing shared
    assert signals["shared_tables"].available and signals["shared_tables"].value == 0
    assert 0 < result.confidence <= 1
    data = analysis_to_dict(analysis)
    assert_json_native(data)
    jsonschema.validate(data, json.loads(schema_path().read_text()))
    assert data["assessment"]["verdict"] == "stay-monolith"
    assert {s["id"] for s in data["assessment"]["signals"]} == set(SIGNAL_IDS)


def test_without_history_the_verdict_still_comes_with_less_confidence(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = _library(make_repo).root
    with_history = analyse(root).assessment
    without = run(root, Config(), RunOptions(use_cache=False, jobs=1, history=False))
    result = without.assessment
    assert result is not None and with_history is not None
    assert result.verdict in ("stay-monolith", "modular-monolith-first")
    unavailable = {s.id for s in result.signals if not s.available}
    assert {"team_size", "author_groups", "co_change_crossing", "change_rate"} <= unavailable
    assert result.coverage < with_history.coverage
    assert result.confidence < with_history.confidence
    assert any(w.kind == "assessment-partial" for w in without.warnings)
    assert without.teams is None
    jsonschema.validate(analysis_to_dict(without), json.loads(schema_path().read_text()))


def test_same_input_same_verdict(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _library(make_repo).root
    first = dumps(run(root, Config(), RunOptions(cache_dir=tmp_path / "c")))
    second = dumps(run(root, Config(), RunOptions(use_cache=False, jobs=1)))
    assert first == second


def _services(make_repo, count: int, together: bool):  # type: ignore[no-untyped-def]
    """``count`` services with their own Dockerfile; commits change two at once or one."""
    repo = make_repo()
    for n in range(count):
        repo.write(f"services/svc{n}/Dockerfile", "FROM python:3.12\n")
        repo.write(f"services/svc{n}/app.py", "def main():\n    return 0\n")
    repo.commit("start", date=_day(0))
    for n in range(6):
        repo.write("services/svc0/app.py", f"def main():\n    return {n}\n")
        if together:
            repo.write("services/svc1/app.py", f"def main():\n    return {n}\n")
        repo.commit(f"c{n}", date=_day(n + 1))
    return repo


def test_services_changing_together_are_a_distributed_monolith(make_repo) -> None:  # type: ignore[no-untyped-def]
    result = analyse(_services(make_repo, 3, together=True).root).assessment
    assert result is not None
    assert result.verdict == "already-distributed"
    assert result.warnings == ("distributed-monolith",)
    detail = result.warning_details[0]
    assert "6 of 6 commits" in detail.reason
    assert detail.evidence[0] == "services/svc0 + services/svc1: 6 commits"


def test_independent_services_are_no_distributed_monolith(make_repo) -> None:  # type: ignore[no-untyped-def]
    result = analyse(_services(make_repo, 3, together=False).root).assessment
    assert result is not None
    assert result.verdict == "already-distributed"
    assert result.warnings == ()


def test_hundreds_of_services(make_repo) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(_services(make_repo, 200, together=True).root)
    assert analysis.assessment is not None
    assert analysis.assessment.verdict == "already-distributed"
    deployables = next(s for s in analysis.assessment.signals if s.id == "deployables")
    assert deployables.value == 200
    assert analysis.extraction_plan is not None
    jsonschema.validate(analysis_to_dict(analysis), json.loads(schema_path().read_text()))


def test_contract_records_feed_the_signals(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for unit in ("billing", "orders"):
        repo.write(f"{unit}/__init__.py", "")
        repo.write(f"{unit}/models.py", "X = 1\n")
        repo.write(f"{unit}/views.py", f"from {unit} import models\n")
    repo.commit(date=_day(1))
    analysis = analyse(repo.root)
    shared = TableAccess(
        name="invoice", writers=("billing/models.py", "orders/views.py"), readers=()
    )
    own = TableAccess(name="order", writers=("orders/models.py",), readers=("orders/views.py",))
    result, _warnings = _assess(analysis, data_access=DataAccessResult(tables=(shared, own)))
    signals = {s.id: s for s in result.signals}
    assert signals["shared_tables"].available and signals["shared_tables"].value == 1
    assert signals["shared_tables"].score < 0
    assert "invoice" in signals["shared_tables"].reason
    # no database at all: available, nothing shared
    result, _warnings = _assess(analysis, data_access=DataAccessResult())
    none = next(s for s in result.signals if s.id == "shared_tables")
    assert (none.available, none.value, none.reason.startswith("no database tables")) == (
        True,
        0.0,
        True,
    )
    # service links name the deployables
    links = ServiceLinksResult(services=("a", "b", "c", "d"))
    result, _warnings = _assess(analysis, service_links=links)
    assert result.verdict == "already-distributed"
    # contexts replace packages as units; their quality is the modularity signal
    contexts = ContextsResult(
        contexts=(
            BoundedContext("c1", "billing", ("billing/models.py", "billing/views.py"), 2, 1.0, 0.9),
            BoundedContext("c2", "orders", ("orders/models.py", "orders/views.py"), 2, 1.0, 0.9),
        ),
        edges=(),
        quality=DecompositionQuality(2, 0.5, 0.4, 0.0, 0.0, 1.0, 2.0),
        signals=("structure",),
    )
    result, _warnings = _assess(analysis, contexts=contexts)
    modularity = next(s for s in result.signals if s.id == "modularity")
    assert result.unit_kind == "context"
    assert modularity.value == 0.5 and "candidate contexts" in modularity.reason


def _signal(id_: str, group: str, score: float, value: float = 1.0) -> Signal:
    return Signal(id_, id_, group, value, 0.0, "split-above", 1.0, score, True, "test", id_)


@pytest.mark.parametrize(
    ("pressure", "readiness", "verdict"),
    [
        (-0.5, 0.5, "stay-monolith"),
        (0.5, -0.5, "modular-monolith-first"),
        (0.2, 0.2, "selective-extraction"),
        (0.8, 0.8, "microservices-ready"),
    ],
)
def test_verdict_rules(pressure: float, readiness: float, verdict: str) -> None:
    items = (
        _signal("team_size", "pressure", pressure),
        _signal("modularity", "readiness", readiness),
        _signal("size", "pressure", pressure, value=1000),
        _signal("deployables", "distribution", -1.0, value=1),
    )
    decision = decide(items, default_rules(), units=2)
    assert decision.verdict == verdict
    assert 0 < decision.confidence <= 1


def test_low_pressure_on_a_large_modular_system_is_modular_monolith_first() -> None:
    items = (
        _signal("team_size", "pressure", -0.8),
        _signal("modularity", "readiness", 0.5),
        _signal("size", "pressure", -0.2, value=40000),
        _signal("deployables", "distribution", -1.0, value=1),
    )
    decision = decide(items, default_rules(), units=8)
    assert decision.verdict == "modular-monolith-first"
    assert "8 units" in decision.basis


def test_evidence_against_is_listed() -> None:
    items = (
        _signal("team_size", "pressure", -1.0),
        _signal("change_rate", "pressure", 0.6),
        _signal("size", "pressure", -1.0, value=100),
        _signal("deployables", "distribution", -1.0, value=0),
    )
    decision = decide(items, default_rules(), units=1)
    assert decision.verdict == "stay-monolith"
    assert [e.signal for e in decision.against] == ["change_rate"]
    assert decision.against[0].weight == 0.6


def test_rules_override_and_validation(tmp_path: Path) -> None:
    base = default_rules()
    assert base.signals["team_size"].threshold == 12
    table = {"signals": {"team_size": {"threshold": 4}}, "verdict": {"ready_pressure": 0.5}}
    changed = apply_table(base, table, "test")
    assert changed.signals["team_size"].threshold == 4.0
    assert changed.signals["team_size"].weight == base.signals["team_size"].weight
    assert changed.verdict.ready_pressure == 0.5
    with pytest.raises(RulesError, match=re.escape("'signals.team_sise'")):
        apply_table(base, {"signals": {"team_sise": {"threshold": 4}}}, "test")
    with pytest.raises(RulesError, match=re.escape("'signals.team_size.treshold'")):
        apply_table(base, {"signals": {"team_size": {"treshold": 4}}}, "test")
    integer = re.escape("'verdict.distributed_deployables' must be an integer")
    with pytest.raises(RulesError, match=integer):
        apply_table(base, {"verdict": {"distributed_deployables": 2.5}}, "test")
    with pytest.raises(RulesError, match=re.escape("'teams.similarity' must be a number")):
        apply_table(base, {"teams": {"similarity": "high"}}, "test")
    path = tmp_path / "rules.yaml"
    path.write_text("extraction:\n  wave_size: 5\n", encoding="utf-8")
    assert rules_file(path).extraction.wave_size == 5
    config = parse_config({"assessment": {"signals": {"size": {"weight": 0}}}})
    assert config.assessment is not None and config.assessment.signals["size"].weight == 0
    with pytest.raises(ConfigError, match=re.escape("'verdict.nope'")):
        parse_config({"assessment": {"verdict": {"nope": 1}}})


def test_configured_rules_change_the_verdict(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _library(make_repo)
    repo.write(
        "pyproject.toml",
        "[tool.archscan.assessment.verdict]\ndistributed_deployables = 0\n",
    )
    repo.commit("config", date=_day(9))
    analysis = run(repo.root, load_config(repo.root), RunOptions(use_cache=False, jobs=1))
    assert analysis.assessment is not None
    assert analysis.assessment.verdict == "already-distributed"
    assert "[assessment]" in analysis.assessment.rules


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archscan", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_cli_assess_prints_verdict_and_escapes_names(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for unit in ("[red]alarm", "plain"):
        repo.write(f"{unit}/a.py", "X = 1\n")
        repo.write(f"{unit}/b.py", "from . import a\n")
        repo.write(f"{unit}/c.py", "from . import b\n")
    repo.commit(date=_day(1))
    result = _cli("assess", str(repo.root), "--cache-dir", str(tmp_path / "c"), "-q")
    assert result.returncode == 0, result.stderr
    assert "Verdict: stay-monolith" in result.stdout
    assert "Active team size" in result.stdout
    assert "[red]alarm" in result.stdout  # printed literally, not read as markup


def test_cli_rules_file_errors_name_the_key(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _library(make_repo).root
    bad = tmp_path / "bad.yaml"
    bad.write_text("signals:\n  team_size:\n    weight: heavy\n", encoding="utf-8")
    result = _cli("assess", str(root), "--rules", str(bad), "-q")
    assert result.returncode == 2
    assert "signals.team_size.weight" in result.stderr
    bad.write_text("verdicts:\n  split_pressure: 0\n", encoding="utf-8")
    result = _cli("analyze", str(root), "--rules", str(bad), "-o", str(tmp_path / "o"), "-q")
    assert result.returncode == 2
    assert "'assessment.verdicts'" in result.stderr
    assert "Traceback" not in result.stderr


def test_markdown_sections(make_repo) -> None:  # type: ignore[no-untyped-def]
    from archscan.report.markdown import render_markdown

    repo = make_repo()
    for unit in ("billing", "orders", "shipping"):
        for name in ("a", "b", "c"):
            repo.write(f"{unit}/{name}.py", f"from {unit} import a\nX = '{name}'\n")
    repo.write("orders/d.py", "from billing import a\n")
    repo.commit(date=_day(1))
    text = render_markdown(analysis_to_dict(analyse(repo.root)))
    assert "## Readiness verdict: stay-monolith" in text
    assert "| Active team size (core contributors, last 12 months) | pressure | 1.0 |" in text
    assert "## Team structure" in text and "| billing | 1 |" in text
    assert "## Extraction plan (strangler fig)" in text
    assert "this ranking is for reference" in text


def test_shipped_yaml_is_read_as_safe_load_reads_it() -> None:
    """The glossary and the rule files, read by libyaml where PyYAML has it: the same
    values as the pure-Python safe loader."""
    import yaml

    from archscan.resources import data_dir, shipped_yaml

    shipped = [
        *sorted(data_dir("rules").glob("**/*.yaml")),
        *sorted(data_dir("report_templates").glob("*.yaml")),
    ]
    assert any(p.name == "glossary.yaml" for p in shipped)
    assert any(p.name == "assessment.yaml" for p in shipped)
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        assert shipped_yaml(text) == yaml.safe_load(text), path
