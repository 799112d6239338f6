"""Go plugin: parsing facts, go.mod/go.work modules, package and file-level edges."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from archscan.config import Config
from archscan.languages.go.modfile import parse_go_mod, parse_go_work
from archscan.parse import parse_source
from archscan.pipeline import RunOptions, run
from helpers import edge_kinds, resolve_repo

MAIN_GO = """\
//go:build linux || darwin

// Command app wires the shop together.
package main

import (
	"fmt"

	"example.com/shop/billing"
	db "example.com/shop/internal/db"
	_ "example.com/shop/plugins"
	"github.com/pkg/errors"
	"example.com/shop/tools/lint"
)

func main() {
	inv := billing.Invoice{}
	if err := db.Open(); err != nil && inv.Total > 0 {
		fmt.Println(errors.Wrap(err, "open"))
	}
	lint.Run()
}
"""

INVOICE_GO = """\
package billing

type Invoice struct {
	Total int
}

type Payer interface {
	Pay(i Invoice) error
}
"""

TAX_GO = """\
package billing

const Rate = 19

var Default, Reduced = 19, 7

func Apply(x int) int {
	switch {
	case x > 100:
		return x * Rate
	case x > 10, x < 0:
		return x
	default:
		return 0
	}
}
"""

INVOICE_TEST_GO = """\
package billing_test

import (
	"testing"

	"example.com/shop/billing"
	"example.com/shop/internal/db"
)

func TestInvoice(t *testing.T) {
	_ = billing.Invoice{}
	db.Open()
}
"""


def _shop(make_repo: Callable[..., Any]) -> Any:
    repo = make_repo()
    repo.write(
        "go.mod",
        "// The shop.\nmodule example.com/shop // main module\n\ngo 1.22\n\n"
        "require (\n\tgithub.com/pkg/errors v0.9.1 // indirect\n)\n",
    )
    repo.write("go.work", "go 1.22\n\nuse (\n\t.\n\t./tools\n)\n")
    repo.write("cmd/app/main.go", MAIN_GO)
    repo.write("billing/invoice.go", INVOICE_GO)
    repo.write("billing/tax.go", TAX_GO)
    repo.write("billing/invoice_test.go", INVOICE_TEST_GO)
    repo.write("internal/db/db.go", "package db\n\nfunc Open() error { return nil }\n")
    repo.write("plugins/a.go", "package plugins\n\nfunc init() {}\n")
    repo.write("plugins/b.go", "package plugins\n")
    repo.write("tools/go.mod", "module example.com/shop/tools\n\ngo 1.22\n")
    repo.write("tools/lint/lint.go", "package lint\n\nfunc Run() {}\n")
    repo.commit("shop")
    return repo


def test_parse_records_imports_definitions_and_references() -> None:
    facts = parse_source("cmd/app/main.go", "go", MAIN_GO.encode())
    assert facts.namespace == "main"
    assert [(i.target, i.names) for i in facts.imports] == [
        ("fmt", ()),
        ("example.com/shop/billing", ()),
        ("example.com/shop/internal/db", ("db",)),
        ("example.com/shop/plugins", ("_",)),
        ("github.com/pkg/errors", ()),
        ("example.com/shop/tools/lint", ()),
    ]
    assert {"billing.Invoice", "db.Open", "errors.Wrap", "lint.Run"} <= set(facts.references)
    assert [(f.name, f.complexity) for f in facts.functions] == [("main", 3)]  # if, &&
    assert facts.sloc == 16  # blank lines and the two comment lines do not count
    assert facts.errors == ()


def test_parse_definitions_and_complexity_per_function() -> None:
    tax = parse_source("billing/tax.go", "go", TAX_GO.encode())
    assert [(d.name, d.kind) for d in tax.definitions] == [
        ("Rate", "const"),
        ("Default", "var"),
        ("Reduced", "var"),
        ("Apply", "function"),
    ]
    assert [(f.name, f.complexity) for f in tax.functions] == [("Apply", 3)]  # two cases
    invoice = parse_source("billing/invoice.go", "go", INVOICE_GO.encode())
    kinds = {d.name: (d.kind, d.abstract) for d in invoice.definitions}
    assert kinds == {"Invoice": ("struct", False), "Payer": ("interface", True)}


def test_closures_and_methods_are_measured_on_their_own() -> None:
    source = b"""package p
type T struct{}
func (t *T) Run(xs []int) {
	for _, x := range xs {
		go func() {
			if x > 0 || x < -5 { return }
		}()
	}
	select {
	case <-done:
	}
}
"""
    facts = parse_source("p/t.go", "go", source)
    assert [(f.name, f.complexity) for f in facts.functions] == [
        ("T.Run", 3),  # for, case
        ("(anonymous)", 3),  # if, ||
    ]


def test_packages_modules_and_file_level_edges(make_repo: Callable[..., Any]) -> None:
    repo = _shop(make_repo)
    resolution = resolve_repo(repo.root)
    edges = edge_kinds(resolution)
    # billing.Invoice is declared in invoice.go only: tax.go is not a dependency.
    assert ("cmd/app/main.go", "billing/invoice.go") in edges
    assert ("cmd/app/main.go", "billing/tax.go") not in edges
    assert edges[("cmd/app/main.go", "internal/db/db.go")] == "import"
    # A blank import uses no name: the whole package (its non-test files).
    assert ("cmd/app/main.go", "plugins/a.go") in edges
    assert ("cmd/app/main.go", "plugins/b.go") in edges
    # Another module of the repository (go.work) is internal too.
    assert ("cmd/app/main.go", "tools/lint/lint.go") in edges
    # Test files are in the graph, flagged by the edge kind.
    assert edges[("billing/invoice_test.go", "internal/db/db.go")] == "test-import"
    assert edges[("billing/invoice_test.go", "billing/invoice.go")] == "test-import"
    assert not any(target.endswith("_test.go") for _, target in edges)
    external = {(e.source, e.package) for e in resolution.external}
    assert external == {("cmd/app/main.go", "github.com/pkg/errors")}
    assert resolution.modules["billing/tax.go"] == "example.com/shop/billing"
    assert resolution.modules["tools/lint/lint.go"] == "example.com/shop/tools/lint"
    assert resolution.modules["cmd/app/main.go"] == "example.com/shop/cmd/app"


def test_missing_package_and_internal_violation_are_warnings(
    make_repo: Callable[..., Any],
) -> None:
    repo = make_repo()
    repo.write("go.mod", "module example.com/m\n")
    repo.write("a/internal/x/x.go", "package x\n\nfunc X() {}\n")
    repo.write("a/ok.go", 'package a\n\nimport "example.com/m/a/internal/x"\n\nvar _ = x.X\n')
    repo.write(
        "b/bad.go",
        'package b\n\nimport (\n\t"example.com/m/a/internal/x"\n\t"example.com/m/gone"\n)\n',
    )
    repo.commit()
    resolution = resolve_repo(repo.root)
    kinds = sorted((w.path, w.kind) for w in resolution.warnings)
    assert kinds == [("b/bad.go", "internal-import"), ("b/bad.go", "unresolved-import")]
    assert ("a/ok.go", "a/internal/x/x.go") in edge_kinds(resolution)
    assert not resolution.external  # a repository module's path is never external


def test_local_replace_and_gopath_layout(make_repo: Callable[..., Any]) -> None:
    repo = make_repo()
    repo.write("svc/go.mod", "module example.com/svc\n\nreplace example.com/old => ../lib\n")
    repo.write("lib/go.mod", "module example.com/lib\n")
    repo.write("lib/util/u.go", "package util\n\nfunc U() {}\n")
    repo.write("svc/main.go", 'package main\n\nimport "example.com/old/util"\n\nvar _ = util.U\n')
    repo.commit()
    assert ("svc/main.go", "lib/util/u.go") in edge_kinds(resolve_repo(repo.root))

    gopath = make_repo("gopath")
    gopath.write("pkg/util/u.go", "package util\n")
    gopath.write("cmd/main.go", 'package main\n\nimport "github.com/me/proj/pkg/util"\n')
    gopath.commit()
    assert ("cmd/main.go", "pkg/util/u.go") in edge_kinds(resolve_repo(gopath.root))


def test_modfile_syntax() -> None:
    text = (
        'module "example.com/q" // quoted\n'
        "require example.com/a v1.0.0\n"
        "require (\n  example.com/b v1.2.0 // indirect\n)\n"
        "replace (\n  example.com/a => ./a\n  example.com/c v1 => example.com/d v2\n"
        "  example.com/e => ../../outside\n)\n"
    )
    parsed = parse_go_mod("sub", text)
    assert parsed is not None
    assert parsed.module == "example.com/q"
    assert parsed.requires == ("example.com/a", "example.com/b")
    assert parsed.local_replaces == (("example.com/a", "sub/a"),)
    assert parse_go_mod(".", "go 1.22\n") is None  # no module directive
    assert parse_go_work(".", "use ./a\nuse (\n ./b // x\n ../out\n)\n") == ("a", "b")


def test_bad_input_gives_facts_and_the_analysis_goes_on(
    make_repo: Callable[..., Any], tmp_path: Path
) -> None:
    repo = make_repo()
    repo.write("go.mod", "module example.com/m\nrequire (\n")  # unterminated block
    repo.write("a/a.go", 'package a\n\nimport "example.com/m/b"\n\nfunc F( {\n\tb.G(\n')
    repo.write("b/b.go", b"package b\n\nfunc G() {}\n// \xff\xfe invalid utf-8\n")
    repo.write("gen/huge.go", "package gen\n\n" + "var V = 1\n" * 20000)
    repo.commit()
    analysis = run(repo.root, Config(), RunOptions(use_cache=False, jobs=1))
    assert analysis.facts["a/a.go"].errors
    assert [i.target for i in analysis.facts["a/a.go"].imports] == ["example.com/m/b"]
    targets = {(d.source, d.target) for d in analysis.resolution.dependencies}
    assert ("a/a.go", "b/b.go") in targets
    kinds = {(w.path, w.kind) for w in analysis.warnings}
    assert ("a/a.go", "parse") in kinds
    assert ("b/b.go", "encoding") in kinds
    assert analysis.facts["gen/huge.go"].sloc == 20001
