#!/usr/bin/env python3
"""How much of a PHP or Ruby repository's own code archscan resolves to files.

    python benchmarks/resolution_rate.py REPO [--repeat 3]

Runs discovery, parsing (one process, no cache) and resolution, best of --repeat, and
prints per language: files, file-level edges by kind, and the resolution rate:

- PHP: ``use`` statements and class references whose root namespace the project owns
  (composer autoload prefixes, declared namespaces) that resolve to a file; literal
  includes that resolve.
- Ruby: constant references whose lexical lookup names a constant of the repository
  (a conventional file, a definition or an implicit namespace) that map to a file;
  ``require_relative`` that resolve; ``require`` that resolve inside the repository
  (the others name gems).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from archscan.config import Config
from archscan.discover import discover
from archscan.languages.base import ProjectView
from archscan.languages.php.resolver import PhpResolver
from archscan.languages.ruby.resolver import RubyResolver
from archscan.parse import ParseResult, parse_files
from archscan.records import Resolution
from archscan.resolve import resolve_all


def _run(root: Path) -> tuple[ParseResult, Resolution]:
    found = discover(root, Config())
    parsed = parse_files(root, found.files, None, jobs=1)
    return parsed, resolve_all(root, parsed.files, parsed.facts)


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.1%})" if total else "0/0"


def php_rates(root: Path, parsed: ParseResult) -> list[str]:
    resolver = PhpResolver(ProjectView(root, parsed.files, parsed.facts))
    counts: Counter[str] = Counter()
    for facts in parsed.facts.values():
        if facts.language != "php":
            continue
        names = [i.target for i in facts.imports if i.kind == "use"] + list(facts.references)
        for name in names:
            if "\\" in name and not resolver._is_foreign(name):
                counts["own"] += 1
                counts["own-resolved"] += resolver.resolve_class(name) is not None
        for item in facts.imports:
            if item.kind == "include":
                counts["include"] += 1
                counts["include-resolved"] += (
                    resolver.resolve_include(facts.path, item.target) is not None
                )
    return [
        f"own-namespace uses and class references resolved: "
        f"{_rate(counts['own-resolved'], counts['own'])}",
        f"literal includes resolved: {_rate(counts['include-resolved'], counts['include'])}",
    ]


def ruby_rates(root: Path, parsed: ParseResult) -> list[str]:
    resolver = RubyResolver(ProjectView(root, parsed.files, parsed.facts))
    counts: Counter[str] = Counter()
    unmapped: Counter[str] = Counter()
    for facts in parsed.facts.values():
        if facts.language != "ruby":
            continue
        for item in facts.imports:
            if item.kind == "constant":
                counts["constant"] += 1
                scopes = [*item.names, ""] if not item.target.startswith("::") else [""]
                head = item.target.lstrip(":").split("::")[0]
                if any(resolver._known(f"{s}::{head}" if s else head) for s in scopes):
                    counts["own"] += 1
                    if resolver.resolve_constant(item.target, item.names) is not None:
                        counts["own-resolved"] += 1
                    else:  # often a gem's namespace the app reopens (module Avo ... end)
                        unmapped[head] += 1
            else:
                counts[item.kind] += 1
                counts[item.kind + "-resolved"] += (
                    resolver.resolve_require(facts.path, item) is not None
                )
    return [
        f"constant references {counts['constant']}, naming repository constants "
        f"{counts['own']}, mapped to a file: {_rate(counts['own-resolved'], counts['own'])}",
        "require_relative resolved: "
        f"{_rate(counts['require_relative-resolved'], counts['require_relative'])}",
        f"require resolved inside the repository: "
        f"{_rate(counts['require-resolved'], counts['require'])} (the rest: gems, stdlib)",
        f"not mapped, by first constant: {unmapped.most_common(12)}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.repo.resolve()
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        parsed, resolution = _run(root)
        best = min(best, time.perf_counter() - start)
    print(f"repository {root}: analysis {best:.2f}s (best of {args.repeat}, 1 process, no cache)")
    for language, rates in (("php", php_rates), ("ruby", ruby_rates)):
        paths = {f.path for f in parsed.files if f.language == language}
        if not paths:
            continue
        kinds = Counter(d.kind for d in resolution.dependencies if d.source in paths)
        internal = sum(1 for d in resolution.dependencies if d.source in paths)
        sloc = sum(parsed.facts[p].sloc for p in paths if p in parsed.facts)
        print(f"{language}: files {len(paths)}, SLOC {sloc}, edges {internal} {dict(kinds)}")
        for line in rates(root, parsed):
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
