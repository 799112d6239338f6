#!/usr/bin/env python3
"""Check that archscan finds the table of every Django model of a repository.

    python benchmarks/django_models_check.py REPO [--show 20]

The oracle is the project's own migration history, read with Python's ``ast`` (parsed,
never executed): each app's migrations/*.py, in file-name order, replayed as
``CreateModel`` (with ``options={"db_table": ...}``; proxy models have no table of
their own), ``DeleteModel``, ``RenameModel`` and ``AlterModelTable``. The app label is
the folder holding migrations/. The expected table of a model is its db_table or
``<app>_<model lower-cased>``, Django's default. Prints expected, found, missing and
extra (tables archscan attributes to a Django model that the migrations do not create).
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

from archscan.config import Config
from archscan.data_access.stage import DataAccessInput, run_data_access
from archscan.discover import discover


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keyword(call: ast.Call, name: str, position: int) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return call.args[position] if len(call.args) > position else None


def _options(call: ast.Call) -> dict[str, object]:
    node = _keyword(call, "options", 99)
    if not isinstance(node, ast.Dict):
        return {}
    return {
        _string(k) or "": v.value if isinstance(v, ast.Constant) else None
        for k, v in zip(node.keys, node.values, strict=False)
    }


def _replay(models: dict[tuple[str, str], str | None], app: str, call: ast.Call) -> None:
    operation = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    if operation == "CreateModel":
        name = _string(_keyword(call, "name", 0))
        options = _options(call)
        if name and not options.get("proxy") and not options.get("abstract"):
            table = options.get("db_table")
            models[(app, name.lower())] = str(table).lower() if table else None
    elif operation == "DeleteModel":
        models.pop((app, (_string(_keyword(call, "name", 0)) or "").lower()), None)
    elif operation == "RenameModel":
        old = (_string(_keyword(call, "old_name", 0)) or "").lower()
        new = (_string(_keyword(call, "new_name", 1)) or "").lower()
        if (app, old) in models:
            models[(app, new)] = models.pop((app, old))
    elif operation == "AlterModelTable":
        name = (_string(_keyword(call, "name", 0)) or "").lower()
        if (app, name) in models:
            table = _string(_keyword(call, "table", 1))
            models[(app, name)] = table.lower() if table else None


def expected_tables(root: Path) -> set[str]:
    models: dict[tuple[str, str], str | None] = {}
    for migrations in sorted(root.rglob("migrations")):
        if not migrations.is_dir() or "node_modules" in migrations.parts:
            continue
        app = migrations.parent.name
        for path in sorted(migrations.glob("[0-9]*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError):
                continue
            calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
            for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
                _replay(models, app, call)
    return {table or f"{app}_{name}" for (app, name), table in models.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    root = args.repo.resolve()
    expected = expected_tables(root)
    started = time.perf_counter()
    result, _ = run_data_access(DataAccessInput(root, discover(root, Config()).files))
    seconds = time.perf_counter() - started
    model_tables = {t.name for t in result.tables if t.entities}
    missing = sorted(expected - model_tables)
    extra = sorted(model_tables - expected)
    print(
        f"models in migrations: {len(expected)}; found: {len(expected) - len(missing)}; "
        f"missing: {len(missing)}; model tables not in migrations: {len(extra)}; {seconds:.2f} s"
    )
    for label, names in (("missing", missing), ("extra", extra)):
        for name in names[: args.show]:
            print(f"  {label} {name}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
