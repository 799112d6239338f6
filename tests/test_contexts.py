"""Candidate bounded contexts on real git repositories built in tmp_path, and bad input."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from archscan import digraph
from archscan.config import Config, ConfigError, ContextsConfig, parse_config
from archscan.contexts import signals
from archscan.contexts.decomposition import DecompositionError, read_decomposition
from archscan.contexts.stage import ContextsInput, run_contexts
from archscan.pipeline import RunOptions, run
from archscan.records import FileFacts, SourceFile
from helpers import analyse

FEATURES = {
    "billing": ("Invoice", "invoice", "payment"),
    "shipping": ("Parcel", "parcel", "carrier"),
    "catalog": ("Product", "product", "price"),
}


def _feature(repo, name: str, entity: str, noun: str, verb: str) -> None:  # type: ignore[no-untyped-def]
    repo.write(f"shop/{name}/__init__.py", "")
    repo.write(
        f"shop/{name}/models.py",
        f"class {entity}:\n    def {noun}_total(self):\n        return 1\n\n"
        f"class {entity}Line:\n    def {verb}_amount(self):\n        return 2\n",
    )
    repo.write(
        f"shop/{name}/services.py",
        f"from shop.{name}.models import {entity}, {entity}Line\n\n"
        f"def create_{noun}():\n    return {entity}()\n\n"
        f"def {verb}_{noun}(x):\n    return {entity}Line() if x else None\n",
    )
    repo.write(
        f"shop/{name}/views.py",
        f"from shop.{name}.services import create_{noun}, {verb}_{noun}\n"
        f"from shop.{name}.models import {entity}\n\n"
        f"def {noun}_page():\n    return create_{noun}()\n\n"
        f"def {verb}_{noun}_page():\n    return {verb}_{noun}(1)\n",
    )
    repo.write(
        f"shop/{name}/repository.py",
        f"from shop.{name}.models import {entity}Line\n\n"
        f"def store_{noun}(line):\n    return {entity}Line()\n",
    )


def _shop(make_repo):  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("shop/__init__.py", "")
    for name, (entity, noun, verb) in FEATURES.items():
        _feature(repo, name, entity, noun, verb)
    # one cross-feature call: billing prices products
    repo.write(
        "shop/billing/pricing.py",
        "from shop.catalog.models import Product\nfrom shop.billing.models import Invoice\n\n"
        "def invoice_price():\n    return Product(), Invoice()\n",
    )
    repo.write("shop/settings.py", "DEBUG = False\n")
    repo.write("manage.py", "import shop.settings\n")
    repo.write(
        "tests/test_billing.py",
        "from shop.billing.services import create_invoice\n\ndef test_it():\n"
        "    assert create_invoice()\n",
    )
    repo.commit("start", date="2024-01-01T12:00:00+00:00")
    for day, (name, (_entity, noun, _verb)) in enumerate(FEATURES.items(), 2):
        for path in ("models.py", "services.py", "views.py"):
            repo.write(
                f"shop/{name}/{path}",
                (repo.root / f"shop/{name}/{path}").read_text() + f"\n# {noun} change\n",
            )
        author = f"{name.title()} Dev <{name}@example.com>"
        repo.commit(f"{name} work", author=author, date=f"2024-01-0{day}T12:00:00+00:00")
        repo.write(
            f"shop/{name}/repository.py",
            (repo.root / f"shop/{name}/repository.py").read_text() + "\n# again\n",
        )
        repo.write(
            f"shop/{name}/models.py",
            (repo.root / f"shop/{name}/models.py").read_text() + "\n# again\n",
        )
        repo.commit(f"{name} more", author=author, date=f"2024-01-0{day}T13:00:00+00:00")
    return repo


def _context_of(analysis, path: str) -> str:  # type: ignore[no-untyped-def]
    for context in analysis.contexts.contexts:
        if path in context.files:
            return context.id
    raise AssertionError(f"{path} in no context")


def test_feature_modules_come_out_as_separate_contexts(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _shop(make_repo)
    analysis = analyse(repo.root)
    result = analysis.contexts
    assert result is not None
    assert set(result.signals) >= {"structure", "co_change", "vocabulary"}
    feature_ids = {}
    for name in FEATURES:
        ids = {
            _context_of(analysis, f"shop/{name}/{p}")
            for p in ("models.py", "services.py", "views.py", "repository.py")
        }
        assert len(ids) == 1, (name, ids)
        feature_ids[name] = ids.pop()
    assert len(set(feature_ids.values())) == 3
    platform = [c for c in result.contexts if c.platform]
    assert platform and {"shop/settings.py", "manage.py"} <= set(platform[0].files)
    billing = next(c for c in result.contexts if c.id == feature_ids["billing"])
    assert billing.tests == ("tests/test_billing.py",)
    assert "billing" in billing.name
    assert billing.owners[0][0] == "Billing Dev"
    catalog = next(c for c in result.contexts if c.id == feature_ids["catalog"])
    used = {i.path: i for i in catalog.interface}
    assert used["shop/catalog/models.py"].symbols == ("Product",)
    edge = next(
        e
        for e in result.edges
        if e.source == feature_ids["billing"] and e.target == feature_ids["catalog"]
    )
    assert edge.dependencies == 1
    assert all(f.startswith("shop/") or f == "manage.py" for c in result.contexts for f in c.files)
    assert result.quality.partitions == len(result.contexts)
    assert 0 < result.quality.modularity <= 1


def test_requested_number_of_contexts(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _shop(make_repo)
    analysis = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, contexts=2))
    assert analysis.contexts is not None
    assert len(analysis.contexts.contexts) == 2
    assert analysis.contexts.requested == 2
    many = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, contexts=500))
    assert many.contexts is not None and len(many.contexts.contexts) < 500
    assert any(w.kind == "contexts-count" for w in many.warnings)


def test_no_history_says_so(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _shop(make_repo)
    analysis = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1, history=False))
    assert analysis.contexts is not None and analysis.contexts.contexts
    assert "co_change" not in analysis.contexts.signals
    assert analysis.contexts.quality.co_change_crossing is None
    assert any(w.kind == "contexts-no-history" for w in analysis.warnings)


def test_decomposition_and_ground_truth_files(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _shop(make_repo)
    truth = tmp_path / "truth.rsf"
    truth.write_text(
        "".join(
            f"contain {name} shop.{name}.{p}\n"
            for name in FEATURES
            for p in ("models", "services", "views", "repository")
        )
        + "contain billing Nowhere\n"
    )
    given = tmp_path / "given.csv"
    given.write_text(
        "file,service\n"
        + "".join(
            f"shop/{name}/{p}.py,{'one' if name != 'catalog' else 'two'}\n"
            for name in FEATURES
            for p in ("models", "services")
        )
        + "missing.py,one\n"
    )
    options = RunOptions(
        use_cache=False,
        jobs=1,
        decompositions=(read_decomposition(given),),
        ground_truths=(read_decomposition(truth),),
    )
    result = run(repo.root, Config(), options).contexts
    assert result is not None
    ours = next(s for s in result.scores if s.decomposition == "archscan")
    assert ours.mojofm == pytest.approx(100.0 * (1 - 1 / 10))  # Nowhere: one join
    assert ours.unknown == ("Nowhere",)
    theirs = next(s for s in result.scores if s.decomposition == str(given))
    assert theirs.mojofm < ours.mojofm
    assert result.decompositions[0].partitions == 2
    assert result.decompositions[0].members == 6


def test_decomposition_formats(tmp_path: Path) -> None:
    csv_file = tmp_path / "d.csv"
    csv_file.write_text("class,service\na.B,x\nC,y\nC,z\n")
    decomposition = read_decomposition(csv_file)
    assert decomposition.labels() == {"a.B": "x", "C": "z"}  # MoJo keeps the last line
    assert decomposition.duplicates == ("C",)
    rsf = tmp_path / "d.rsf"
    rsf.write_text("contain x a.B\ncontain y C\n")
    assert read_decomposition(rsf).labels() == {"a.B": "x", "C": "y"}
    for text in ("just words here\n", ""):
        bad = tmp_path / "bad.txt"
        bad.write_text(text)
        with pytest.raises(DecompositionError):
            read_decomposition(bad)
    broken = tmp_path / "broken.rsf"
    broken.write_text("contain x\n")
    with pytest.raises(DecompositionError):
        read_decomposition(broken)


def test_contexts_config_is_validated() -> None:
    assert parse_config({"contexts": {"vocabulary": 0, "seeds": 3}}).contexts.seeds == 3
    with pytest.raises(ConfigError, match="vocabulry"):
        parse_config({"contexts": {"vocabulry": 1.0}})
    with pytest.raises(ConfigError):
        parse_config({"contexts": {"resolutions": []}})
    with pytest.raises(ConfigError):
        parse_config({"contexts": {"structure": -1}})
    parsed = parse_config({"contexts": {"absorb_private": False, "entry_names": ["*Job.java"]}})
    assert parsed.contexts.entry_names == ("*Job.java",) and not parsed.contexts.absorb_private
    with pytest.raises(ConfigError, match="absorb_private"):
        parse_config({"contexts": {"absorb_private": "yes"}})


# --- bad input, straight through the stage with real records -----------------------


def _stage(paths: list[str], edges: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    files = tuple(SourceFile(p, "python", 10) for p in paths)
    facts = {p: FileFacts(p, "python", 1) for p in paths}
    graph: digraph.DiGraph[str] = digraph.DiGraph()
    graph.add_nodes_from(paths)
    graph.add_edges_from(
        (a, b, {"kind": "import", "lines": (1,), "type_only": False}) for a, b in edges
    )
    return run_contexts(
        ContextsInput(files=files, facts=facts, graph=graph, modules={}, config=Config().contexts)
    )


def test_one_file() -> None:
    result, _ = _stage(["app/core.py"], [])
    assert [c.files for c in result.contexts] == [("app/core.py",)]


def test_no_edges_groups_by_package() -> None:
    paths = [f"{pkg}/m{i}.py" for pkg in ("alpha", "beta") for i in range(3)]
    result, _ = _stage(paths, [])
    assert sorted(c.files for c in result.contexts) == [
        tuple(f"alpha/m{i}.py" for i in range(3)),
        tuple(f"beta/m{i}.py" for i in range(3)),
    ]


def test_twenty_thousand_disconnected_files() -> None:
    paths = [f"p{i // 100}/f{i}.py" for i in range(20_000)]
    result, _ = _stage(paths, [])
    assert sum(len(c.files) for c in result.contexts) == 20_000
    assert len(result.contexts) == 200


def test_one_giant_cycle() -> None:
    paths = [f"ring/m{i:03d}.py" for i in range(300)]
    edges = [(paths[i], paths[(i + 1) % 300]) for i in range(300)]
    result, _ = _stage(paths, edges)
    assert sum(len(c.files) for c in result.contexts) == 300
    assert all(len(c.files) >= 2 for c in result.contexts)
    assert result.quality.icp < 0.2  # a ring cuts into few arcs, not scattered files


def test_only_tests(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("tests/test_a.py", "def test_a():\n    assert True\n")
    repo.write("tests/test_b.py", "from tests import test_a\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert analysis.contexts is not None and analysis.contexts.contexts == ()
    assert any(w.kind == "contexts-empty" for w in analysis.warnings)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archscan", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_cli_contexts_and_compare(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _shop(make_repo)
    shown = _cli("contexts", str(repo.root), "--cache-dir", str(tmp_path / "c"))
    assert shown.returncode == 0, shown.stderr
    assert "billing" in shown.stdout and "structural modularity" in shown.stdout
    given = tmp_path / "given.csv"
    given.write_text("shop/billing/models.py,a\nshop/catalog/models.py,b\nGhost,b\n")
    compared = _cli("compare", "archscan", str(given), "--repo", str(repo.root))
    assert compared.returncode == 0, compared.stderr
    assert "Ghost" in compared.stderr and "MoJoFM" in compared.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("not a decomposition\n")
    failed = _cli("contexts", str(repo.root), "--decomposition", str(bad))
    assert failed.returncode == 2 and "unknown decomposition format" in failed.stderr
    out = tmp_path / "out"
    done = _cli("analyze", str(repo.root), "--out", str(out), "--quiet", "--contexts", "3")
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "archscan.json").read_text())
    assert len(data["contexts"]) == 3 and data["decomposition_quality"]["requested"] == 3


def _java_feature(repo, feature: str, entity: str) -> None:  # type: ignore[no-untyped-def]
    base = f"src/main/java/com/acme/{feature}"
    package = f"package com.acme.{feature};\n\n"
    repo.write(
        f"{base}/{entity}.java",
        package + f"public class {entity} {{\n"
        f"    public long get{entity}Id() {{ return 1; }}\n}}\n",
    )
    repo.write(
        f"{base}/{entity}Repository.java",
        package + f"public interface {entity}Repository"
        f" {{\n    {entity} find{entity}(long id);\n}}\n",
    )
    repo.write(
        f"{base}/{entity}Service.java",
        package + f"public class {entity}Service {{\n"
        f"    private {entity}Repository repository;\n"
        f"    public {entity} load{entity}(long id) {{ return repository.find{entity}(id); }}\n"
        "}\n",
    )
    repo.write(
        f"{base}/{entity}Controller.java",
        package + f"public class {entity}Controller {{\n"
        f"    private {entity}Service service;\n"
        f"    public {entity} show{entity}(long id) {{ return service.load{entity}(id); }}\n"
        "}\n",
    )


def test_java_feature_packages_and_spring_bootstrap(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for feature, entity in (("billing", "Invoice"), ("shipping", "Parcel"), ("catalog", "Product")):
        _java_feature(repo, feature, entity)
    repo.write(
        "src/main/java/com/acme/AcmeApplication.java",
        "package com.acme;\n\nimport com.acme.billing.InvoiceService;\n\n"
        "public class AcmeApplication {\n    private InvoiceService billing;\n}\n",
    )
    repo.write(
        "src/main/java/com/acme/WebSetup.java",
        "package com.acme;\n\nimport org.springframework.context.annotation.Configuration;\n\n"
        "@Configuration\npublic class WebSetup {\n}\n",
    )
    repo.commit()
    analysis = analyse(repo.root)
    result = analysis.contexts
    assert result is not None
    by_feature = {}
    for feature in ("billing", "shipping", "catalog"):
        ids = {
            _context_of(analysis, f)
            for c in result.contexts
            for f in c.files
            if f"/acme/{feature}/" in f
        }
        assert len(ids) == 1, (feature, ids)
        by_feature[feature] = ids.pop()
    assert len(set(by_feature.values())) == 3
    platform = next(c for c in result.contexts if c.platform)
    assert set(platform.files) == {
        "src/main/java/com/acme/AcmeApplication.java",
        "src/main/java/com/acme/WebSetup.java",
    }
    assert any("billing" in c.name for c in result.contexts)


def test_report_md_lists_contexts_and_says_when_there_is_no_history(
    make_repo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    repo = _shop(make_repo)
    out = tmp_path / "out"
    done = _cli("analyze", str(repo.root), "--out", str(out), "--quiet", "--no-history")
    assert done.returncode == 0, done.stderr
    report = (out / "report.md").read_text()
    assert "## Candidate bounded contexts" in report
    assert "No git history: the contexts come from structure and vocabulary only" in report
    assert "| archscan |" in report


def _java(repo, path: str, body: str) -> None:  # type: ignore[no-untyped-def]
    package = path.rpartition("/")[0].removeprefix("src/main/java/").replace("/", ".")
    repo.write(path, f"package {package};\n\n{body}")


def test_a_part_without_entry_point_used_by_one_context_joins_it(make_repo) -> None:  # type: ignore[no-untyped-def]
    """billing/numbering (a sequence generator only the invoice service uses, nothing of
    its own that is reached from outside) is billing's private part; shipping has its own
    controller and stays a context although billing uses it too."""
    repo = make_repo()
    base = "src/main/java/com/acme"
    _java_feature(repo, "billing", "Invoice")
    _java_feature(repo, "shipping", "Parcel")
    _java(
        repo,
        f"{base}/numbering/SequenceRepository.java",
        "public interface SequenceRepository {\n    long nextSequenceNumber(String name);\n}\n",
    )
    _java(
        repo,
        f"{base}/numbering/SequenceNumbers.java",
        "public class SequenceNumbers {\n    private SequenceRepository sequences;\n"
        '    public long nextSequence() { return sequences.nextSequenceNumber("x"); }\n}\n',
    )
    _java(
        repo,
        f"{base}/billing/InvoiceNumbers.java",
        "import com.acme.numbering.SequenceNumbers;\nimport com.acme.shipping.ParcelService;\n\n"
        "public class InvoiceNumbers {\n    private SequenceNumbers numbers;\n"
        "    private ParcelService parcels;\n}\n",
    )
    repo.commit()
    numbering = f"{base}/numbering/SequenceNumbers.java"
    kept = analyse(repo.root, Config(contexts=ContextsConfig(absorb_private=False)))
    assert _context_of(kept, numbering) != _context_of(kept, f"{base}/billing/Invoice.java")
    analysis = analyse(repo.root)
    assert _context_of(analysis, numbering) == _context_of(analysis, f"{base}/billing/Invoice.java")
    assert _context_of(analysis, f"{base}/numbering/SequenceRepository.java") == _context_of(
        analysis, numbering
    )
    assert _context_of(analysis, f"{base}/shipping/ParcelController.java") != _context_of(
        analysis, numbering
    )


def test_a_signal_weighs_by_the_files_it_ties() -> None:
    """A package prior over 2 of 100 files gets the mass of 2 files, not of 100."""
    few = {("a", "b"): 3.0}
    many = {(f"f{i:03}", f"f{i + 1:03}"): 1.0 for i in range(99)}
    fused, parts = signals.fuse(
        {"package": few, "structure": many}, {"package": 1.0, "structure": 1.0}
    )
    assert fused[("a", "b")] == pytest.approx(2.0)
    assert sum(fused[p] for p in many) == pytest.approx(100.0)
    assert parts[("a", "b")] == {"package": pytest.approx(2.0)}


def test_fused_parts_are_each_signals_scaled_weight_in_fused_order() -> None:
    """parts[pair] is made when read: it must be the dict fuse used to build per pair,
    signal by signal in SIGNALS order, over the fused pairs in their order."""
    structure = {("a", "b"): 1.0, ("b", "c"): 2.0}
    co_change = {("c", "d"): 0.5, ("a", "b"): 1.5}
    package = {("x", "y"): 1.0}  # weight 0: not fused, so in no pair's parts
    weights = {"structure": 1.0, "co_change": 2.0, "package": 0.0}
    fused, parts = signals.fuse(
        {"package": package, "co_change": co_change, "structure": structure}, weights
    )
    scale = {"structure": 1.0 * 3 / 3.0, "co_change": 2.0 * 4 / 2.0}
    expected: dict[tuple[str, str], dict[str, float]] = {}
    for name, signal in (("structure", structure), ("co_change", co_change)):
        for pair, value in signal.items():
            expected.setdefault(pair, {})[name] = value * scale[name]
    assert list(parts) == list(fused) == list(expected)
    assert dict(parts.items()) == expected
    assert list(parts[("a", "b")]) == ["structure", "co_change"]
    assert fused[("a", "b")] == pytest.approx(1.0 + 6.0)
    assert len(parts) == 3 and ("x", "y") not in parts
    with pytest.raises(KeyError):
        parts[("x", "y")]


def test_cohesion_and_cross_package_shares_from_the_fused_pairs() -> None:
    from archscan.contexts.assemble import _pair_sums

    structure = {("p/a", "p/b"): 1.0, ("p/b", "q/c"): 2.0, ("q/c", "r/d"): 3.0}
    package = {("q/c", "r/d"): 1.0, ("r/d", "r/e"): 4.0}
    fused, parts = signals.fuse(
        {"structure": structure, "package": package}, {"structure": 1.0, "package": 1.0}
    )
    # structure: scale 4 files / 6.0, package: 3 files / 5.0
    assert fused == pytest.approx(
        {("p/a", "p/b"): 2 / 3, ("p/b", "q/c"): 4 / 3, ("q/c", "r/d"): 2 + 0.6, ("r/d", "r/e"): 2.4}
    )
    file_context = {"p/a": "x", "p/b": "x", "q/c": "y", "r/d": "y", "z/f": "z"}  # r/e: none
    cohesion, cross = _pair_sums(file_context, fused, parts)
    # x: a-b inside (both ends), b-c out; y: c-d inside, b-c and d-e out
    assert cohesion == {
        "x": round(4 / 3 / (2 / 3 + 2 / 3 + 4 / 3), 4),
        "y": round(5.2 / (4 / 3 + 5.2 + 2.4), 4),
    }
    # only y has a pair inside it across packages (q/c-r/d): its two signals' shares
    assert cross == {"y": (("structure", round(2 / 2.6, 4)), ("package", round(0.6 / 2.6, 4)))}


def test_co_change_counts_the_commits_of_two_to_max_production_files() -> None:
    from itertools import combinations

    from archscan.records import Changeset

    production = frozenset({"a.py", "b.py", "c.py", "d.py"})
    commits = [
        Changeset("1", "ann", 1, ("b.py", "a.py")),  # two: one pair, 1/1
        Changeset("2", "ann", 2, ("a.py",)),  # one file: nothing
        Changeset("3", "bob", 3, ("c.py", "a.py", "b.py", "t.py")),  # t.py: not production
        Changeset("4", "bob", 4, ("a.py", "t.py")),  # one production file: nothing
        Changeset("5", "cy", 5, ("a.py", "b.py", "c.py", "d.py")),  # over max_size 3
    ]
    sets = signals.co_change_sets(commits, production, 3)
    assert sets == [["a.py", "b.py"], ["a.py", "b.py", "c.py"]]
    expected: dict[tuple[str, str], float] = {}
    for files in sets:  # the definition, pair by pair in commit order
        for pair in combinations(files, 2):
            expected[pair] = expected.get(pair, 0.0) + 1.0 / (len(files) - 1)
    weights = signals.co_change_weights(sets)
    assert weights == expected and list(weights) == list(expected)
    assert signals.co_change_signal(commits, production, 3) == expected
    assert ("a.py", "d.py") in signals.co_change_signal(commits, production, 0)  # no limit


def test_fused_figures_are_the_contexts_figures_of_the_fused_pairs() -> None:
    """What is stored with the clustering: the cohesion and cross-package shares of the
    fused pairs, the co-change between contexts and the proposal's co-change crossing
    (quality.co_change_crossing, the same sums)."""
    from archscan.contexts import quality
    from archscan.contexts.assemble import _pair_sums, fused_figures

    structure = {("p/a", "p/b"): 1.0, ("p/b", "q/c"): 2.0}
    co_change = {("p/a", "q/c"): 0.5, ("p/b", "q/c"): 1.0, ("q/c", "r/d"): 0.25, ("x", "y"): 9.0}
    fused, parts = signals.fuse(
        {"structure": structure, "co_change": co_change}, {"structure": 1.0, "co_change": 1.0}
    )
    labels: dict[str, str | int] = {"p/a": 0, "p/b": 0, "q/c": 1, "r/d": "platform"}
    figures = fused_figures(labels, fused, parts, co_change)
    file_context = {"p/a": "c01", "p/b": "c01", "q/c": "c02", "r/d": "platform"}
    assert (figures.cohesion, figures.cross_package) == _pair_sums(file_context, fused, parts)
    assert figures.co_change == {("c01", "c02"): 1.5, ("c02", "platform"): 0.25}
    assert figures.crossing == quality.co_change_crossing(co_change, file_context) == 1.0
    inside = {("p/a", "p/b"): 2.0, **co_change}
    assert fused_figures(labels, fused, parts, inside).crossing == 1.75 / 3.75
    assert fused_figures(labels, fused, parts, {}).crossing == 0.0


def test_leiden_runs_side_by_side_give_the_same_contexts(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _shop(make_repo)
    one, two = (
        run(repo.root, Config(), RunOptions(use_cache=False, jobs=jobs)).contexts for jobs in (1, 2)
    )
    assert one is not None and two is not None and one.contexts
    assert one == two


def test_leiden_on_numbered_files_is_leiden_on_the_paths() -> None:
    """Files go to graspologic-native as numbers (in first-seen order): every run equals
    the run on the paths themselves, and a path that is not UTF-8 is clustered too."""
    import graspologic_native as gn

    from archscan.contexts import cluster

    rng = random.Random(7)
    for size, count in ((300, 1500), (60, 90), (500, 2000)):
        paths = [f"pkg{i % 9}/{'zyxw'[i % 4]}mod{i}.py" for i in range(size)]
        weights = {}
        for _ in range(count):
            a, b = rng.sample(paths, 2)
            # repeated weights too: equal ties must be broken as on the paths
            weights[(min(a, b), max(a, b))] = rng.choice((rng.random(), 0.5, 1.0))
        edges = cluster._edges(weights)
        graph = cluster._graph(edges)  # the compressed rows every run reads
        found = set()
        for resolution, seed in ((0.6, 1), (1.0, 42), (1.25, 43), (1.5, 3)):
            got = cluster.leiden(graph, resolution, seed)
            quality, raw = gn.leiden(
                edges, resolution=resolution, seed=seed, trials=1, iterations=1, use_modularity=True
            )
            first: dict[int, int] = {}
            expected = {p: first.setdefault(raw[p], len(first)) for p in sorted(raw)}
            assert got.quality == quality
            assert got.labels == expected
            found.add(len(set(expected.values())))
        assert max(found) > 1
    odd = "caf\udce9.py"  # an undecodable byte kept as a surrogate
    run = cluster.leiden(cluster._graph([("a.py", odd, 1.0), ("a.py", "b.py", 1.0)]), 1.0, 1)
    assert set(run.labels) == {"a.py", "b.py", odd}


def _random_weights(
    rng: random.Random, names: list[str], most: int, values: tuple[float, ...]
) -> dict[tuple[str, str], float]:
    """Up to ``most`` weighted pairs (a < b) of ``names``: one of ``values`` or a random
    float each (equal weights test the ties)."""
    weights: dict[tuple[str, str], float] = {}
    for _ in range(rng.randint(1, most)):
        a, b = rng.sample(names, 2)
        weights[(min(a, b), max(a, b))] = rng.choice((*values, rng.random()))
    return weights


def test_the_sweeps_modularity_is_the_loops_float_for_float() -> None:
    """The sweep scores its partitions on arrays: exactly modularity()'s floats (the
    same additions in the same order), whatever the pairs' order."""
    from archscan.contexts import cluster

    rng = random.Random(5)
    for _ in range(200):
        names = [f"n{i}.py" for i in range(rng.randint(2, 50))]
        weights = _random_weights(rng, names, 200, (0.1, 1 / 3))
        weights = dict(rng.sample(list(weights.items()), len(weights)))  # any order
        graph = cluster._graph(cluster._edges(weights))
        pairs = cluster._pairs(weights, graph)
        labels = {path: rng.randint(0, 5) for _, path in graph.order}
        assert cluster._modularity(pairs, labels) == cluster.modularity(weights, labels)


def test_sparsify_keeps_each_files_strongest_ties() -> None:
    """An edge stays when it is among the k strongest of either end, equal weights
    ranked by pair; the kept edges come in pair order (the order Leiden is given)."""
    rng = random.Random(11)
    for _ in range(60):
        names = [f"{rng.choice('abc')}/f{i}.py" for i in range(rng.randint(2, 40))]
        weights = _random_weights(rng, names, 300, (0.25, 0.5, 1.0))
        for k in (1, 2, 5):
            ranked: dict[str, list[tuple[float, tuple[str, str]]]] = {}
            for pair, w in weights.items():
                for end in pair:
                    ranked.setdefault(end, []).append((-w, pair))
            kept = {pair for items in ranked.values() for _, pair in sorted(items)[:k]}
            got = signals.sparsify(weights, k)
            assert list(got.items()) == [(pair, weights[pair]) for pair in sorted(kept)]
            assert all(type(w) is float for w in got.values())
            among = set(rng.sample(names, len(names) // 2))
            alone = {p: w for p, w in weights.items() if p[0] in among and p[1] in among}
            expected = list(signals.sparsify(alone, k).items())
            assert list(signals.sparsify(weights, k, among=among).items()) == expected
    assert signals.sparsify({("a", "b"): 1.0, ("b", "c"): 2.0}, 0, among={"b", "c"}) == {
        ("b", "c"): 2.0
    }
    assert signals.sparsify({("a", "b"): 1.0}, 3, among={"b"}) == {}
    assert signals.sparsify({("a", "b"): 1.0}, 0) == {("a", "b"): 1.0}
    assert signals.sparsify({}, 3) == {}


def test_numpy_is_imported_only_where_a_clustering_is_made(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """numpy (the arrays Leiden reads, ~0.035 s to import) comes in when the stage
    clusters, not on a re-run that finds its clustering stored; OpenBLAS starts no
    thread of its own there."""
    repo = _shop(make_repo)
    command = [sys.executable, "-X", "importtime", "-m", "archscan", "analyze", str(repo.root)]
    command += ["--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), "-q"]
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}

    def imported() -> set[str]:
        done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
        lines = done.stderr.splitlines()
        return {line.rpartition("|")[2].strip() for line in lines if line.startswith("import")}

    assert "numpy" in imported()
    repo.write("NOTES.txt", "no production file changed\n")
    repo.commit("notes")
    again = imported()
    assert "archscan.contexts.stage" in again  # analysed again, not a stored run
    assert "numpy" not in again
    code = "import os; import archscan.contexts.arrays; print(os.environ['OPENBLAS_NUM_THREADS'])"
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert shown.stdout.strip() == "1"


def test_stored_vocabulary_gives_the_contexts_of_an_uncached_run(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The vocabulary signal stored by its inputs: a stored one (same terms) and one
    computed anew after a rename give what a run without a cache gives; a damaged cache
    file is a miss."""
    import dataclasses

    from archscan.contexts import stored
    from archscan.stage_cache import FILE_NAME

    repo = _shop(make_repo)
    repo.commit("shop")

    def inputs() -> ContextsInput:
        # without the signals the pipeline prepared (they hold the vocabulary already)
        return dataclasses.replace(_pipeline_contexts_input(repo.root), prepared=None)

    cache = tmp_path / "cache"
    data = inputs()
    uncached = run_contexts(data)
    cached = dataclasses.replace(data, cache_dir=cache)
    assert run_contexts(cached) == uncached  # computed, stored
    assert (cache / FILE_NAME).is_file()
    assert run_contexts(cached) == uncached  # the stored one
    repo.write(
        "shop/billing/models.py", "class Receipt:\n    def receipt_total(self):\n        return 1\n"
    )
    renamed = inputs()
    expected = run_contexts(renamed)
    assert expected != uncached  # the rename reaches the contexts (names, vocabulary)
    assert run_contexts(dataclasses.replace(renamed, cache_dir=cache)) == expected
    (cache / FILE_NAME).write_bytes(b"not a database" * 100)
    assert run_contexts(dataclasses.replace(renamed, cache_dir=cache)) == expected
    assert stored._KEPT >= 1


def test_signals_prepared_before_the_history_give_the_same_contexts(make_repo) -> None:  # type: ignore[no-untyped-def]
    """pipeline.py prepares every signal but co-change while git is still read: the
    contexts are those of the stage computing them itself, and a preparation made from
    other files is not used."""
    import dataclasses

    from archscan.contexts.stage import prepare_contexts

    repo = _shop(make_repo)
    repo.commit("shop")
    data = _pipeline_contexts_input(repo.root)
    assert data.prepared is not None and data.history is not None
    alone = run_contexts(dataclasses.replace(data, prepared=None))
    assert run_contexts(data) == alone
    fewer = dataclasses.replace(data, files=data.files[:3], prepared=None)
    other = dataclasses.replace(data, prepared=prepare_contexts(fewer))
    assert run_contexts(other) == alone  # production files differ: prepared anew


def _pipeline_contexts_input(root: Path) -> ContextsInput:
    """The input the pipeline gives the contexts stage (an uncached run of ``root``)."""
    from archscan import pipeline

    captured: dict[str, ContextsInput] = {}
    original = pipeline.run_contexts

    def spy(data: ContextsInput):  # type: ignore[no-untyped-def]
        captured["data"] = data
        return original(data)

    pipeline.run_contexts = spy  # type: ignore[assignment]
    try:
        run(root, Config(), RunOptions(use_cache=False, jobs=1))
    finally:
        pipeline.run_contexts = original
    return captured["data"]


# --- the terms of unchanged files come from the last run's snapshot -------------------


def _term_facts(n: int, extra: str = "") -> dict[str, FileFacts]:
    from archscan.records import Definition

    return {
        f"shop/m{i}.py": FileFacts(
            f"shop/m{i}.py",
            "python",
            3,
            definitions=(Definition(f"InvoiceLine{i}{extra if i == 3 else ''}", "class", 1),),
        )
        for i in range(n)
    }


def test_term_bags_reuse_unchanged_blobs_and_recompute_the_rest(tmp_path: Path) -> None:
    from archscan.contexts import stored
    from archscan.stage_cache import load_snapshot, save_snapshot

    facts = _term_facts(80)
    paths = sorted(facts)
    blobs = {p: f"blob-{p}" for p in paths}
    skip = frozenset({"service"})
    cache, root = tmp_path / "cache", tmp_path / "repo"
    plain = {p: signals.file_terms(p, facts[p], skip) for p in paths}
    assert stored.term_bags(paths, facts, blobs, skip, cache, root) == plain  # and stored
    # mark one stored bag: a reused bag is the stored one, not computed again
    fingerprint = stored._terms_fingerprint() + stored.value_digest(sorted(skip))[:16]
    snapshot = load_snapshot(cache, stored._TERMS, fingerprint, str(root))
    assert len(snapshot) == 80
    snapshot["shop/m5.py"][1]["marker"] = 1
    save_snapshot(cache, stored._TERMS, fingerprint, str(root), snapshot)
    edited = _term_facts(80, extra="Refund")
    blobs["shop/m3.py"] = "blob-new"
    bags = stored.term_bags(paths, edited, blobs, skip, cache, root)
    assert bags["shop/m5.py"]["marker"] == 1  # from the snapshot
    assert "refund" in bags["shop/m3.py"]  # another blob: its terms computed anew
    # other layer names are another snapshot: nothing reused
    other = stored.term_bags(paths, edited, blobs, frozenset(), cache, root)
    assert "marker" not in other["shop/m5.py"]
    assert other == {p: signals.file_terms(p, edited[p], frozenset()) for p in paths}
    # without a cache directory or root: computed
    assert (
        stored.term_bags(paths, edited, blobs, skip, None, root)["shop/m5.py"]
        == plain["shop/m5.py"]
    )


def test_name_matcher_matches_a_name_or_trailing_segments_only() -> None:
    from archscan.contexts.platform import name_matcher

    named = name_matcher(["*Config.java", "settings/*.py", "manage.py"])
    hits = [
        "src/app/WebConfig.java",
        "Config.java",
        "proj/settings/base.py",
        "settings/dev.py",
        "manage.py",
        "a/manage.py",
    ]
    misses = [
        "src/WebConfig.java.bak",
        "src/Config.java/Other.java",  # a folder named like the glob
        "proj/settings/sub/base.py",  # one segment per '*'
        "mysettings/dev.py",  # a segment starts at '/' only
        "unmanage.py",
        "settings.py",
    ]
    assert [bool(named.search(p)) for p in hits] == [True] * len(hits)
    assert [bool(named.search(p)) for p in misses] == [False] * len(misses)
    assert not name_matcher([]).search("manage.py")


def test_interface_symbols_are_the_names_imported_on_the_dependencys_lines() -> None:
    from archscan.contexts.assemble import Assembly, FusedFigures, _symbols
    from archscan.records import Import

    imports = (
        Import("shop.orders.models", 3, "from", ("Order", "Line")),
        Import("shop.orders.utils", 5, "from", ("total",)),
        Import("shop.orders.models", 2, "from", ("Status",)),  # earlier line, later import
        Import("shop.orders.api", 9),
    )
    facts = {"shop/cart.py": FileFacts("shop/cart.py", "python", 10, imports=imports)}
    assembly = Assembly(
        labels={}, figures=FusedFigures({}, {}, {}, 0.0), vectors={}, graph=digraph.DiGraph(),
        facts=facts, history=None, tests=(), runs=(), layers=frozenset(),
    )  # fmt: skip
    index: dict[str, dict[int, list[tuple[int, tuple[str, ...]]]]] = {}

    def names(target: str, lines: tuple[int, ...]) -> list[str]:
        return _symbols("shop/cart.py", target, {"lines": lines}, assembly, index)

    assert names("shop/orders/models.py", (3,)) == ["Order", "Line"]
    # several lines: by the position of their imports, each line once
    assert names("shop/orders/models.py", (3, 2, 3)) == ["Order", "Line", "Status"]
    assert names("shop/orders/api.py", (9,)) == ["api"]  # a module import: its last part
    assert names("shop/orders/other.py", (7,)) == ["other"]  # no import there: the module
    assert names("shop/orders/other.py", ()) == ["other"]
