"""One repository in many languages, end to end: every language joins the same graph."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from archscan.config import Config
from archscan.pipeline import RunOptions, run
from archscan.report.json_report import analysis_to_dict
from archscan.resources import schema_path
from conftest import assert_json_native


def test_a_polyglot_monorepo(make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    repo.write("py/app/__init__.py", "")
    repo.write("py/app/main.py", "from app import util\n")
    repo.write("py/app/util.py", "")
    repo.write(
        "java/src/main/java/com/acme/Order.java",
        "package com.acme;\nimport com.acme.billing.Invoice;\npublic class Order { Invoice i; }\n",
    )
    repo.write(
        "java/src/main/java/com/acme/billing/Invoice.java",
        "package com.acme.billing;\npublic abstract class Invoice {}\n",
    )
    repo.write(
        "web/tsconfig.json", '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}'
    )
    repo.write(
        "web/src/index.ts", "import { api } from '@/api'\nimport type { T } from './types'\n"
    )
    repo.write("web/src/api.ts", "export const api = 1\n")
    repo.write("web/src/types.ts", "export type T = number\n")
    repo.write("go/go.mod", "module example.com/svc\n\ngo 1.21\n")
    repo.write(
        "go/main.go",
        'package main\n\nimport "example.com/svc/store"\n\nfunc main() { store.Open() }\n',
    )
    repo.write("go/store/store.go", "package store\n\nfunc Open() {}\n")
    repo.write("php/composer.json", '{"autoload": {"psr-4": {"Shop\\\\": "src/"}}}')
    repo.write(
        "php/src/Cart.php",
        "<?php\nnamespace Shop;\nuse Shop\\Model\\Item;\n"
        "class Cart { public function add(Item $i) {} }\n",
    )
    repo.write("php/src/Model/Item.php", "<?php\nnamespace Shop\\Model;\nclass Item {}\n")
    repo.write("rb/lib/a.rb", "require_relative 'b'\n")
    repo.write("rb/lib/b.rb", "module B; end\n")
    repo.write("native/x.c", "int main(void) { return 0; }\n")
    repo.commit()

    analysis = run(repo.root, Config(), RunOptions(cache_dir=tmp_path / "cache"))
    edges = {(d.source, d.target) for d in analysis.resolution.dependencies}
    assert {
        ("py/app/main.py", "py/app/util.py"),
        (
            "java/src/main/java/com/acme/Order.java",
            "java/src/main/java/com/acme/billing/Invoice.java",
        ),
        ("web/src/index.ts", "web/src/api.ts"),
        ("web/src/index.ts", "web/src/types.ts"),
        ("go/main.go", "go/store/store.go"),
        ("php/src/Cart.php", "php/src/Model/Item.php"),
        ("rb/lib/a.rb", "rb/lib/b.rb"),
    } <= edges
    type_only = {(d.source, d.target) for d in analysis.resolution.dependencies if d.type_only}
    assert type_only == {("web/src/index.ts", "web/src/types.ts")}
    modules = analysis.resolution.modules
    assert modules["java/src/main/java/com/acme/Order.java"] == "com.acme.Order"
    assert modules["go/store/store.go"] == "example.com/svc/store"
    assert modules["php/src/Model/Item.php"] == "Shop\\Model\\Item"

    data = analysis_to_dict(analysis)
    assert_json_native(data)
    jsonschema.validate(data, json.loads(schema_path().read_text()))
    languages = {lang["name"]: lang["parsed"] for lang in data["languages"]}
    assert languages == {
        "python": True,
        "java": True,
        "typescript": True,
        "go": True,
        "php": True,
        "ruby": True,
        "c": False,
    }
