"""The sqlglot half of ``sql.py``: parsed statements -> the tables they touch.

Apart from ``sql.py`` so that sqlglot is imported only when SQL is parsed at all.
"""

from __future__ import annotations

import logging

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from archscan.data_access.sql import SqlTables

# sqlglot logs every statement it keeps as an opaque command; archscan counts instead.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
# The generic dialect first; the others accept their quoting (`x`, [x]) and syntax.
_DIALECTS: tuple[str | None, ...] = (None, "mysql", "postgres", "tsql")


def _name(table: exp.Table) -> str:
    """``schema.table`` when the SQL names the schema (modules of one database often
    differ only by schema), else the table; lower-cased, quotes and brackets gone."""
    return f"{table.db}.{table.name}".lower() if table.db else table.name.lower()


def _table_of(node: exp.Expr | None) -> exp.Table | None:
    if isinstance(node, exp.Schema):
        node = node.this
    return node if isinstance(node, exp.Table) else None


_ROW_STATEMENTS = (
    exp.Query,
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Alter,
    exp.TruncateTable,
)


def _record(statement: exp.Expr, out: SqlTables) -> None:
    if not isinstance(statement, _ROW_STATEMENTS):
        return  # DROP, USE, GRANT, SET, ...: no rows read or written
    if isinstance(statement, exp.TruncateTable):
        out.writes.update(_name(t) for t in statement.expressions if isinstance(t, exp.Table))
        return
    ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
    target: exp.Table | None = None
    if isinstance(statement, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
        target = _table_of(statement.this)
        if target is not None and _name(target) not in ctes:
            out.writes.add(_name(target))
    elif isinstance(statement, (exp.Create, exp.Alter)):
        target = _table_of(statement.this)
        kind = str(statement.args.get("kind") or "").upper()
        if isinstance(statement, exp.Create) and kind == "VIEW" and target is not None:
            out.creates.add(_name(target))  # a view is read like a table; its query reads
        elif isinstance(statement, exp.Create) and kind != "TABLE":
            return  # indexes, databases, schemas, functions: no rows read or written
        if target is not None and (isinstance(statement, exp.Alter) or kind == "TABLE"):
            name = _name(target)
            if isinstance(statement, exp.Create):
                out.creates.add(name)
            referenced = {
                _name(t)
                for ref in statement.find_all(exp.Reference)
                for t in ref.find_all(exp.Table)
            }
            referenced.discard(name)
            if referenced:
                out.references.setdefault(name, set()).update(referenced)
            return
    for table in statement.find_all(exp.Table):
        if table is target or not table.name or _name(table) in ctes:
            continue
        if table.find_ancestor(exp.Reference) is not None:
            continue
        out.reads.add(_name(table))


def _statements(cleaned: str) -> list[exp.Expr] | None:
    """The statements of ``cleaned`` in the first dialect that parses them all."""
    for dialect in _DIALECTS:
        try:
            return [s for s in sqlglot.parse(cleaned, read=dialect) if s is not None]
        except (SqlglotError, RecursionError, ValueError, KeyError, TypeError):
            continue
    return None


def record_statements(cleaned: str, out: SqlTables) -> bool:
    """``parse_sql`` of text whose placeholders are already replaced."""
    statements = _statements(cleaned)
    if statements is None:
        out.unparsed += 1
        return False
    for statement in statements:
        if isinstance(statement, exp.Command):
            continue
        out.statements += 1
        _record(statement, out)
    return True
