"""What one file declares about tables, before names are resolved across files.

Scanners return a FileScan per file; the stage resolves entity names to tables across
the repository (a Spring Data repository names an entity declared in another file) and
aggregates per table. Internal to the data-access stage; not in the JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archscan.data_access.sql import SqlTables, looks_like_sql, parse_sql
from archscan.literals import Literal


@dataclass(frozen=True)
class EntityDecl:
    """A class (model, entity) mapped to a table."""

    name: str  # class name as written
    table: str  # lower-cased table name; "" when inherited from ``parent``
    path: str
    family: str  # django | sqlalchemy | jpa | activerecord | ef | eloquent | typeorm | ...
    aliases: tuple[str, ...] = ()  # other spellings that name it ("app.Model" for Django)
    relations: tuple[str, ...] = ()  # entity names it points to (foreign keys, associations)
    cascades: tuple[str, ...] = ()  # relations that writes cascade through (JPA cascade)
    # Relations whose foreign key is not in this entity's table: ``inverse`` ones hold
    # it in the target's table (one-to-many), ``indirect`` ones in a join table.
    inverse: tuple[str, ...] = ()
    indirect: tuple[str, ...] = ()
    table_refs: tuple[str, ...] = ()  # tables it points to directly ("users.id" foreign keys)
    join_tables: tuple[str, ...] = ()  # join tables pointing to it and its indirect targets
    parent: str = ""  # entity whose table it shares (Rails STI, Django proxy)
    override: bool = False  # only sets the table of an entity declared elsewhere


@dataclass(frozen=True)
class Use:
    """A file reading or writing a table (or an entity, resolved later)."""

    path: str
    mode: str  # read | write | declare
    table: str = ""  # a table name (SQL) -- may also be an entity name (JPQL, HQL)
    entity: str = ""  # an entity name the stage resolves to its table
    family: str = ""


@dataclass
class FileScan:
    entities: list[EntityDecl] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)  # (table, referenced)
    sql_statements: int = 0
    sql_unparsed: int = 0
    warnings: list[str] = field(default_factory=list)

    def add_sql(self, path: str, tables: SqlTables, ddl: bool = False) -> None:
        """Record parsed SQL; ``ddl``: a schema or migration file, which also declares
        the tables it alters."""
        for table in sorted(tables.reads):
            self.uses.append(Use(path, "read", table=table, family="sql"))
        for table in sorted(tables.writes):
            self.uses.append(Use(path, "write", table=table, family="sql"))
        for table in sorted(tables.creates):
            self.uses.append(Use(path, "declare", table=table, family="sql"))
        for table, referenced in sorted(tables.references.items()):
            if ddl and table not in tables.creates:
                self.uses.append(Use(path, "declare", table=table, family="sql"))
            self.references.extend((table, other) for other in sorted(referenced))
        self.sql_statements += tables.statements
        self.sql_unparsed += tables.unparsed

    def add_sql_literals(self, path: str, literals: list[Literal]) -> None:
        """SQL found in string literals of code (SQL-looking ones only)."""
        tables = SqlTables()
        for literal in literals:
            if looks_like_sql(literal.text):
                parse_sql(literal.text, tables)
        self.add_sql(path, tables)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women"}
_UNCOUNTABLE = {"equipment", "information", "rice", "money", "species", "series", "fish", "sheep"}


def snake(name: str) -> str:
    """CamelCase -> camel_case (Rails' and Laravel's ``underscore``/``snake``)."""
    return _CAMEL.sub("_", name).replace("-", "_").lower()


def plural(word: str) -> str:
    """English plural of the last word of a snake_case name (the common inflection
    rules of ActiveSupport and Laravel's Pluralizer; irregulars kept to the few that
    name tables in practice)."""
    head, _, last = word.rpartition("_")
    prefix = head + "_" if head else ""
    if last in _UNCOUNTABLE or not last:
        return word
    if last in _IRREGULAR:
        return prefix + _IRREGULAR[last]
    if re.search(r"[^aeiou]y$", last):
        return prefix + last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", last):
        return prefix + last + "es"
    return prefix + last + "s"


def singular_camel(word: str) -> str:
    """has_many :line_items -> LineItem (the model class an association names)."""
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif re.search(r"(ses|xes|zes|ches|shes)$", word):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return "".join(part.capitalize() for part in word.split("_"))


def line_of(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1
