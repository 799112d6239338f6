"""SQL text -> the tables it reads, writes, creates and references, with sqlglot.

Reads are the tables of FROM/JOIN clauses (and subqueries); writes are the targets of
INSERT, UPDATE, DELETE and MERGE; CREATE TABLE declares a table; FOREIGN KEY ...
REFERENCES and column REFERENCES name the tables a table points to. CTE names are not
tables. Placeholders of the common ORMs and drivers (``#{x}``, ``${x}``, ``:name``,
``@p``, ``$1``, ``%s``, ``?``) are replaced by ``?`` before parsing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

# A string looks like SQL when it starts with a statement keyword and has the clause
# that statement needs (a bare "Select a colour" or "update" label is not SQL).
_LOOKS_LIKE_SQL = re.compile(
    r"^\s*\(?\s*(?:"
    r"select\b[\s\S]+?\bfrom\s"
    r"|insert\s+(?:or\s+\w+\s+)?into\s"
    r"|update\s+[\w.\"`\[\]]+\s+set\s"
    r"|delete\s+from\s"
    r"|merge\s+into\s"
    r"|with\s+\w+\s+as\s*\("
    r"|create\s+(?:temporary\s+|temp\s+)?table\s"
    r"|alter\s+table\s"
    r")",
    re.IGNORECASE,
)
_PLACEHOLDERS = re.compile(
    r"[#$]\{[^}]*\}"  # MyBatis #{x} / ${x}, JS template ${x}
    r"|(?<![:\w]):[A-Za-z_]\w*"  # :name (JPA, SQLAlchemy text())
    r"|(?<!\w)@[A-Za-z_]\w*"  # @name (ADO.NET, Dapper)
    r"|\$\d+"  # $1 (PostgreSQL drivers)
    r"|%\(\w+\)s|%s"  # Python DB-API
    r"|\?\d*"  # JDBC ? and ?1
)
# What is left in braces after the placeholders is string interpolation (C# $"...{x}",
# Python f-strings, Kotlin "${x}"): it usually stands for a name, so a name replaces it.
_INTERPOLATION = re.compile(r"\{[^{}]*\}")
_MAX_SQL = 200_000
# sqlglot logs every statement it keeps as an opaque command; archscan counts instead.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
# The generic dialect first; the others accept their quoting (`x`, [x]) and syntax.
_DIALECTS: tuple[str | None, ...] = (None, "mysql", "postgres", "tsql")


@dataclass
class SqlTables:
    """What one or more SQL statements do to tables (names lower-cased)."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    creates: set[str] = field(default_factory=set)
    references: dict[str, set[str]] = field(default_factory=dict)  # table -> referenced
    statements: int = 0
    unparsed: int = 0

    def merge(self, other: SqlTables, unparsed: bool = True) -> None:
        """Add what ``other`` found (``unparsed=False``: a failed attempt that is retried,
        whose rejection does not count)."""
        self.reads |= other.reads
        self.writes |= other.writes
        self.creates |= other.creates
        for table, referenced in other.references.items():
            self.references.setdefault(table, set()).update(referenced)
        self.statements += other.statements
        if unparsed:
            self.unparsed += other.unparsed


def looks_like_sql(text: str) -> bool:
    return bool(_LOOKS_LIKE_SQL.match(text))


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


def parse_sql(text: str, out: SqlTables) -> bool:
    """Add the tables of ``text`` (one or more statements) to ``out``; False when the SQL
    parser rejects it in every dialect tried (counted in ``out.unparsed``, nothing
    added). Statements sqlglot keeps as opaque commands (GRANT, USE, ...) are skipped."""
    cleaned = _INTERPOLATION.sub("_p", _PLACEHOLDERS.sub("?", text[:_MAX_SQL].lstrip("\ufeff")))
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
