"""Kotlin: parsing facts, and resolution on a real Gradle repository mixing Kotlin and Java."""

from __future__ import annotations

from collections.abc import Callable

from archscan.config import Config
from archscan.parse import parse_source
from archscan.pipeline import RunOptions, run
from archscan.records import Analysis, Import
from conftest import GitRepo
from helpers import edge_set

SERVICE = """package com.acme.app

import com.acme.core.Order
import com.acme.core.formatMoney
import com.acme.core.Order.Line as OrderLine
import com.acme.util.*
import kotlinx.coroutines.launch

class Service(private val repo: Repository) {
    fun total(order: Order?): String {
        val line: OrderLine? = null
        val base = order?.cents ?: 0
        return formatMoney(base) + slugify("x") + defaultName()
    }
}
"""


def _analyse(repo: GitRepo) -> Analysis:
    repo.commit("initial")
    return run(repo.root, Config(), RunOptions(jobs=1, use_cache=False))


def _gradle_repo(make_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = make_repo()
    repo.write("settings.gradle.kts", 'include("core", "app")\n')
    repo.write("core/build.gradle.kts", "plugins {}\n")
    repo.write("app/build.gradle.kts", "plugins {}\n")
    core = "core/src/main/kotlin/com/acme/core"
    repo.write(
        f"{core}/Order.kt",
        "package com.acme.core\n\ndata class Order(val cents: Int) {\n    class Line\n}\n",
    )
    repo.write(f"{core}/Money.kt", 'package com.acme.core\n\nfun formatMoney(c: Int) = "$c"\n')
    repo.write(f"{core}/MoneyJvm.kt", 'package com.acme.core\n\nfun formatMoney(c: Long) = "$c"\n')
    repo.write(
        "core/src/main/kotlin/com/acme/util/Text.kt",
        "package com.acme.util\n\nfun slugify(s: String) = s\nval unused = 1\n",
    )
    repo.write(
        "core/src/main/kotlin/com/acme/util/Other.kt", "package com.acme.util\n\nfun other() = 1\n"
    )
    app = "app/src/main/kotlin/com/acme/app"
    repo.write(f"{app}/Service.kt", SERVICE)
    repo.write(f"{app}/Repository.kt", "package com.acme.app\n\ninterface Repository\n")
    repo.write(f"{app}/Defaults.kt", 'package com.acme.app\n\nfun defaultName() = "n"\n')
    # Java in the same build calls the Kotlin facade class and uses a Kotlin type.
    repo.write(
        "app/src/main/java/com/acme/app/Legacy.java",
        "package com.acme.app;\nimport com.acme.core.MoneyKt;\n"
        "class Legacy { Service s; String f() { return MoneyKt.formatMoney(1); } }\n",
    )
    return repo


def test_imports_aliases_and_declarations_are_parsed() -> None:
    facts = parse_source("Service.kt", "kotlin", SERVICE.encode())
    assert facts.namespace == "com.acme.app"
    assert facts.imports[:4] == (
        Import("com.acme.core.Order", 3, "import"),
        Import("com.acme.core.formatMoney", 4, "import"),
        Import("com.acme.core.Order.Line", 5, "alias", ("OrderLine",)),
        Import("com.acme.util", 6, "import", ("*",)),
    )
    assert {"Repository", "Order", "formatMoney", "slugify", "defaultName"} <= set(facts.references)
    source = b"""package p
abstract class A { companion object {} ; class Inner }
sealed interface S
interface I
object O
enum class E { X }
fun top() = 1
val topValue = 2
typealias Name = String
"""
    found = {
        (d.name, d.kind, d.abstract) for d in parse_source("A.kt", "kotlin", source).definitions
    }
    assert found == {
        ("A", "class", True),
        ("A.Companion", "object", False),
        ("A.Inner", "class", False),
        ("S", "interface", True),
        ("I", "interface", True),
        ("O", "object", False),
        ("E", "enum", False),
        ("top", "function", False),
        ("topValue", "property", False),
        ("Name", "typealias", False),
    }


def test_complexity_counts_kotlin_decision_points() -> None:
    source = b"""fun f(x: Int?, xs: List<Int>): Int {
    if (x != null && x > 1 || xs.isEmpty()) return 1 else if (x == 0) return 2
    for (v in xs) {}
    while (false) {}
    do { } while (false)
    try { } catch (e: Exception) { }
    val y = x ?: 0
    xs.forEach { v -> if (v > 1) println(v) }
    return when (y) { 1 -> 1; 2 -> 2; else -> 3 }
}
"""
    facts = parse_source("f.kt", "kotlin", source)
    # if, &&, ||, else-if, for, while, do-while, catch, ?:, lambda's if, when (3 - 1)
    assert [(f.name, f.complexity) for f in facts.functions] == [("f", 1 + 12)]


def test_gradle_resolution_with_top_level_functions_and_java_interop(
    make_repo: Callable[..., GitRepo],
) -> None:
    analysis = _analyse(_gradle_repo(make_repo))
    edges = edge_set(analysis)
    core = "core/src/main/kotlin/com/acme"
    service = "app/src/main/kotlin/com/acme/app/Service.kt"
    assert {
        (service, f"{core}/core/Order.kt"),  # class import and aliased nested class
        (service, f"{core}/core/Money.kt"),  # top-level function: every overload's file
        (service, f"{core}/core/MoneyJvm.kt"),
        (service, f"{core}/util/Text.kt"),  # star import, the function used
        (service, "app/src/main/kotlin/com/acme/app/Repository.kt"),  # same package
        (service, "app/src/main/kotlin/com/acme/app/Defaults.kt"),  # same-package function
        ("app/src/main/java/com/acme/app/Legacy.java", f"{core}/core/Money.kt"),  # facade
        ("app/src/main/java/com/acme/app/Legacy.java", service),  # Java -> Kotlin type
    } <= edges
    assert (service, f"{core}/util/Other.kt") not in edges
    assert {e.package for e in analysis.resolution.external if e.source == service} == {
        "kotlinx.coroutines"
    }
    modules = analysis.resolution.modules
    assert modules[service] == "com.acme.app.Service"
    assert modules[f"{core}/core/Money.kt"] == "com.acme.core.MoneyKt"
    assert set(analysis.components) == {"app", "core"}


def test_partly_parsed_kotlin_keeps_its_imports(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo()
    repo.write("src/p/Target.kt", "package p\n\nclass Target\n")
    repo.write("src/q/Broken.kt", "package q\n\nimport p.Target\n\nclass Broken { fun f( {\n")
    repo.write(
        "src/q/Gen.kt", "// Code generated by a tool. DO NOT EDIT.\npackage q\n\nclass Gen\n"
    )
    analysis = _analyse(repo)
    assert ("src/q/Broken.kt", "src/p/Target.kt") in edge_set(analysis)
    kinds = {(w.path, w.kind) for w in analysis.warnings}
    assert ("src/q/Broken.kt", "parse") in kinds
    assert ("src/q/Gen.kt", "generated") in kinds
