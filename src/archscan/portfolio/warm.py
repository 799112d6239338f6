"""Imported once by the portfolio's fork server (tasks.py): each repository's analysis
process is forked from it with archscan, its stages, parsers and report writers already
imported, instead of paying the interpreter start-up and imports per repository (the
CLI imports most of them lazily, where used, which a fork server makes up front once).

Importing only: no repository is read here, so every forked analysis starts from the
state a fresh ``archscan analyze`` process reaches after its imports.
"""

from __future__ import annotations

import contextlib
import importlib

from archscan.languages import registry

_MODULES = (
    "archscan.cli",
    "archscan.pipeline",  # every stage (tree-sitter bindings)
    "archscan.data_access.sql_ast",  # sqlglot (imported when SQL is first parsed)
    "archscan.run_cache",
    "archscan.languages.java.resolver",
    "archscan.report.json_report",
    "archscan.report.markdown",
    "archscan.report.html",  # jinja2
    "archscan.report.pdf",
    "rich.progress",  # rich.console, .table, .text (the CLI imports them where used)
    "platformdirs",  # the default cache folder (imported where used)
    "typer._adapters",  # pydantic
    "sqlglot.dialects.mysql",  # sqlglot loads a dialect on first use
    "sqlglot.dialects.postgres",
    "sqlglot.dialects.tsql",
)

for _name in _MODULES:
    with contextlib.suppress(ImportError):  # a warm-up only: the analysis imports it anyway
        importlib.import_module(_name)
for _spec in registry.specs():
    registry.plugin(_spec.name)  # the parser modules (tree-sitter grammars)
