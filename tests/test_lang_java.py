"""Java: parsing facts, and resolution on a real Maven multi-module repository."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archscan.config import Config
from archscan.parse import parse_source
from archscan.pipeline import RunOptions, run
from archscan.records import Analysis, Import
from conftest import GitRepo
from helpers import edge_set

ORDER = """package com.acme.core;

import java.math.BigDecimal;

/** An order. */
public class Order {
    public static class Line {}
    // a comment line
    private BigDecimal total;
}
"""

MONEY = """package com.acme.core;

public abstract class Money {
    public static final Money ZERO = null;
    public abstract int cents();
}
"""

CONTROLLER = """package com.acme.web;

import com.acme.core.Order;
import com.acme.core.Order.Line;
import static com.acme.core.Money.ZERO;
import com.acme.util.*;
import java.util.List;
import com.acme.core.Missing;

public class Controller implements Handler {
    private List<Line> lines;
    Object make() {
        Helper.assist();
        com.acme.core.Audit.log("made");
        return Strings.trim(new Order().toString());
    }
}
"""


def _analyse(repo: GitRepo) -> Analysis:
    repo.commit("initial")
    return run(repo.root, Config(), RunOptions(jobs=1, use_cache=False))


def _maven_repo(make_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = make_repo()
    repo.write("pom.xml", "<project><modules><module>core</module></modules></project>\n")
    core = "core/src/main/java/com/acme/core"
    web = "web/src/main/java/com/acme/web"
    repo.write("core/pom.xml", "<project/>\n")
    repo.write("web/pom.xml", "<project/>\n")
    repo.write(f"{core}/Order.java", ORDER)
    repo.write(f"{core}/Money.java", MONEY)
    repo.write(
        f"{core}/Audit.java",
        "package com.acme.core;\npublic final class Audit {\n"
        "  public static void log(String s) {}\n}\n",
    )
    repo.write(
        "core/src/main/java/com/acme/util/Strings.java",
        "package com.acme.util;\npublic class Strings {}\n",
    )
    repo.write(
        "core/src/main/java/com/acme/util/Unused.java",
        "package com.acme.util;\npublic class Unused {}\n",
    )
    repo.write(f"{web}/Controller.java", CONTROLLER)
    repo.write(
        f"{web}/Helper.java", "package com.acme.web;\nclass Helper { static void assist() {} }\n"
    )
    repo.write(f"{web}/Handler.java", "package com.acme.web;\npublic interface Handler {}\n")
    # The same package continues in the test tree of the module.
    repo.write(
        "web/src/test/java/com/acme/web/ControllerTest.java",
        "package com.acme.web;\nclass ControllerTest {\n  Controller subject;\n}\n",
    )
    return repo


def test_imports_of_every_kind_are_parsed() -> None:
    facts = parse_source("C.java", "java", CONTROLLER.encode())
    assert facts.namespace == "com.acme.web"
    assert facts.imports[:4] == (
        Import("com.acme.core.Order", 3, "import"),
        Import("com.acme.core.Order.Line", 4, "import"),
        Import("com.acme.core.Money.ZERO", 5, "static"),
        Import("com.acme.util", 6, "import", ("*",)),
    )
    static_on_demand = parse_source("S.java", "java", b"import static a.b.C.*;\nclass S {}\n")
    assert static_on_demand.imports == (Import("a.b.C", 1, "static", ("*",)),)
    assert {"Handler", "Helper", "Line", "List", "Order", "Strings"} <= set(facts.references)
    assert "com.acme.core.Audit" in facts.references
    # Members of a qualified type and package segments are not names of their own.
    assert "com" not in facts.references


def test_definitions_nested_and_abstract_types() -> None:
    source = b"""package p;
public abstract class A { interface Inner {} static class Nested {} void m() { class Local {} } }
interface I {}
@interface Marker {}
enum E { X }
record R(int a) {}
"""
    facts = parse_source("A.java", "java", source)
    found = {(d.name, d.kind, d.abstract) for d in facts.definitions}
    assert found == {
        ("A", "class", True),
        ("A.Inner", "interface", True),
        ("A.Nested", "class", False),
        ("I", "interface", True),
        ("Marker", "interface", True),
        ("E", "enum", False),
        ("R", "record", False),
    }


def test_complexity_counts_java_decision_points_and_sloc() -> None:
    source = b"""class C {
    int f(int x) {
        if (x > 0 && x < 9 || x == 20) { return 1; } else if (x < 0) { return 2; }
        for (int i = 0; i < x; i++) {}
        for (int v : new int[0]) {}
        while (x > 100) { x--; }
        do { x++; } while (x < 3);
        switch (x) { case 1: case 2: break; default: break; }
        try { x = 1; } catch (RuntimeException e) { x = 2; }
        Runnable r = () -> { if (x > 1) {} };  // a lambda belongs to its method
        return x > 5 ? 1 : 0;
    }
    void g() {
        new Thread() { public void run() { if (true) {} } };
    }
}
"""
    facts = parse_source("C.java", "java", source)
    by_name = {f.name: f.complexity for f in facts.functions}
    # if, &&, ||, else-if, for, for-each, while, do, case x2, catch, lambda's if, ?:
    assert by_name["C.f"] == 1 + 13
    assert by_name["C.g"] == 1  # the anonymous class's method is measured on its own
    assert by_name["C.run"] == 2
    assert facts.sloc == 16


def test_maven_multi_module_resolution(make_repo: Callable[..., GitRepo]) -> None:
    analysis = _analyse(_maven_repo(make_repo))
    edges = edge_set(analysis)
    core = "core/src/main/java/com/acme"
    controller = "web/src/main/java/com/acme/web/Controller.java"
    assert {
        (controller, f"{core}/core/Order.java"),  # single-type and nested-class import
        (controller, f"{core}/core/Money.java"),  # static import
        (controller, f"{core}/util/Strings.java"),  # on-demand, the type used
        (controller, f"{core}/core/Audit.java"),  # fully qualified name inline
        (controller, "web/src/main/java/com/acme/web/Helper.java"),  # same package
        (controller, "web/src/main/java/com/acme/web/Handler.java"),
        ("web/src/test/java/com/acme/web/ControllerTest.java", controller),  # across trees
    } <= edges
    assert (controller, f"{core}/util/Unused.java") not in edges  # on-demand: only used types
    lines = {d.target: d.lines for d in analysis.resolution.dependencies if d.source == controller}
    assert lines[f"{core}/core/Order.java"] == (3, 4)
    external = {e.package for e in analysis.resolution.external if e.source == controller}
    assert external == {"java.util"}
    warnings = [w for w in analysis.warnings if w.kind == "unresolved-import"]
    assert [(w.path, "com.acme.core.Missing" in w.message) for w in warnings] == [
        (controller, True)
    ]


def test_module_is_the_top_level_class_and_modules_are_components(
    make_repo: Callable[..., GitRepo],
) -> None:
    analysis = _analyse(_maven_repo(make_repo))
    modules = analysis.resolution.modules
    assert modules["core/src/main/java/com/acme/core/Order.java"] == "com.acme.core.Order"
    assert modules["web/src/main/java/com/acme/web/Helper.java"] == "com.acme.web.Helper"
    # the parent pom's folder holds no code of its own: not a component
    assert set(analysis.components) == {"core", "web"}
    components = {m.name: m for m in analysis.structure.components}
    assert components["web"].ce > 0 and components["core"].ca > 0
    # Money (abstract) and Handler (interface) make the packages partly abstract.
    packages = {m.name: m for m in analysis.structure.packages}
    assert packages["core/src/main/java/com/acme/core"].abstractness == round(1 / 4, 4)


def test_a_class_declared_in_two_modules_resolves_within_the_importer_module(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo()
    for module in ("a", "b"):
        repo.write(f"{module}/src/main/java/x/Dup.java", "package x;\npublic class Dup {}\n")
        repo.write(
            f"{module}/src/main/java/y/User.java",
            "package y;\nimport x.Dup;\nclass User { Dup d; }\n",
        )
    edges = edge_set(_analyse(repo))
    assert ("b/src/main/java/y/User.java", "b/src/main/java/x/Dup.java") in edges
    assert ("b/src/main/java/y/User.java", "a/src/main/java/x/Dup.java") not in edges


def test_bad_input_partial_parse_generated_and_binary(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo()
    repo.write("src/p/Target.java", "package p;\npublic class Target {}\n")
    repo.write(
        "src/q/Broken.java",
        "package q;\nimport p.Target;\npublic class Broken { void f( { Target t; }\n",
    )
    repo.write(
        "src/q/Gen.java",
        "package q;\nimport javax.annotation.processing.Generated;\n"
        '@Generated("protoc")\npublic class Gen {}\n',
    )
    repo.write(
        "src/q/Stamped.java",
        "// Generated by the protocol buffer compiler.  DO NOT EDIT!\n"
        "package q;\nclass Stamped {}\n",
    )
    repo.write("src/q/Bin.java", b"\x00\x01binary")
    repo.write(
        "src/q/Latin.java", 'package q;\nclass Latin { String s = "caf\xe9"; }\n'.encode("latin-1")
    )
    analysis = _analyse(repo)
    assert ("src/q/Broken.java", "src/p/Target.java") in edge_set(analysis)
    kinds = {(w.path, w.kind) for w in analysis.warnings}
    assert ("src/q/Broken.java", "parse") in kinds
    assert ("src/q/Gen.java", "generated") in kinds
    assert ("src/q/Stamped.java", "generated") in kinds
    assert ("src/q/Latin.java", "encoding") in kinds
    assert ("src/q/Target.java", "generated") not in kinds
    assert any(s.path == "src/q/Bin.java" and s.reason == "binary" for s in analysis.skipped)


def test_huge_file_is_parsed_or_skipped_without_losing_the_rest(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = make_repo()
    body = "".join(f"    int f{i}(int x) {{ return x > {i} ? 1 : 0; }}\n" for i in range(6000))
    repo.write("src/p/Big.java", f"package p;\nimport p.Small;\nclass Big {{\n{body}}}\n")
    repo.write("src/p/Small.java", "package p;\npublic class Small {}\n")
    repo.write("src/p/Huge.java", "package p;\n" + "// x\n" * 300_000)  # > 1 MB: skipped
    analysis = _analyse(repo)
    big = analysis.facts["src/p/Big.java"]
    assert len(big.functions) == 6000 and big.max_complexity == 2
    assert ("src/p/Big.java", "src/p/Small.java") in edge_set(analysis)
    assert any(s.path == "src/p/Huge.java" and s.reason == "too-large" for s in analysis.skipped)
