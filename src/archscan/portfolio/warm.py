"""Imported once by the portfolio's fork server (tasks.py): each repository's analysis
process is forked from it with archscan, its parsers and report writers already imported,
instead of paying ~1 s of imports per repository in a fresh interpreter.

Importing only: no repository is read here, so every forked analysis starts from the
state a fresh ``archscan analyze`` process reaches after its imports.
"""

from __future__ import annotations

import archscan.cli  # the analyze command and the pipeline it runs
import archscan.data_access.sql  # sqlglot
import archscan.report.html  # jinja2
import archscan.report.markdown  # noqa: F401
from archscan.languages import registry

for _spec in registry.specs():
    registry.plugin(_spec.name)  # the parser modules (tree-sitter grammars)
