"""Go edges between files of one package: plain names, no import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from archscan.config import Config
from archscan.discover import discover
from archscan.parse import parse_files, parse_source
from archscan.resolve import resolve_all

STORE_GO = """\
package store

import "example.com/kv/codec"

// Store keeps values in memory.
type Store struct {
	cache *lruCache
	codec codec.Codec
}

// New applies the options in order.
func New(opts ...Option) *Store {
	s := &Store{cache: newCache(defaultSize)}
	for _, apply := range opts {
		apply(s)
	}
	if traceHook != nil {
		traceHook(s)
	}
	return s
}
"""

CACHE_GO = """\
package store

type lruCache struct {
	items map[string][]byte
	limit int
}

func newCache(limit int) *lruCache {
	return &lruCache{items: make(map[string][]byte, limit), limit: limit}
}
"""

OPTIONS_GO = """\
package store

var defaultSize = 128

// Option configures a Store.
type Option func(*Store)

// WithSize shadows nothing: size is a parameter.
func WithSize(size int) Option {
	return func(s *Store) { s.cache = newCache(size) }
}
"""

# Every name it uses that siblings declare is a local here: no same-package edge.
SHADOW_GO = """\
package store

func resize(defaultSize int, opts []string) int {
	newCache := func(n int) int { return n * 2 }
	for _, Option := range opts {
		_ = Option
	}
	var lruCache = defaultSize
	return newCache(lruCache)
}
"""

STORE_TEST_GO = """\
package store

import "testing"

func TestNew(t *testing.T) {
	s := newTestStore(t)
	if s.cache.limit != defaultSize {
		t.Fatal(s.cache.limit)
	}
}
"""

HELPERS_TEST_GO = """\
package store

import "testing"

// traceHook is declared by tests only: non-test files must not depend on this file.
var traceHook func(*Store)

func newTestStore(t *testing.T) *Store {
	t.Helper()
	return New(WithSize(4))
}
"""

EXTERNAL_TEST_GO = """\
package store_test

import "example.com/kv/store"

func fixture() *store.Store { return store.New() }
"""

EXAMPLE_TEST_GO = """\
package store_test

func Example() {
	_ = fixture()
}
"""

# A generator in the same directory (excluded from builds): package main, a package
# of its own even though it uses the name New.
GEN_GO = """\
//go:build ignore

package main

func New() {}

func main() { New(); _ = newCache }
"""


def _kv(make_repo: Callable[..., Any]) -> Path:
    repo = make_repo()
    repo.write("go.mod", "module example.com/kv\n\ngo 1.22\n")
    repo.write("codec/codec.go", "package codec\n\ntype Codec interface{ Encode() }\n")
    files = {
        "store.go": STORE_GO,
        "cache.go": CACHE_GO,
        "options.go": OPTIONS_GO,
        "shadow.go": SHADOW_GO,
        "store_test.go": STORE_TEST_GO,
        "helpers_test.go": HELPERS_TEST_GO,
        "external_test.go": EXTERNAL_TEST_GO,
        "example_test.go": EXAMPLE_TEST_GO,
        "gen.go": GEN_GO,
    }
    for name, text in files.items():
        repo.write(f"store/{name}", text)
    repo.commit("kv store")
    return Path(repo.root)


def _edges(root: Path) -> dict[tuple[str, str], str]:
    files = discover(root, Config()).files
    parsed = parse_files(root, files, None, jobs=1)
    resolution = resolve_all(root, parsed.files, parsed.facts)
    return {
        (d.source.removeprefix("store/"), d.target.removeprefix("store/")): d.kind
        for d in resolution.dependencies
    }


def _plain(path: str, source: str) -> set[str]:
    facts = parse_source(path, "go", source.encode())
    return {name for name in facts.references if "." not in name}


def test_plain_names_leave_out_own_predeclared_qualified_and_local_names() -> None:
    # Store is declared here, make/nil are predeclared, s/apply/opts are locals,
    # cache in Store{cache: ...} is a field; codec.Codec names another package's type.
    assert _plain("store/store.go", STORE_GO) == {
        "lruCache",
        "newCache",
        "defaultSize",
        "Option",
        "traceHook",
    }
    assert "codec.Codec" in parse_source("store/store.go", "go", STORE_GO.encode()).references
    # Parameters, := (closures included), range variables and local vars shadow.
    assert _plain("store/shadow.go", SHADOW_GO) == set()
    # A local hides the name in its own function only.
    two = "package store\nfunc a() { newCache := 1; _ = newCache }\nfunc b() { newCache(1) }\n"
    assert _plain("store/two.go", two) == {"newCache"}
    assert _plain("store/one.go", two.split("func b")[0]) == set()
    # size is a parameter of WithSize; the closure's s too.
    assert _plain("store/options.go", OPTIONS_GO) == {"Store", "newCache"}


def test_same_package_edges_follow_go_visibility(make_repo: Callable[..., Any]) -> None:
    edges = _edges(_kv(make_repo))
    same = {pair for pair, kind in edges.items() if kind == "same-package"}
    assert same == {
        ("store.go", "cache.go"),
        ("store.go", "options.go"),
        ("options.go", "store.go"),
        ("options.go", "cache.go"),
        # A test file may use the package's files and the other test files.
        ("store_test.go", "options.go"),
        ("store_test.go", "helpers_test.go"),
        ("helpers_test.go", "store.go"),
        ("helpers_test.go", "options.go"),
        # The external test package is a package of its own.
        ("example_test.go", "external_test.go"),
    }
    # traceHook is declared in a test file: go build never sees it, so no edge.
    assert ("store.go", "helpers_test.go") not in edges
    # Locals shadow; another package clause in the directory sees nothing.
    assert not any(source in ("shadow.go", "gen.go") for source, _ in same)
    # Import edges keep their kinds.
    assert edges[("store.go", "codec/codec.go")] == "import"
    assert edges[("external_test.go", "store.go")] == "test-import"
