"""An ArchUnit test class (JUnit 5): one frozen rule per constraint. FreezingArchRule
records the violations of the first run in ArchUnit's own store (archunit.properties
allows creating it) and fails only on new ones; today's violations, as archscan sees
them, are listed in the class comment."""

from __future__ import annotations

from archscan.errors import ConfigError
from archscan.export.common import ExportInput, PrefixCover, boundaries

_PROPERTIES = """\
# Written by `archscan export --to archunit`: the first run records today's
# violations (FreezingArchRule's store); commit the archunit_store folder.
freeze.store.default.path=archunit_store
freeze.store.default.allowStoreCreation=true
"""


def _java(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def export_archunit(data: ExportInput) -> list[tuple[str, str]]:
    bounds = boundaries(data)
    facts = data.analysis.facts
    packages = {
        f: facts[f].namespace
        for files in bounds.groups.values()
        for f in files
        if f in facts and facts[f].language == "java" and facts[f].namespace
    }
    cover = PrefixCover(bounds, packages, ".")
    rules = []
    comments = []
    for i, c in enumerate(bounds.constraints, start=1):
        source = [p for g in c.sources for p in cover.of_files(bounds.groups[g], g)]
        target = [p for g in c.targets for p in cover.of_files(bounds.groups[g], g)]
        if not source or not target:
            continue
        src = ", ".join(f'"{_java(p)}.."' for p in source)
        tgt = ", ".join(f'"{_java(p)}.."' for p in target)
        rules.append(
            f"    // {c.name}\n"
            f"    @ArchTest\n"
            f"    static final ArchRule rule{i} = FreezingArchRule.freeze(\n"
            f"            noClasses().that().resideInAnyPackage({src})\n"
            f"                    .should().dependOnClassesThat().resideInAnyPackage({tgt}));\n"
        )
        comments += [f" *   {c.name}: {a} -> {b}" for a, b in c.known]
    if not rules:
        raise ConfigError("export: no boundary between Java packages to export")
    known = "\n".join(comments) or " *   none"
    root = min(packages.values()).split(".")[0]
    text = (
        "package archscan;\n\n"
        "import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;\n\n"
        "import com.tngtech.archunit.junit.AnalyzeClasses;\n"
        "import com.tngtech.archunit.junit.ArchTest;\n"
        "import com.tngtech.archunit.lang.ArchRule;\n"
        "import com.tngtech.archunit.library.freeze.FreezingArchRule;\n\n"
        "/**\n * Exported by `archscan export --to archunit`. Violations today (frozen by the\n"
        f" * first run):\n{known}\n */\n"
        f'@AnalyzeClasses(packages = "{_java(root)}")\n'
        "public class ArchitectureTest {\n" + "\n".join(rules) + "}\n"
    )
    return [
        ("src/test/java/archscan/ArchitectureTest.java", text),
        ("src/test/resources/archunit.properties", _PROPERTIES),
    ]
