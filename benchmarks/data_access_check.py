#!/usr/bin/env python3
"""Compare the tables a repository's schema files create with the tables archscan finds.

    python benchmarks/data_access_check.py REPO --schema FILE [FILE ...] [--quiet]

The oracle is the schema: every ``CREATE TABLE`` of the given files (read with a
regular expression, independent of sqlglot and of archscan's scanners). For each table
the script prints whether archscan found it and, apart from the schema and data files
themselves, the code files archscan says declare, read and write it. A table counts as
"attributed" when some file other than a .sql file reads or writes it. Exit status 1
when a schema table is missing.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from archscan.config import Config
from archscan.data_access.stage import DataAccessInput, run_data_access
from archscan.discover import discover

_CREATE = re.compile(
    r"\bcreate\s+(?:cached\s+|memory\s+)?table\s+(?:if\s+not\s+exists\s+)?[`\"\[]?(\w+)",
    re.IGNORECASE,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--schema", nargs="+", required=True, help="paths inside REPO")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    args = parser.parse_args()
    root = args.repo.resolve()
    expected: set[str] = set()
    for schema in args.schema:
        expected |= {m.lower() for m in _CREATE.findall((root / schema).read_text())}
    started = time.perf_counter()
    files = discover(root, Config()).files
    result, warnings = run_data_access(DataAccessInput(root=root, files=files))
    seconds = time.perf_counter() - started
    found = {t.name: t for t in result.tables}
    missing = sorted(expected - set(found))
    attributed = 0
    for name in sorted(expected):
        table = found.get(name)
        if table is None:
            print(f"MISSING {name}")
            continue
        code = [p for p in (*table.readers, *table.writers) if not p.endswith(".sql")]
        attributed += bool(code)
        if args.quiet:
            continue
        print(f"{name}  entities={','.join(table.entities) or '-'}")
        for label, paths in (
            ("declared", table.declared_in),
            ("reads", table.readers),
            ("writes", table.writers),
        ):
            for path in paths:
                if not path.endswith(".sql"):
                    print(f"    {label:8} {path}")
        print(f"    references {', '.join(table.references) or '-'}")
    print(
        f"schema tables: {len(expected)}; found: {len(expected) - len(missing)}; "
        f"read or written by code: {attributed}; tables found in all: {len(found)}; "
        f"SQL statements: {result.sql_statements}; unparsed: {result.sql_unparsed}; "
        f"warnings: {len(warnings)}; {seconds:.2f} s"
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
