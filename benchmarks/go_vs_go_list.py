#!/usr/bin/env python3
"""Compare archscan's Go package-level edges with ``go list -e -json ./...`` Imports.

    python benchmarks/go_vs_go_list.py REPO [--go PATH] [--show 20] [--repeat 3]

``go list`` runs once per go.mod of the repository (``GOWORK=off``), offline
(``GOPROXY=off GOFLAGS=-mod=mod``): with ``-e`` it still reports each package's
Imports when dependencies are missing. An edge is (importing package, imported
package) with both packages listed by go list somewhere in the repository; test
imports (TestImports/XTestImports) are not part of ``Imports``, so archscan's edges
are taken from the non-test files that go list puts in GoFiles/CgoFiles (the build
context of this machine: GOOS/GOARCH and build tags decide, see the docs). The
comparison without that restriction is printed as well. Times are best of --repeat.
go is a test oracle here, never a dependency of archscan.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from archscan.config import Config
from archscan.discover import discover
from archscan.parse import parse_files
from archscan.resolve import resolve_all


def _json_stream(text: str) -> Iterator[dict[str, object]]:
    decoder = json.JSONDecoder()
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return
        obj, index = decoder.raw_decode(text, index)
        yield obj


def go_list(root: Path, go: str) -> list[dict[str, object]]:
    env = {**os.environ, "GOWORK": "off", "GOPROXY": "off", "GOFLAGS": "-mod=mod"}
    env["GOTOOLCHAIN"] = "local"
    packages: list[dict[str, object]] = []
    for mod in sorted(root.rglob("go.mod")):
        if "vendor" in mod.relative_to(root).parts or "testdata" in mod.parts:
            continue
        result = subprocess.run(
            [go, "list", "-e", "-json", "./..."],
            cwd=mod.parent,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        packages.extend(_json_stream(result.stdout))
    return packages


def oracle_edges(packages: list[dict[str, object]]) -> tuple[set[tuple[str, str]], set[str]]:
    listed = {str(p["ImportPath"]) for p in packages}
    edges = set()
    for package in packages:
        for imported in package.get("Imports", []) or []:  # type: ignore[union-attr]
            if imported in listed and imported != package["ImportPath"]:
                edges.add((str(package["ImportPath"]), str(imported)))
    return edges, listed


def built_files(root: Path, packages: list[dict[str, object]]) -> set[str]:
    files = set()
    for package in packages:
        directory = Path(str(package["Dir"])).resolve()
        for key in ("GoFiles", "CgoFiles"):
            for name in package.get(key, []) or []:  # type: ignore[union-attr]
                files.add((directory / str(name)).relative_to(root).as_posix())
    return files


def archscan_edges(root: Path) -> tuple[dict[str, str], list[tuple[str, str]], int]:
    found = discover(root, Config())
    parsed = parse_files(root, found.files, None, jobs=1)
    resolution = resolve_all(root, parsed.files, parsed.facts)
    modules = resolution.modules
    pairs = [
        (d.source, d.target)
        for d in resolution.dependencies
        if d.source.endswith(".go") and d.kind == "import"
    ]
    return modules, pairs, sum(1 for f in parsed.files if f.language == "go")


def _score(ours: set[tuple[str, str]], theirs: set[tuple[str, str]]) -> str:
    common = ours & theirs
    precision = len(common) / len(ours) if ours else 1.0
    recall = len(common) / len(theirs) if theirs else 1.0
    return (
        f"archscan {len(ours)}, go list {len(theirs)}, common {len(common)}, "
        f"precision {precision:.4f}, recall {recall:.4f}"
    )


def _best(repeat: int, action: object) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--go", default=shutil.which("go") or "go")
    parser.add_argument("--show", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.repo.resolve()
    go_seconds, packages = _best(args.repeat, lambda: go_list(root, args.go))
    ours_seconds, ours = _best(args.repeat, lambda: archscan_edges(root))
    packages = list(packages)  # type: ignore[call-overload]
    modules, pairs, go_files = ours  # type: ignore[misc]
    theirs, listed = oracle_edges(packages)
    built = built_files(root, packages)

    def package_edges(restrict: bool) -> set[tuple[str, str]]:
        return {
            (modules[s], modules[t])
            for s, t in pairs
            if modules[s] != modules[t]
            and modules[s] in listed
            and modules[t] in listed
            and (not restrict or s in built)
        }

    restricted, everything = package_edges(True), package_edges(False)
    print(f"repository {root}: {go_files} Go files, go list packages {len(listed)}")
    print(f"file-level edges (non-test) {len(pairs)}")
    print(f"package edges, files go list builds here: {_score(restricted, theirs)}")
    print(f"package edges, all non-test files:       {_score(everything, theirs)}")
    differences = (("only archscan", restricted - theirs), ("only go list", theirs - restricted))
    for label, edges in differences:
        for source, target in sorted(edges)[: args.show]:
            print(f"  {label}: {source} -> {target}")
    print(
        f"time (best of {args.repeat}): archscan {ours_seconds:.2f}s (1 process, no cache), "
        f"go list {go_seconds:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
