"""Entity Framework (Core and 6): ``DbSet<T>``, ``ToTable``, ``[Table]``.

EF Core conventions (learn.microsoft.com, "Entity types" and "Tables"): an entity
exposed as ``DbSet<T> Name`` maps to a table called ``Name``; ``[Table("x")]`` on the
class or ``ToTable("x")`` in the model builder (``modelBuilder.Entity<T>().ToTable``
or an ``IEntityTypeConfiguration<T>``) overrides it. The DbContext declares them; code
that uses ``context.Name.Add(...)``/``Remove``/``Update`` writes, LINQ over
``context.Name`` reads, and ``Set<T>()`` names T directly.
"""

from __future__ import annotations

import re

from archscan.data_access.facts import EntityDecl, FileScan, Use

_DBSET = re.compile(r"\bDbSet<\s*([\w.]+)\s*>\s+(\w+)")
_TABLE_ATTRIBUTE = re.compile(
    r"\[Table\(\s*\"([\w.]+)\"[^\]]*\]\s*(?:\[[^\]]*\]\s*)*(?:public\s+|internal\s+)?(?:sealed\s+|abstract\s+|partial\s+)*class\s+(\w+)"
)
_SCHEMA_ARG = r"(?:\s*,\s*(?:schema:\s*)?\"(\w+)\")?"
_TO_TABLE_ENTITY = re.compile(
    r"Entity<\s*(\w+)\s*>\s*\(\s*\)[\s\S]{0,400}?\.ToTable\(\s*\"(\w+)\"" + _SCHEMA_ARG
)
_CONFIGURATION = re.compile(r"IEntityTypeConfiguration<\s*(\w+)\s*>")
_TO_TABLE = re.compile(r"\.ToTable\(\s*\"(\w+)\"" + _SCHEMA_ARG)
_CONTEXT_CLASS = re.compile(r"\bclass\s+(\w+)")
_CREATE_TABLE = re.compile(r"\.CreateTable\(\s*name:\s*\"(\w+)\"(?:\s*,\s*schema:\s*\"(\w+)\")?")
_PRINCIPAL = re.compile(r"principalTable:\s*\"(\w+)\"(?:\s*,\s*principalSchema:\s*\"(\w+)\")?")
_ATTRIBUTE_SCHEMA = re.compile(r"Schema\s*=\s*\"(\w+)\"")
_SET_CALL = re.compile(r"\bSet<\s*(\w+)\s*>\s*\(\s*\)\s*\.\s*(\w+)")
_WRITE_VERB = re.compile(
    r"^(Add|AddRange|Remove|RemoveRange|Update|UpdateRange|Attach|ExecuteDelete|ExecuteUpdate)(Async)?$"
)


def scan_csharp(
    path: str, source: str, scan: FileScan, contexts: dict[str, dict[str, str]]
) -> None:
    """``contexts``: DbContext class -> (DbSet property name -> entity), over the whole
    repository. A file uses a context's sets only when it names the context class (a
    ``.Orders.`` of some other object is not a table)."""
    if "migrationBuilder" in source:
        _migration(path, source, scan)
    for found in _DBSET.finditer(source):
        entity = found.group(1).rpartition(".")[2]
        scan.entities.append(EntityDecl(entity, found.group(2).lower(), path, "ef"))
        scan.uses.append(Use(path, "read", entity=entity, family="ef"))
        scan.uses.append(Use(path, "write", entity=entity, family="ef"))
    overrides = []
    for m in _TABLE_ATTRIBUTE.finditer(source):
        schema = _ATTRIBUTE_SCHEMA.search(m.group(0))
        overrides.append((m.group(2), _qualified(m.group(1), schema.group(1) if schema else "")))
    for m in _TO_TABLE_ENTITY.finditer(source):
        overrides.append((m.group(1), _qualified(m.group(2), m.group(3))))
    configured = _CONFIGURATION.search(source)
    if configured and not overrides:
        to_table = _TO_TABLE.search(source)
        if to_table:
            table = _qualified(to_table.group(1), to_table.group(2))
            overrides.append((configured.group(1), table))
    for entity, table in overrides:
        scan.entities.append(EntityDecl(entity, table.lower(), path, "ef", override=True))
    dbsets = {
        name: entity
        for context, sets in contexts.items()
        if re.search(rf"\b{re.escape(context)}\b", source)
        for name, entity in sets.items()
    }
    for name, entity in sorted(dbsets.items()):
        for found in re.finditer(rf"\.{name}\s*\.\s*(\w+)", source):
            mode = "write" if _WRITE_VERB.match(found.group(1)) else "read"
            scan.uses.append(Use(path, mode, entity=entity, family="ef"))
    for found in _SET_CALL.finditer(source):
        mode = "write" if _WRITE_VERB.match(found.group(2)) else "read"
        scan.uses.append(Use(path, mode, entity=found.group(1), family="ef"))


def dbset_names(source: str) -> dict[str, dict[str, str]]:
    """DbContext class -> its DbSet properties (property name -> entity) in one file."""
    contexts: dict[str, dict[str, str]] = {}
    classes = [(m.start(), m.group(1)) for m in _CONTEXT_CLASS.finditer(source)]
    for found in _DBSET.finditer(source):
        owner = [name for start, name in classes if start < found.start()]
        if owner:
            contexts.setdefault(owner[-1], {})[found.group(2)] = found.group(1).rpartition(".")[2]
    return contexts


def _migration(path: str, source: str, scan: FileScan) -> None:
    """EF Core migrations (learn.microsoft.com/ef/core/managing-schemas/migrations):
    ``migrationBuilder.CreateTable(name: "x", ...)`` declares x; ``principalTable:``
    inside it names the tables its foreign keys point to."""
    starts = list(_CREATE_TABLE.finditer(source))
    for index, found in enumerate(starts):
        table = _qualified(found.group(1), found.group(2))
        end = starts[index + 1].start() if index + 1 < len(starts) else len(source)
        scan.uses.append(Use(path, "declare", table=table, family="ef"))
        for ref in _PRINCIPAL.finditer(source, found.end(), end):
            other = _qualified(ref.group(1), ref.group(2))
            if other != table:
                scan.references.append((table, other))


def _qualified(table: str, schema: str | None) -> str:
    return f"{schema}.{table}".lower() if schema else table.lower()
