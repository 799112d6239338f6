"""Deployable units the repository declares (Helm charts, npm/yarn/pnpm workspaces),
build-wrapper roles, and resolution scoped to the importer's own deployable in
JavaScript/TypeScript, Go and Java: real repositories built in tmp_path."""

from __future__ import annotations

from collections.abc import Callable

from archscan import manifests
from archscan.records import Analysis
from conftest import GitRepo
from helpers import analyse, edge_set

DEPLOYMENT = (
    "{{- if .Values.orders.create }}\n"
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
    "  name: {{ .Values.orders.name }}\n"
    '  labels:\n    {{- include "shop.labels" . | nindent 4 }}\n'
    "spec:\n  template:\n    spec:\n      containers:\n"
    "        - name: app\n"
    "          image: {{ .Values.registry }}/billing:"
    "{{ .Values.tag | default .Chart.AppVersion }}\n"
    "          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n"
    "{{- end }}\n"
)


def _groups(analysis: Analysis) -> dict[str, object]:
    assert analysis.boundaries is not None
    return {g.name: g for g in analysis.boundaries.groups}


def _chart_repo(repo: GitRepo) -> GitRepo:
    chart = "shop-chart"
    repo.write(f"{chart}/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 1.0.0\n")
    repo.write(
        f"{chart}/values.yaml",
        "registry: ghcr.io/acme\norders:\n  create: true\n  name: orders\n"
        "payments:\n  image:\n    repository: ghcr.io/acme/payments\n    tag: '1'\n",
    )
    repo.write(f"{chart}/templates/orders.yaml", DEPLOYMENT)
    repo.write(f"{chart}/templates/_helpers.tpl", '{{- define "shop.labels" -}}\n{{- end }}\n')
    repo.write(f"{chart}/templates/NOTES.txt", "Installed {{ .Chart.Name }}.\n")
    repo.write(
        f"{chart}/templates/tests/test-connection.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\n",
    )
    repo.write(f"{chart}/README.md", "# the shop chart\n")
    # a chart in a test fixture is a test: no deployable, names nothing
    repo.write("tests/fixtures/demo/Chart.yaml", "name: demo\n")
    repo.write("tests/fixtures/demo/templates/x.yaml", DEPLOYMENT.replace("orders", "probe"))
    for name in ("orders", "billing", "payments", "probe"):
        repo.write(f"services/{name}/app.py", "x = 1\n")
    repo.commit()
    return repo


def test_a_helm_chart_is_a_deployable_and_its_templates_name_the_services(
    make_repo: Callable[..., GitRepo],
) -> None:
    analysis = analyse(_chart_repo(make_repo()).root)
    groups = _groups(analysis)
    assert set(groups) == {"shop", "orders", "billing", "payments"}
    shop = groups["shop"]
    assert (shop.kind, shop.root, shop.evidence) == (  # type: ignore[attr-defined]
        "helm-chart",
        "shop-chart",
        ("shop-chart/Chart.yaml",),
    )
    # metadata.name from values.yaml, the image name through .Values.registry,
    # values.yaml's image.repository: each names one service folder
    template = "shop-chart/templates/orders.yaml"
    assert groups["orders"].evidence == (template,)  # type: ignore[attr-defined]
    assert groups["billing"].evidence == (template,)  # type: ignore[attr-defined]
    assert groups["payments"].evidence == ("shop-chart/values.yaml",)  # type: ignore[attr-defined]
    assert groups["orders"].kind == "k8s-service"  # type: ignore[attr-defined]
    roles = {f.path: f.role for f in analysis.files}
    for name in ("orders.yaml", "_helpers.tpl", "NOTES.txt"):
        assert roles[f"shop-chart/templates/{name}"] == "build", name
    assert roles["shop-chart/templates/tests/test-connection.yaml"] == "test"
    assert roles["shop-chart/values.yaml"] == "build"
    assert roles["shop-chart/README.md"] == "docs"
    assert roles["tests/fixtures/demo/templates/x.yaml"] == "test"
    assert analysis.boundaries is not None
    assert analysis.boundaries.of("shop-chart/values.yaml") == "shop"
    # the Helm test hook's Pod (templates/tests/) deploys no service of the system
    assert analysis.boundaries.of("services/probe/app.py") == "(unassigned)"


def test_hostile_helm_templates_are_skipped_never_crash(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo()
    chart = "charts/evil"
    repo.write(f"{chart}/Chart.yaml", "name: [unclosed\n")  # not YAML: named by folder
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefghi", "bcdefghij", strict=True)
    )
    repo.write(f"{chart}/values.yaml", laughs + "big: " + "x" * 300_000 + "\nname: api\n")
    repo.write(
        f"{chart}/templates/a.yaml",
        "kind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n"
        + "  x: {{ .Values.big }}\n" * 2000
        + "---\nkind: Deployment\nmetadata: {{ toYaml .Values | nindent 2 }}\n"
        "---\nkind: Job\nmetadata:\n  name: {{ .Values" + ".a" * 5000 + " }}\n"
        "---\nkind: Pod\nmetadata:\n  name: {{ unterminated\n",
    )
    repo.write(f"{chart}/templates/b.yaml", "kind: Deployment\n" + "[" * 5000 + "\n")
    repo.write(f"{chart}/templates/c.yaml", "kind: Deployment\nspec: {{ {{ }} }} }}\x00\xff\n")
    for name in ("api", "web"):
        repo.write(f"{name}/main.py", "x = 1\n")
    repo.write("web/Dockerfile", "FROM python\n")
    repo.commit()
    groups = _groups(analyse(repo.root))
    assert set(groups) == {"evil", "api", "web"}
    assert groups["api"].evidence == (f"{chart}/templates/a.yaml",)  # type: ignore[attr-defined]


def test_rendering_is_bounded_and_strips_what_it_cannot_know() -> None:
    chart = manifests.Chart("c", "c", {"big": "y" * 100_000, "n": "api", "flag": True})
    rendered = manifests.render("a: {{ .Values.big }}\n" * 5000, chart)
    assert "y" not in rendered  # longer than a name: never substituted
    assert manifests.render("name: {{ .Values.n }}-{{ .Values.flag }}", chart) == "name: api-"
    assert manifests.render('x: {{ .Values.none | default "z" }}', chart) == "x: z"
    assert manifests.render("x: {{ .Chart.Name }} {{/* a comment */}}", chart) == "x: c "
    assert manifests.workload_names("kind: Deployment\nmetadata:\n  name: '{{'\n") == set()


def _workspace_repo(repo: GitRepo) -> GitRepo:
    repo.write(
        "package.json",
        '{"name": "acme", "private": true, '
        '"workspaces": ["packages/*", "!packages/legacy", "missing/*"]}\n',
    )
    repo.write("scripts/release.js", "module.exports = 1;\n")
    for name in ("core", "ui", "legacy"):
        repo.write(
            f"packages/{name}/package.json", f'{{"name": "@acme/{name}", "main": "src/index.ts"}}\n'
        )
        repo.write(f"packages/{name}/src/index.ts", "export const x = 1;\n")
    # a sub-entry point inside a member: part of it, not a package of its own
    repo.write("packages/ui/server/package.json", '{"main": "../src/server.ts"}\n')
    repo.write("packages/ui/src/server.ts", "import { x } from '@acme/core';\nexport { x };\n")
    repo.commit()
    return repo


def test_workspace_globs_make_each_member_a_deployable(
    make_repo: Callable[..., GitRepo],
) -> None:
    analysis = analyse(_workspace_repo(make_repo()).root)
    groups = _groups(analysis)
    assert set(groups) == {"@acme/core", "@acme/ui", "(root)"}
    assert groups["@acme/ui"].kind == "npm-workspace"  # type: ignore[attr-defined]
    assert groups["@acme/ui"].evidence == ("package.json", "packages/ui/package.json")  # type: ignore[attr-defined]
    assert analysis.boundaries is not None
    assert analysis.boundaries.of("packages/ui/server/package.json") == "@acme/ui"
    # excluded by "!packages/legacy": the root's
    assert analysis.boundaries.of("packages/legacy/src/index.ts") == "(root)"
    assert ("packages/ui/src/server.ts", "packages/core/src/index.ts") in edge_set(analysis)
    messages = [w.message for w in analysis.warnings if w.kind == "boundaries"]
    assert messages == ["workspace pattern 'missing/*' matches no package folder"]


def test_pnpm_workspace_globs_with_excludes_and_a_hostile_pattern(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo()
    repo.write(
        "pnpm-workspace.yaml",
        "packages:\n  - 'apps/**'\n  - '**/**/**'\n  - '**/**/**/**/**/**/zz'\n"
        "  - '!**/fixtures/**'\n  - 7\n",
    )
    deep = "/".join(f"d{n}" for n in range(30))
    for folder in ("apps/web", "apps/admin/panel", "apps/web/fixtures/demo", f"apps/{deep}"):
        repo.write(f"{folder}/package.json", f'{{"name": "{folder.rsplit("/", 1)[1]}"}}\n')
        repo.write(f"{folder}/main.js", "module.exports = 1;\n")
    repo.commit()
    analysis = analyse(repo.root)
    groups = _groups(analysis)
    assert {g.root for g in groups.values()} == {  # type: ignore[attr-defined]
        "apps/web",
        "apps/admin/panel",
        f"apps/{deep}",
    }
    assert analysis.boundaries is not None
    assert analysis.boundaries.of("apps/web/fixtures/demo/main.js") == "web"
    messages = [w.message for w in analysis.warnings if w.kind == "boundaries"]
    assert messages == ["workspace pattern '**/**/**/**/**/**/zz' matches no package folder"]


def test_a_workspace_package_name_in_two_services_resolves_inside_the_importers(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo()
    # the services are members of the root's workspace, their libraries of their own
    repo.write("package.json", '{"name": "root", "workspaces": ["svc-*"]}\n')
    for service in ("svc-a", "svc-b"):
        repo.write(f"{service}/Dockerfile", "FROM node\n")
        repo.write(
            f"{service}/package.json", f'{{"name": "{service}", "workspaces": ["libs/*"]}}\n'
        )
        repo.write(f"{service}/libs/util/package.json", '{"name": "@x/util", "main": "index.ts"}\n')
        repo.write(f"{service}/libs/util/index.ts", "export const u = 1;\n")
        repo.write(f"{service}/src/main.ts", "import { u } from '@x/util';\nexport { u };\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert {g.root: g.kind for g in _groups(analysis).values()} == {  # type: ignore[attr-defined]
        "svc-a": "dockerfile",
        "svc-b": "dockerfile",
        "svc-a/libs/util": "npm-workspace",
        "svc-b/libs/util": "npm-workspace",
    }
    edges = edge_set(analysis)
    assert ("svc-a/src/main.ts", "svc-a/libs/util/index.ts") in edges
    assert ("svc-b/src/main.ts", "svc-b/libs/util/index.ts") in edges
    assert ("svc-b/src/main.ts", "svc-a/libs/util/index.ts") not in edges


def test_a_go_import_path_in_two_services_resolves_in_the_importers_module(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo()
    for service in ("billing", "orders"):  # copy-pasted go.mod: the same module path
        repo.write(f"{service}/Dockerfile", "FROM golang\n")
        repo.write(f"{service}/go.mod", "module example.com/app\n\ngo 1.22\n")
        repo.write(f"{service}/db/db.go", "package db\n\nfunc Open() int { return 1 }\n")
        repo.write(
            f"{service}/main.go",
            'package main\n\nimport "example.com/app/db"\n\nfunc main() { db.Open() }\n',
        )
    repo.commit()
    edges = edge_set(analyse(repo.root))
    assert ("orders/main.go", "orders/db/db.go") in edges
    assert ("billing/main.go", "billing/db/db.go") in edges
    assert ("orders/main.go", "billing/db/db.go") not in edges


def _java(package: str, body: str) -> str:
    return f"package {package};\n\n{body}\n"


def test_a_java_class_in_two_modules_resolves_by_own_module_then_declared_dependency(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo()
    repo.write("pom.xml", "<project><artifactId>parent</artifactId><modules/></project>\n")
    for module in ("alpha", "beta"):
        repo.write(
            f"{module}/pom.xml",
            f"<project><parent><artifactId>parent</artifactId></parent>"
            f"<artifactId>{module}-lib</artifactId></project>\n",
        )
        src = f"{module}/src/main/java/com/acme"
        repo.write(f"{src}/Util.java", _java("com.acme", "public class Util {}"))
        repo.write(f"{src}/Service.java", _java("com.acme", "class Service { Util u; }"))
    repo.write(
        "app/pom.xml",
        "<project><artifactId>app</artifactId><dependencies><dependency>"
        "<groupId>com.acme</groupId><artifactId>beta-lib</artifactId>"
        "</dependency></dependencies></project>\n",
    )
    repo.write(
        "app/src/main/java/com/acme/app/Main.java",
        _java("com.acme.app", "import com.acme.Util;\nclass Main { Util u; }"),
    )
    repo.write("tool/build.gradle", "dependencies { implementation project(':alpha') }\n")
    repo.write(
        "tool/src/main/java/com/acme/tool/Tool.java",
        _java("com.acme.tool", "import com.acme.Util;\nclass Tool { Util u; }"),
    )
    repo.commit()
    edges = edge_set(analyse(repo.root))
    main = "app/src/main/java/com/acme/app/Main.java"
    assert (main, "beta/src/main/java/com/acme/Util.java") in edges  # declared dependency
    assert (main, "alpha/src/main/java/com/acme/Util.java") not in edges
    tool = "tool/src/main/java/com/acme/tool/Tool.java"
    assert (tool, "alpha/src/main/java/com/acme/Util.java") in edges  # project(':alpha')
    assert (tool, "beta/src/main/java/com/acme/Util.java") not in edges
    # the same package in two modules: a simple name stays in the module
    service = "beta/src/main/java/com/acme/Service.java"
    assert (service, "beta/src/main/java/com/acme/Util.java") in edges
    assert (service, "alpha/src/main/java/com/acme/Util.java") not in edges


def test_build_wrappers_and_manifests_anywhere_are_build_files(
    make_repo: Callable[..., GitRepo],
) -> None:
    repo = make_repo()
    paths = (
        ".mvn/wrapper/MavenWrapperDownloader.java",
        ".mvn/wrapper/maven-wrapper.properties",
        "gradle/wrapper/gradle-wrapper.properties",
        "gradle/wrapper/gradle-wrapper.jar",
        "services/api/gradle/wrapper/GradleWrapperMain.java",
        "services/api/.mvn/wrapper/MavenWrapperDownloader.java",
    )
    for path in paths:
        repo.write(path, "public class MavenWrapperDownloader {}\n")
    repo.write("ops/api.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
    repo.write("ops/settings.yaml", "kind: of\nlevel: 3\n")
    repo.write("services/api/src/main/java/a/App.java", "package a;\nclass App {}\n")
    repo.commit()
    roles = {f.path: f.role for f in analyse(repo.root).files}
    for path in paths:
        assert roles[path] == "build", path
    assert roles["ops/api.yaml"] == "build"
    assert roles["ops/settings.yaml"] == "config"
    assert roles["services/api/src/main/java/a/App.java"] == "production"
