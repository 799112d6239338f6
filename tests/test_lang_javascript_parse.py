"""JavaScript/TypeScript parsing: imports of every form, definitions, complexity, bad input."""

from __future__ import annotations

import tree_sitter as ts
import tree_sitter_typescript

from archscan.languages import treesitter as tsu
from archscan.languages.registry import language_for
from archscan.parse import parse_source
from archscan.records import FileFacts, Import


def _parse(path: str, text: str | bytes) -> FileFacts:
    source = text.encode() if isinstance(text, str) else text
    language = language_for(path, source[:100])
    assert language is not None
    return parse_source(path, language, source)


def _by_target(facts: FileFacts) -> dict[str, Import]:
    return {i.target: i for i in facts.imports}


def test_languages_are_known_by_extension_and_shebang() -> None:
    for name in ("a.js", "a.jsx", "a.mjs", "a.cjs", "a.vue", "a.svelte"):
        assert language_for(name) == "javascript"
    for name in ("a.ts", "a.tsx", "a.mts", "a.cts", "a.d.ts"):
        assert language_for(name) == "typescript"
    assert language_for("bin/tool", b"#!/usr/bin/env node\n") == "javascript"


def test_es_module_imports_and_re_exports() -> None:
    facts = _parse(
        "src/a.ts",
        'import def, { x as y } from "./default";\n'
        'import * as ns from "@scope/pkg/sub";\n'
        'import "./side-effect";\n'
        'export * from "./star";\n'
        'export * as bundle from "./bundle";\n'
        'export { one, two as three } from "./named";\n'
        "export const local = 1;\n",
    )
    imports = _by_target(facts)
    assert set(imports) == {
        "./default",
        "@scope/pkg/sub",
        "./side-effect",
        "./star",
        "./bundle",
        "./named",
    }
    assert imports["./default"].names == ("default", "x")
    assert imports["@scope/pkg/sub"].names == ("*",)
    assert imports["./star"].kind == "export" and imports["./star"].names == ("*",)
    assert imports["./named"].names == ("one", "two")
    assert imports["./side-effect"].line == 3
    assert not any(i.type_checking for i in facts.imports)


def test_type_only_imports_and_exports_are_flagged() -> None:
    facts = _parse(
        "src/a.ts",
        'import type { A } from "./a";\n'
        'import { type B, type C } from "./bc";\n'
        'import { type D, E } from "./de";\n'
        'export type { F } from "./f";\n'
        'type G = import("./g").G;\n',
    )
    imports = _by_target(facts)
    assert imports["./a"].type_checking
    assert imports["./bc"].type_checking  # every specifier is a type: erased at runtime
    assert not imports["./de"].type_checking  # E is a value
    assert imports["./f"].type_checking
    assert imports["./g"].type_checking and imports["./g"].kind == "dynamic"


def test_dynamic_import_and_require_with_literals_only() -> None:
    facts = _parse(
        "lib/a.js",
        "const fs = require('fs');\n"
        "const b = require(`./b`);\n"
        "function later() { return import(/* webpackChunkName: 'c' */ './c'); }\n"
        "const d = require(name);\n"
        "const e = import(`./e/${name}`);\n"
        "const f = other('./f');\n",
    )
    imports = _by_target(facts)
    assert set(imports) == {"fs", "./b", "./c"}
    assert imports["fs"].kind == "require"
    assert imports["./c"].kind == "dynamic" and imports["./c"].local
    assert not imports["./b"].local


def test_typescript_import_equals_require_and_triple_slash_reference() -> None:
    facts = _parse(
        "src/a.ts",
        '/// <reference path="globals.d.ts" />\nimport fs = require("./legacy");\n',
    )
    imports = _by_target(facts)
    assert imports["./legacy"].kind == "require"
    assert imports["./globals.d.ts"].kind == "reference"


def test_definitions_with_abstractness() -> None:
    facts = _parse(
        "src/shapes.ts",
        "export abstract class Shape { abstract area(): number; }\n"
        "export interface Named { name: string }\n"
        "class Square extends Shape { area() { return 1; } }\n"
        "export function make() { return new Square(); }\n"
        "enum Kind { A }\n"
        "type Id = string;\n",
    )
    found = {(d.name, d.kind, d.abstract) for d in facts.definitions}
    assert found == {
        ("Shape", "class", True),
        ("Named", "interface", True),
        ("Square", "class", False),
        ("make", "function", False),
        ("Kind", "enum", False),
        ("Id", "type", False),
    }


def test_complexity_counts_lizard_decision_points() -> None:
    facts = _parse(
        "src/c.js",
        "function f(a, b = 1, { c = 2 } = {}) {\n"  # 3 defaults
        "  if (a && b) { return 1; } else if (a || c) { return 2; }\n"  # if, &&, if, ||
        "  for (const x of a) {}\n"  # for
        "  for (let i = 0; i < 1; i++) {}\n"  # for
        "  while (a) {}\n"  # while
        "  do {} while (b);\n"  # do-while
        "  switch (a) { case 1: break; case 2: break; default: break; }\n"  # 2 cases
        "  try {} catch (e) {}\n"  # catch
        "  const g = () => (a ? b : c ?? 3);\n"  # counted in g, not f
        "  return a ? 1 : 2;\n"  # ?:
        "}\n",
    )
    by_name = {f.name: f for f in facts.functions}
    assert by_name["f"].complexity == 1 + 3 + 4 + 2 + 1 + 1 + 2 + 1 + 1
    assert by_name["g"].complexity == 3
    assert by_name["f"].line == 1 and by_name["f"].end_line == 11


def test_typescript_parameter_defaults_and_class_method_names() -> None:
    facts = _parse(
        "src/k.ts",
        "export class K {\n"
        "  run(limit: number = 3): number { return limit > 1 ? 1 : 0; }\n"
        "  handler = (e?: Event) => { if (e) { return; } };\n"
        "}\n",
    )
    by_name = {f.name: f.complexity for f in facts.functions}
    assert by_name == {"K.run": 3, "K.handler": 2}


def test_sloc_ignores_comments_and_blank_lines() -> None:
    facts = _parse("a.js", "// header\n\n/* block\n   comment */\nconst a = 1; // trailing\n")
    assert facts.sloc == 1


def test_vue_and_svelte_scripts_keep_their_line_numbers() -> None:
    vue = _parse(
        "src/App.vue",
        "<template>\n  <div>{{ x }}</div>\n</template>\n"
        '<script setup lang="ts">\n'
        'import type { Props } from "./types";\n'
        'import Child from "./Child.vue";\n'
        "const n: number = 1;\n"
        "</script>\n",
    )
    imports = _by_target(vue)
    assert imports["./types"].line == 5 and imports["./types"].type_checking
    assert imports["./Child.vue"].line == 6
    assert vue.errors == ()
    svelte = _parse(
        "src/Widget.svelte",
        '<script context="module">\nexport const x = 1;\n</script>\n'
        "<script>\n  import Button from './Button.svelte';\n</script>\n<h1>hi</h1>\n",
    )
    assert [(i.target, i.line) for i in svelte.imports] == [("./Button.svelte", 5)]


def test_minified_bundle_is_skipped_with_a_reason() -> None:
    body = "var a=function(b){return b+1};" * 200
    facts = _parse("public/app.js", 'import x from "./x";' + body)
    assert facts.imports == () and facts.functions == ()
    assert facts.errors and facts.errors[0].startswith("minified bundle skipped")


def test_long_data_line_in_normal_source_is_not_minified() -> None:
    text = "\n".join(f"export const v{i} = {i};" for i in range(200))
    text += '\nexport const table = "' + "ab " * 400 + '";\n'
    facts = _parse("src/table.js", text)
    assert facts.errors == ()
    assert facts.sloc == 201


def test_generated_code_is_flagged() -> None:
    generated = _parse(
        "src/api.ts", "// Code generated by protoc-gen-ts. DO NOT EDIT.\nexport {};\n"
    )
    written = _parse("src/app.ts", "export const x = 1;\n")
    assert generated.generated and not written.generated


def test_syntax_errors_are_reported_not_raised() -> None:
    facts = _parse("src/broken.ts", 'import { a } from "./a";\nfunction (((\nconst b = 2;\n')
    assert facts.errors
    assert [i.target for i in facts.imports] == ["./a"]


def test_invalid_utf8_is_a_warning_not_a_crash() -> None:
    facts = _parse("src/latin.js", b'import a from "./a";\nconst s = "\xe9\xff";\n')
    assert any("invalid UTF-8" in e for e in facts.errors)
    assert [i.target for i in facts.imports] == ["./a"]


def test_only_the_leading_comment_block_says_generated() -> None:
    shebang = _parse("bin/gen.js", "#!/usr/bin/env node\n/* @generated by tool */\nmain();\n")
    assert shebang.generated
    prose = _parse(
        "src/slots.ts",
        "// slot helpers\nimport { h } from './h'\n\n"
        "// the fallback is always generated by the compiler\nexport const s = h()\n",
    )
    assert prose.generated == ""


def test_captures_come_in_source_order() -> None:
    """py-tree-sitter's own capture order varies from one call to the next (seen on
    vuejs/core: the same file's comments in a different order after each other file);
    what reads the lists (the leading comment block, the first import) needs source order."""
    language = tsu.language(tree_sitter_typescript.language_typescript)
    parser = ts.Parser(language)
    query = ts.Query(language, "(comment) @comment (import_statement) @import")
    source = "".join(f"// note {i}\nimport {{ a{i} }} from './m{i}'\n" for i in range(60)).encode()
    for i in range(30):
        parser.parse(f"// {i}\nexport const x{i} = {i}\n".encode() * (i + 1))
        found = tsu.captures(query, parser.parse(source).root_node)
        for nodes in found.values():
            assert [n.start_byte for n in nodes] == sorted(n.start_byte for n in nodes)
        assert len(found["comment"]) == 60
