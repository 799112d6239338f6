"""C#: parsing facts, and resolution on a real solution with several .csproj projects."""

from __future__ import annotations

from collections.abc import Callable

from archscan.config import Config
from archscan.languages.csharp.projects import components, project_folders, project_of
from archscan.parse import parse_source
from archscan.pipeline import RunOptions, run
from archscan.records import Analysis, Import
from conftest import GitRepo
from helpers import edge_set

CONTROLLER = """using System.Text;
using Acme.Core.Entities;
using static Acme.Core.Guards;
using Line = Acme.Core.Entities.Order.Line;
using Mapper = Acme.Core.Mapping;

namespace Acme.Web.Controllers
{
    [Audited]
    public class OrderController : ControllerBase
    {
        private readonly Order _order;
        public string Show(Line line) => Mapper.OrderMap.Name + Helpers.Format(Acme.Core.Clock.Now);
    }
}
"""


def _analyse(repo: GitRepo) -> Analysis:
    repo.commit("initial")
    return run(repo.root, Config(), RunOptions(jobs=1, use_cache=False))


def _solution(make_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = make_repo()
    repo.write("Acme.sln", "Microsoft Visual Studio Solution File\n")
    repo.write("src/Core/Core.csproj", '<Project Sdk="Microsoft.NET.Sdk" />\n')
    repo.write("src/Web/Web.csproj", '<Project Sdk="Microsoft.NET.Sdk.Web" />\n')
    core = "src/Core"
    repo.write(
        f"{core}/Entities/Order.cs",
        "namespace Acme.Core.Entities;\n\npublic class Order\n{\n    public class Line {}\n}\n",
    )
    repo.write(
        f"{core}/Entities/Invoice.cs", "namespace Acme.Core.Entities;\n\npublic class Invoice {}\n"
    )
    repo.write(
        f"{core}/Entities/IRepository.cs",
        "namespace Acme.Core.Entities;\n\npublic interface IRepository {}\n",
    )
    repo.write(f"{core}/Guards.cs", "namespace Acme.Core;\n\npublic static class Guards {}\n")
    repo.write(f"{core}/Clock.cs", "namespace Acme.Core;\n\npublic static class Clock {}\n")
    repo.write(
        f"{core}/Mapping/OrderMap.cs",
        "namespace Acme.Core.Mapping\n{\n    public static class OrderMap {}\n}\n",
    )
    web = "src/Web"
    repo.write(f"{web}/Controllers/OrderController.cs", CONTROLLER)
    repo.write(
        f"{web}/Controllers/ControllerBase.cs",
        "namespace Acme.Web.Controllers;\n\npublic abstract class ControllerBase {}\n",
    )
    repo.write(f"{web}/Helpers.cs", "namespace Acme.Web;\n\npublic static class Helpers {}\n")
    repo.write(
        f"{web}/AuditedAttribute.cs",
        "namespace Acme.Web;\n\npublic class AuditedAttribute : System.Attribute {}\n",
    )
    repo.write(f"{web}/GlobalUsings.cs", "global using Acme.Core.Entities;\n")
    repo.write(
        f"{web}/Reports/Report.cs",
        "namespace Acme.Web.Reports;\n\npublic class Report { Invoice Last; }\n",
    )
    repo.write(f"{web}/Partial/Cart.cs", "namespace Acme.Web;\n\npublic partial class Cart {}\n")
    repo.write(
        f"{web}/Partial/Cart.Totals.cs",
        "namespace Acme.Web;\n\npublic partial class Cart { int Total; }\n",
    )
    repo.write(f"{web}/Checkout.cs", "namespace Acme.Web;\n\npublic class Checkout { Cart c; }\n")
    return repo


def test_usings_of_every_kind_and_namespaces_are_parsed() -> None:
    facts = parse_source("C.cs", "csharp", CONTROLLER.encode())
    assert facts.namespace == "Acme.Web.Controllers"
    assert facts.imports == (
        Import("System.Text", 1, "using"),
        Import("Acme.Core.Entities", 2, "using"),
        Import("Acme.Core.Guards", 3, "using-static"),
        Import("Acme.Core.Entities.Order.Line", 4, "using-alias", ("Line",)),
        Import("Acme.Core.Mapping", 5, "using-alias", ("Mapper",)),
    )
    assert {"Order", "ControllerBase", "AuditedAttribute", "Helpers", "Line"} <= set(
        facts.references
    )
    assert "Show" not in facts.references  # a declared name is not a reference
    globals_ = parse_source("G.cs", "csharp", b"global using global::Acme.Core;\n")
    assert globals_.imports == (Import("Acme.Core", 1, "global-using"),)
    source = b"""namespace A.B { public abstract class X { class N {} } interface I {} }
namespace A.B { namespace C { struct S {} } }
"""
    found = {
        (d.name, d.kind, d.abstract) for d in parse_source("X.cs", "csharp", source).definitions
    }
    assert found == {
        ("X", "class", True),
        ("X.N", "class", False),
        ("I", "interface", True),
        ("global::A.B.C.S", "struct", False),
    }


def test_complexity_counts_csharp_decision_points() -> None:
    source = b"""class C {
    int F(int x, string s) {
        if (x > 0 && x < 9 || x == 20) { } else if (x < 0) { }
        for (var i = 0; i < x; i++) { }
        foreach (var c in s) { }
        while (x > 9) { x--; }
        do { x++; } while (x < 3);
        switch (x) { case 1: case 2: break; default: break; }
        try { } catch (System.Exception) { }
        var n = s?.Length ?? 0;
        s ??= "";
        return x > 5 ? 1 : 0;
    }
    int P { get { return 1 > 0 ? 1 : 2; } }
}
"""
    facts = parse_source("C.cs", "csharp", source)
    by_name = {f.name: f.complexity for f in facts.functions}
    # if, &&, ||, else-if, for, while, do, case x2, catch, ?., ??, ??=, ?: (foreach: lizard's rule)
    assert by_name["C.F"] == 1 + 14
    assert by_name["C.P.get"] == 2


def test_a_using_leads_only_to_the_files_of_the_types_used(
    make_repo: Callable[..., GitRepo],
) -> None:
    analysis = _analyse(_solution(make_repo))
    edges = edge_set(analysis)
    controller = "src/Web/Controllers/OrderController.cs"
    core = "src/Core"
    assert {
        (controller, f"{core}/Entities/Order.cs"),  # using + type used; alias to nested type
        (controller, f"{core}/Guards.cs"),  # using static
        (controller, f"{core}/Mapping/OrderMap.cs"),  # namespace alias, `Mapper.OrderMap`
        (controller, f"{core}/Clock.cs"),  # fully qualified name inline
        (controller, "src/Web/Controllers/ControllerBase.cs"),  # same namespace
        (controller, "src/Web/Helpers.cs"),  # enclosing namespace Acme.Web
        (controller, "src/Web/AuditedAttribute.cs"),  # [Audited]
        ("src/Web/Reports/Report.cs", f"{core}/Entities/Invoice.cs"),  # global using
        ("src/Web/Checkout.cs", "src/Web/Partial/Cart.cs"),  # partial class: all its files
        ("src/Web/Checkout.cs", "src/Web/Partial/Cart.Totals.cs"),
    } <= edges
    # The namespace has three files; the controller uses one type of it.
    assert (controller, f"{core}/Entities/Invoice.cs") not in edges
    assert (controller, f"{core}/Entities/IRepository.cs") not in edges
    lines = {d.target: d.lines for d in analysis.resolution.dependencies if d.source == controller}
    assert lines[f"{core}/Guards.cs"] == (3,)
    assert {e.package for e in analysis.resolution.external if e.source == controller} == {
        "System.Text"
    }
    modules = analysis.resolution.modules
    assert modules[controller] == "Acme.Web.Controllers.OrderController"
    assert modules["src/Web/Partial/Cart.Totals.cs"] == "Acme.Web.Cart"


def test_csproj_projects_are_components(make_repo: Callable[..., GitRepo]) -> None:
    analysis = _analyse(_solution(make_repo))
    assert analysis.components == {"Core": ("src/Core/**",), "Web": ("src/Web/**",)}
    by_name = {m.name: m for m in analysis.structure.components}
    assert by_name["Web"].ce >= 5 and by_name["Core"].ca >= 2 and by_name["Core"].ce == 0
    paths = ["a/A.csproj", "a/tests/T.csproj", "a/x.cs", "a/tests/t.cs", "loose.cs"]
    folders = project_folders(paths)
    assert project_of("a/tests/t.cs", folders) == "a/tests"
    assert project_of("a/x.cs", folders) == "a"
    assert project_of("loose.cs", folders) is None
    assert list(components(paths)) == ["T", "A"]  # the nested project first


def test_generated_and_broken_files_are_flagged(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo()
    repo.write("App.csproj", "<Project />\n")
    repo.write("Model.cs", "namespace App;\n\npublic class Model {}\n")
    repo.write(
        "Auto.cs",
        "// <auto-generated>\n//   by a tool\n// </auto-generated>\n"
        "namespace App;\n\npublic class Auto {}\n",
    )
    repo.write("Form1.Designer.cs", "namespace App;\n\npartial class Form1 {}\n")
    repo.write(
        "Broken.cs", "using System;\nnamespace App;\n\npublic class Broken { Model m; void F( }\n"
    )
    repo.write("Missing.cs", "using App.Nowhere;\nnamespace App;\n\nclass Missing {}\n")
    analysis = _analyse(repo)
    kinds = {(w.path, w.kind) for w in analysis.warnings}
    assert {
        ("Auto.cs", "generated"),
        ("Form1.Designer.cs", "generated"),
        ("Broken.cs", "parse"),
        ("Missing.cs", "unresolved-import"),
    } <= kinds
    assert ("Model.cs", "generated") not in kinds
    assert ("Broken.cs", "Model.cs") in edge_set(analysis)


HOSTING_EXTENSIONS = """using System;

namespace Microsoft.Extensions.Hosting;

public static class Extensions
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder b) => b;
    public static T AddTyped<T>(this IHostApplicationBuilder b) where T : new() => new T();
    public static void Helper(IHostApplicationBuilder b) { }
}
"""

APP_PROGRAM = """using Microsoft.Extensions.Hosting;
using Acme.Tools;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder?.AddTyped<Settings>();
builder.AddApplicationServices();
new Formatter().Render();
"""


def _extension_solution(make_repo: Callable[..., GitRepo]) -> GitRepo:
    """Two services sharing a defaults project, as in dotnet/eShop."""
    repo = make_repo()
    repo.write("src/Defaults/Defaults.csproj", '<Project Sdk="Microsoft.NET.Sdk" />\n')
    repo.write("src/Defaults/Extensions.cs", HOSTING_EXTENSIONS)
    repo.write(
        "src/Defaults/Rendering.cs",
        "namespace Acme.Rendering;\n\n"
        "public static class RenderingExtensions\n"
        "{\n    public static string Render(this object o) => o.ToString();\n}\n",
    )
    repo.write(
        "src/Defaults/Formatter.cs",
        "namespace Acme.Tools;\n\npublic class Formatter\n{\n"
        '    public string Render() => "";\n}\n',
    )
    for service in ("App", "Other"):
        repo.write(f"src/{service}/{service}.csproj", '<Project Sdk="Microsoft.NET.Sdk.Web" />\n')
        # Each service declares its own helper in the global namespace.
        repo.write(
            f"src/{service}/Extensions/Extensions.cs",
            "public static class Extensions\n{\n"
            "    public static void AddApplicationServices(this IHostApplicationBuilder b)"
            " { }\n}\n",
        )
    repo.write("src/App/Program.cs", APP_PROGRAM)
    repo.write("src/Other/GlobalUsings.cs", "global using Acme.Rendering;\n")
    repo.write(
        "src/Other/Worker.cs",
        "namespace Other;\n\npublic class Worker\n{\n"
        "    string Run(object job) => job.Render();\n}\n",
    )
    return repo


def test_extension_methods_and_member_calls_are_parsed() -> None:
    facts = parse_source("Extensions.cs", "csharp", HOSTING_EXTENSIONS.encode())
    assert {(d.name, d.kind) for d in facts.definitions} == {
        ("Extensions", "class"),
        ("Extensions.AddServiceDefaults", "extension-method"),
        ("Extensions.AddTyped", "extension-method"),  # `Helper` has no `this` parameter
    }
    # A `this` parameter outside a static class is not an extension method (CS1106).
    plain = parse_source("P.cs", "csharp", b"class P { void M(this int x) { } }")
    assert [d.kind for d in plain.definitions] == ["class"]
    program = parse_source("Program.cs", "csharp", APP_PROGRAM.encode())
    # Member calls only: `x.M()`, `x?.M<T>()`, `new F().M()`; not `CreateBuilder`'s receiver.
    assert program.member_calls == (
        "AddApplicationServices",
        "AddServiceDefaults",
        "AddTyped",
        "CreateBuilder",
        "Render",
    )
    assert "AddServiceDefaults" not in program.references


def test_a_using_leads_to_the_extension_methods_the_file_calls(
    make_repo: Callable[..., GitRepo],
) -> None:
    analysis = _analyse(_extension_solution(make_repo))
    edges = edge_set(analysis)
    program = "src/App/Program.cs"
    lines = {d.target: d.lines for d in analysis.resolution.dependencies if d.source == program}
    # `using Microsoft.Extensions.Hosting;` (line 1) leads to the other project's extensions,
    # for the plain and the generic call alike.
    assert lines["src/Defaults/Extensions.cs"] == (1,)
    # Acme.Rendering is not imported: `Render()` is Formatter's own method, no edge.
    assert (program, "src/Defaults/Rendering.cs") not in edges
    assert (program, "src/Defaults/Formatter.cs") in edges
    # The global namespace is visible; the file's own project's helper, not its sibling's.
    assert (program, "src/App/Extensions/Extensions.cs") in edges
    assert (program, "src/Other/Extensions/Extensions.cs") not in edges
    # A `global using` of the project makes the extension visible to every file of it.
    assert ("src/Other/Worker.cs", "src/Defaults/Rendering.cs") in edges
    # The declaring file's namespace holds no type named like the method: no type edge.
    assert not any(
        d.source == "src/Defaults/Extensions.cs" for d in analysis.resolution.dependencies
    )
