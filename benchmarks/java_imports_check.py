#!/usr/bin/env python3
"""Prove that every explicit single-type import of a repository class resolves to its file.

    python benchmarks/java_imports_check.py REPO [--show 20]

The oracle is independent of tree-sitter and of archscan's resolver: a class's fully
qualified name is its file's ``package`` declaration (read with a regular expression)
plus the file name, which javac requires of a public top-level class. Every
``import a.b.C;`` (and ``import a.b.Outer.Inner;``, whose class lives in Outer's file)
naming such a class must give an archscan edge from the importing file to that file.
Prints the number of imports checked and every miss.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path, PurePosixPath

from archscan.config import Config
from archscan.pipeline import RunOptions, run

_PACKAGE = re.compile(rb"^\s*package\s+([\w.]+)\s*;", re.MULTILINE)
_IMPORT = re.compile(rb"^\s*import\s+([\w.]+)\s*;", re.MULTILINE)  # single-type only


def _oracle(root: Path, paths: list[str]) -> dict[str, str]:
    """Fully qualified class name -> file, from package declarations and file names."""
    classes: dict[str, str] = {}
    for path in paths:
        found = _PACKAGE.search((root / path).read_bytes())
        package = found.group(1).decode() + "." if found else ""
        classes.setdefault(package + PurePosixPath(path).stem, path)
    return classes


def _class_of(name: str, classes: dict[str, str]) -> str | None:
    """The repository class an import names: itself, or the outer class of a nested one."""
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        candidate = ".".join(parts[:end])
        if candidate in classes:
            return candidate
    return None


def check(root: Path, show: int) -> int:
    start = time.perf_counter()
    analysis = run(root, Config(), RunOptions(use_cache=False))
    elapsed = time.perf_counter() - start
    java = [f.path for f in analysis.files if f.language == "java"]
    classes = _oracle(root, java)
    edges = {(d.source, d.target) for d in analysis.resolution.dependencies}
    checked = 0
    misses: list[str] = []
    for path in java:
        text = (root / path).read_bytes()
        for match in _IMPORT.finditer(text):
            name = match.group(1).decode()
            owner = _class_of(name, classes)
            if owner is None:
                continue  # not a class of this repository (a library, the JDK)
            target = classes[owner]
            if target == path:
                continue
            checked += 1
            if (path, target) not in edges:
                misses.append(f"  {path}: import {name} -> expected {target}")
    print(
        f"java files {len(java)}, classes {len(classes)}, single-type imports of repository "
        f"classes {checked}, resolved {checked - len(misses)}, missed {len(misses)} "
        f"(analysis {elapsed:.2f}s)"
    )
    for line in misses[:show]:
        print(line)
    return 1 if misses else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    return check(args.repo.resolve(), args.show)


if __name__ == "__main__":
    sys.exit(main())
