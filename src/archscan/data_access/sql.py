"""SQL text -> the tables it reads, writes, creates and references, with sqlglot.

Reads are the tables of FROM/JOIN clauses (and subqueries); writes are the targets of
INSERT, UPDATE, DELETE and MERGE; CREATE TABLE declares a table; FOREIGN KEY ...
REFERENCES and column REFERENCES name the tables a table points to. CTE names are not
tables. Placeholders of the common ORMs and drivers (``#{x}``, ``${x}``, ``:name``,
``@p``, ``$1``, ``%s``, ``?``) are replaced by ``?`` before parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def parse_sql(text: str, out: SqlTables) -> bool:
    """Add the tables of ``text`` (one or more statements) to ``out``; False when the SQL
    parser rejects it in every dialect tried (counted in ``out.unparsed``, nothing
    added). Statements sqlglot keeps as opaque commands (GRANT, USE, ...) are skipped."""
    # sqlglot is imported when SQL is first parsed (75 ms): a re-run whose scans all
    # come from the stage cache never parses any
    from archscan.data_access import sql_ast

    cleaned = _INTERPOLATION.sub("_p", _PLACEHOLDERS.sub("?", text[:_MAX_SQL].lstrip("\ufeff")))
    return sql_ast.record_statements(cleaned, out)
