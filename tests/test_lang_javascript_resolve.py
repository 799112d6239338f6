"""JavaScript/TypeScript resolution on real git repositories, like Node and TypeScript."""

from __future__ import annotations

import json

from archscan.records import Analysis
from helpers import analyse, edge_set


def _external(analysis: Analysis, source: str) -> set[str]:
    return {e.package for e in analysis.resolution.external if e.source == source}


def _warnings(analysis: Analysis, kind: str) -> list[str]:
    return [f"{w.path}: {w.message}" for w in analysis.warnings if w.kind == kind]


def test_relative_imports_probe_extensions_index_and_ts_js_mapping(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write(
        "src/main.ts",
        'import { a } from "./a.js";\n'  # TypeScript's ESM spelling of ./a.ts
        'import { b } from "./b";\n'
        'import { c } from "./lib";\n'  # folder: lib/index.tsx
        'import data from "./data.json";\n'  # asset: no edge, no warning
        'import "./styles.css";\n'
        'import { gone } from "./missing";\n',
    )
    repo.write("src/a.ts", "export const a = 1;\n")
    repo.write("src/b.tsx", "export const b = 2;\n")
    repo.write("src/lib/index.tsx", "export const c = 3;\n")
    repo.write("src/data.json", "{}\n")
    repo.write("src/styles.css", "a {}\n")
    repo.write("tools/run.cjs", "const m = require('../src/a');\nrequire('./helper.mjs');\n")
    repo.write("tools/helper.mjs", "export default 1;\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert edge_set(analysis) == {
        ("src/main.ts", "src/a.ts"),
        ("src/main.ts", "src/b.tsx"),
        ("src/main.ts", "src/lib/index.tsx"),
        ("tools/run.cjs", "src/a.ts"),
        ("tools/run.cjs", "tools/helper.mjs"),
    }
    unresolved = _warnings(analysis, "unresolved-import")
    assert unresolved == ["src/main.ts: line 6: ./missing names no file of the repository"]


def test_dependency_records_keep_lines_kind_and_type_only(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write(
        "src/app.ts",
        'import type { T } from "./types";\n'
        'import { v } from "./values";\n'
        'export { w } from "./values";\n'
        'const lazy = () => import("./lazy");\n',
    )
    repo.write("src/types.ts", "export type T = string;\n")
    repo.write("src/values.ts", "export const v = 1, w = 2;\n")
    repo.write("src/lazy.ts", "export default 1;\n")
    repo.commit()
    deps = {d.target: d for d in analyse(repo.root).resolution.dependencies}
    assert deps["src/types.ts"].type_only
    assert not deps["src/values.ts"].type_only
    assert deps["src/values.ts"].lines == (2, 3)
    assert deps["src/values.ts"].kind == "import"
    assert deps["src/lazy.ts"].kind == "dynamic"


def test_external_packages_are_named_and_builtins_ignored(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write(
        "index.js",
        "import React from 'react';\n"
        "import { render } from 'react-dom/client';\n"
        "import { x } from '@scope/pkg/deep/path';\n"
        "import fs from 'node:fs';\n"
        "const path = require('path');\n"
        "import icon from './icon.svg?react';\n",
    )
    repo.write("icon.svg", "<svg/>\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert _external(analysis, "index.js") == {"react", "react-dom", "@scope/pkg"}
    assert _warnings(analysis, "unresolved-import") == []


def test_tsconfig_paths_and_base_url_through_extends_with_comments(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write(
        "tsconfig.base.json",
        '{\n  // shared options\n  "compilerOptions": {\n'
        '    "baseUrl": "src", /* bare specifiers from src/ */\n'
        '    "paths": { "@core/*": ["core/*"], "@config": ["../config/index.ts"], },\n'
        "  },\n}\n",
    )
    repo.write("app/tsconfig.json", '{ "extends": "../tsconfig.base", }\n')
    repo.write(
        "app/main.ts",
        'import { a } from "@core/a";\n'
        'import { cfg } from "@config";\n'
        'import { u } from "utils/u";\n'  # baseUrl
        'import lodash from "lodash";\n',
    )
    repo.write("src/core/a.ts", "export const a = 1;\n")
    repo.write("src/utils/u.ts", "export const u = 1;\n")
    repo.write("config/index.ts", "export const cfg = 1;\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert edge_set(analysis) == {
        ("app/main.ts", "src/core/a.ts"),
        ("app/main.ts", "config/index.ts"),
        ("app/main.ts", "src/utils/u.ts"),
    }
    assert _external(analysis, "app/main.ts") == {"lodash"}
    assert _warnings(analysis, "config") == []


def test_paths_without_base_url_are_relative_to_their_config(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("web/jsconfig.json", '{"compilerOptions": {"paths": {"~/*": ["./src/*"]}}}\n')
    repo.write("web/src/app.jsx", "import { h } from '~/lib/h';\n")
    repo.write("web/src/lib/h.js", "export const h = 1;\n")
    repo.commit()
    assert edge_set(analyse(repo.root)) == {("web/src/app.jsx", "web/src/lib/h.js")}


def test_circular_extends_and_alias_outside_repository_warn(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write(
        "tsconfig.json",
        '{"extends": "./tsconfig.other.json",\n'
        ' "compilerOptions": {"paths": {"@ext/*": ["../../outside/*"]}}}\n',
    )
    repo.write("tsconfig.other.json", '{"extends": "./tsconfig.json"}\n')
    repo.write("src/a.ts", 'import { x } from "@ext/x";\nimport { b } from "./b";\n')
    repo.write("src/b.ts", "export const b = 1;\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert edge_set(analysis) == {("src/a.ts", "src/b.ts")}
    config = _warnings(analysis, "config")
    assert len(config) == 1 and "circular tsconfig extends" in config[0]
    outside = _warnings(analysis, "unresolved-import")
    assert outside == [
        "src/a.ts: line 1: @ext/x: path alias in tsconfig.json points outside the repository"
    ]
    assert _external(analysis, "src/a.ts") == set()


def test_relative_import_leaving_the_repository_is_reported(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("a.js", "import x from '../../etc/passwd';\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert edge_set(analysis) == set()
    assert "points outside the repository" in _warnings(analysis, "unresolved-import")[0]


def test_npm_workspaces_with_exports_main_and_build_output_mapping(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("package.json", json.dumps({"name": "mono", "workspaces": ["packages/*"]}))
    repo.write(
        "packages/core/package.json",
        json.dumps(
            {
                "name": "@acme/core",
                "exports": {
                    ".": {"types": "./dist/index.d.ts", "import": "./dist/index.js"},
                    "./utils/*": "./src/utils/*.ts",
                },
            }
        ),
    )
    repo.write("packages/core/src/index.ts", "export const core = 1;\n")
    repo.write("packages/core/src/utils/str.ts", "export const s = 1;\n")
    repo.write(
        "packages/legacy/package.json", json.dumps({"name": "legacy", "main": "lib/main.js"})
    )
    repo.write("packages/legacy/lib/main.js", "module.exports = 1;\n")
    repo.write("packages/legacy/lib/extra.js", "module.exports = 2;\n")
    repo.write(
        "packages/app/src/app.ts",
        'import { core } from "@acme/core";\n'
        'import { s } from "@acme/core/utils/str";\n'
        'import legacy from "legacy";\n'
        'import extra from "legacy/lib/extra";\n',
    )
    # A fixture package.json outside the workspaces must not capture a real package name.
    repo.write("test/fixtures/react/package.json", json.dumps({"name": "react"}))
    repo.write("test/fixtures/react/index.js", "module.exports = 1;\n")
    repo.write("test/uses-react.js", "require('react');\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert edge_set(analysis) == {
        ("packages/app/src/app.ts", "packages/core/src/index.ts"),
        ("packages/app/src/app.ts", "packages/core/src/utils/str.ts"),
        ("packages/app/src/app.ts", "packages/legacy/lib/main.js"),
        ("packages/app/src/app.ts", "packages/legacy/lib/extra.js"),
    }
    assert _external(analysis, "test/uses-react.js") == {"react"}
    modules = analysis.resolution.modules
    assert modules["packages/core/src/utils/str.ts"] == "@acme/core/src/utils/str"
    assert modules["test/uses-react.js"] == "test/uses-react"  # root package: plain path


def test_pnpm_workspace_and_subpath_imports(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("package.json", json.dumps({"name": "root", "private": True}))
    repo.write("pnpm-workspace.yaml", "packages:\n  - 'libs/**'\n  - '!libs/ignored'\n")
    repo.write(
        "libs/ui/package.json",
        json.dumps({"name": "ui", "main": "index.js", "imports": {"#internal/*": "./src/*.js"}}),
    )
    repo.write("libs/ui/index.js", "import { h } from '#internal/helpers';\n")
    repo.write("libs/ui/src/helpers.js", "export const h = 1;\n")
    repo.write("libs/ignored/package.json", json.dumps({"name": "ignored"}))
    repo.write("libs/ignored/index.js", "export default 1;\n")
    repo.write("app.js", "import ui from 'ui';\nimport ig from 'ignored';\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert edge_set(analysis) == {
        ("libs/ui/index.js", "libs/ui/src/helpers.js"),
        ("app.js", "libs/ui/index.js"),
    }
    assert _external(analysis, "app.js") == {"ignored"}


def test_plain_project_module_names_are_paths_without_extension(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("src/util/str.js", "export const s = 1;\n")
    repo.write("types/api.d.ts", "export interface Api {}\n")
    repo.commit()
    modules = analyse(repo.root).resolution.modules
    assert modules["src/util/str.js"] == "src/util/str"
    assert modules["types/api.d.ts"] == "types/api"


def test_bad_configuration_files_warn_and_the_rest_still_resolves(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("package.json", "{ not json")
    repo.write("tsconfig.json", '{ "compilerOptions": [ }')
    repo.write("a.ts", 'import { b } from "./b";\n')
    repo.write("b.ts", "export const b = 1;\n")
    repo.write("dist/bundle.js", "ignored: vendored by default\n")
    repo.write("public/app.js", "var a=function(b){return b+1};" * 200)
    repo.commit()
    before = repo.snapshot()
    analysis = analyse(repo.root)
    assert edge_set(analysis) == {("a.ts", "b.ts")}
    kinds = {w.kind for w in analysis.warnings}
    assert {"config", "minified"} <= kinds
    assert repo.snapshot() == before  # nothing written into the analysed repository


def test_config_warnings_found_by_the_second_language_are_kept(make_repo) -> None:  # type: ignore[no-untyped-def]
    # javascript resolves first and loads no tsconfig; typescript then meets a broken one.
    repo = make_repo()
    repo.write("web/a.js", "import x from 'left-pad';\n")
    repo.write("api/tsconfig.json", '{"extends": "./tsconfig.json"}\n')
    repo.write("api/b.ts", 'import y from "left-pad";\n')
    repo.commit()
    config = _warnings(analyse(repo.root), "config")
    assert config == [
        "api/tsconfig.json: circular tsconfig extends: api/tsconfig.json -> api/tsconfig.json"
    ]
