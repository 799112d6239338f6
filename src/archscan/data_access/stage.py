"""The data-access stage: which files declare, read and write which tables.

Each file is scanned for what its ecosystem declares (models, entities, repositories,
mapper XML, schema files, SQL in string literals); entity names are then resolved to
tables across the repository and the result is aggregated per table. Definitions and
sources of every convention: docs/data-access.md.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path

from archscan.data_access import dotnet, go, javascript, jvm, mybatis, php, python_orm, ruby
from archscan.data_access.facts import EntityDecl, FileScan, Use
from archscan.data_access.sql import SqlTables, parse_sql
from archscan.languages.base import ProjectView
from archscan.literals import string_literals
from archscan.records import AnalysisWarning, DataAccessResult, SourceFile, TableAccess
from archscan.stage_cache import (
    code_fingerprint,
    keep_if_drifted,
    library_version,
    load_snapshot,
    open_stage_cache,
    reused,
)

_CODE_LANGUAGES = {
    "python",
    "java",
    "kotlin",
    "csharp",
    "go",
    "php",
    "ruby",
    "javascript",
    "typescript",
}
# A cheap test before the literal scanner runs: files without any SQL keyword pair
# (most of them) are not scanned for SQL strings at all. One pattern per keyword, each
# starting with a literal, on the lower-cased text: the regex engine then skips ahead
# with a fast substring search (an alternation or a case-insensitive pattern is 5x slower).
# Patterns that need a rarer word share one substring test of it first (93% of saleor's
# code files have no "table", 97% no "into").
_SQL_HINTS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = tuple(
    (needed, tuple(re.compile(p) for p in patterns))
    for needed, patterns in (
        ("", (r"select\s[^;]{0,2000}?\bfrom\s",)),
        ("", (r"update\s+[\w.\"`\[\]]+\s+set\s",)),
        ("", (r"delete\s+from\s",)),
        ("into", (r"insert\s+into\s", r"merge\s+into\s")),
        ("table", (r"create\s+table\s", r"alter\s+table\s")),
    )
)
# Statements end at a ";" closing a line, or at a T-SQL batch separator (a "GO" line).
_STATEMENT_START = re.compile(
    r"^(?=(?:SELECT|INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|WITH|DECLARE|SET"
    r"|EXEC|EXECUTE|GRANT|USE|IF|BEGIN|PRINT|DBCC)\b)",
    re.MULTILINE | re.IGNORECASE,
)
_STATEMENT_END = re.compile(r";[ \t]*(?:--[^\n]*)?$|^[ \t]*GO[ \t]*$", re.MULTILINE | re.IGNORECASE)
# Uses by calls (``Order.where``) resolve only to entities of their own ORM; SQL names
# resolve to any table or entity.
_FAMILIES_OF_USE = {
    "spring-data": {"jpa"},
    "django": {"django"},
    "activerecord": {"activerecord"},
    "eloquent": {"eloquent"},
    "sequelize": {"sequelize"},
    "typeorm": {"typeorm"},
    "prisma": {"prisma"},
    "gorm": {"gorm"},
    "ef": {"ef"},
}
_PROPAGATING = {"jpa"}  # loading/saving an entity loads/saves its associations


@dataclass(frozen=True)
class DataAccessInput:
    root: Path
    files: tuple[SourceFile, ...]  # the discovered files (only these are ever read)
    # Per-file results are stored by blob id in ``cache_dir`` (no directory: not stored).
    blobs: Mapping[str, str] = field(default_factory=dict)  # path -> git blob id
    cache_dir: Path | None = None


def _sql_file(path: str, source: str, scan: FileScan) -> None:
    """A schema, migration or seed file: statement by statement, so one statement the
    parser rejects does not hide the rest."""
    tables = SqlTables()
    for chunk in _STATEMENT_END.split(source):
        if not chunk.strip() or not re.search(r"\w", re.sub(r"--[^\n]*", "", chunk)):
            continue
        attempt = SqlTables()
        if parse_sql(chunk, attempt):
            tables.merge(attempt, unparsed=False)
            continue
        # T-SQL scripts often end statements with neither ";" nor GO: try again with
        # one statement per line that starts with a statement keyword.
        for piece in _STATEMENT_START.split(chunk):
            if piece.strip():
                parse_sql(piece, tables)
    scan.add_sql(path, tables, ddl=True)


def _mapper_xml(path: str, source: str, scan: FileScan, paths: frozenset[str]) -> None:
    parsed = mybatis.parse_mapper(source)
    if isinstance(parsed, str):
        if parsed:
            scan.warnings.append(parsed)
        return
    namespace, statements = parsed
    tables, mapped = mybatis.mapper_tables(statements)
    scan.add_sql(path, tables)
    types = _jvm_types(paths)
    for type_name, table in mapped:
        found = _class_file(type_name, types)
        if found:
            name = found.rpartition("/")[2].partition(".")[0]
            scan.entities.append(EntityDecl(name, table, found, "mybatis"))
    stem = namespace.replace(".", "/")
    simple = stem.rpartition("/")[2].lower()
    for candidate in types.get(simple, ()):
        if candidate == f"{stem}.java" or candidate.endswith((f"/{stem}.java", f"/{stem}.kt")):
            interface = SqlTables(reads=set(tables.reads), writes=set(tables.writes))
            scan.add_sql(candidate, interface)


@lru_cache(maxsize=4)
def _jvm_types(paths: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Java/Kotlin files by their lower-cased type name, sorted: built once per repository,
    not once per mapper statement."""
    found: dict[str, list[str]] = {}
    for path in sorted(paths):
        if path.endswith((".java", ".kt")):
            found.setdefault(path.rpartition("/")[2].rpartition(".")[0].lower(), []).append(path)
    return {name: tuple(files) for name, files in found.items()}


def _class_file(type_name: str, types: Mapping[str, Sequence[str]]) -> str:
    """The Java/Kotlin file of a MyBatis type: a qualified name by its path, an alias (a
    simple name, any case, as ``typeAliasesPackage`` registers them) by the one file of
    that name; "" for built-in aliases (int, map) and names that are ambiguous or absent."""
    stem = type_name.replace(".", "/")
    found = types.get(stem.rpartition("/")[2].lower(), ())
    if "." in type_name:
        found = [p for p in found if p.endswith((f"/{stem}.java", f"/{stem}.kt"))]
    return found[0] if len(found) == 1 else ""


def _may_hold_sql(source: str) -> bool:
    lower = source.lower()
    return any(
        needed in lower and any(hint.search(lower) for hint in hints)
        for needed, hints in _SQL_HINTS
    )


class _Scanner:
    """Scans files one by one with the repository-wide facts some conventions need."""

    def __init__(self, view: ProjectView, records: dict[str, _FileRecord]) -> None:
        self.view = view
        ordered = sorted(records.items())
        labels = dict(r.label for _, r in ordered if r.label is not None)
        classes = [c for _, r in ordered for c in r.classes]
        self.django = python_orm.django_entities(classes, labels)
        self.dbsets: dict[str, dict[str, str]] = {}
        for _, record in ordered:
            for context, sets in record.dbsets.items():
                self.dbsets.setdefault(context, {}).update(sets)
        # What a file's scan read besides its own text: C# scans read every DbContext's
        # sets, mapper XML the set of paths. A stored scan is reused only when they are unchanged.
        self._cs_context = _digest(sorted((k, sorted(v.items())) for k, v in self.dbsets.items()))

    @cached_property
    def _xml_context(self) -> str:
        # on first use: a repository without XML files needs no digest of every path
        return _digest(sorted(self.view.paths))

    def context(self, path: str) -> str:
        suffix = path.lower()[path.rfind(".") :]
        if suffix == ".cs":
            return self._cs_context
        return self._xml_context if suffix == ".xml" else ""

    def scan(self, file: SourceFile, source: str) -> FileScan:
        scan = self._scan(file, source)
        # A file names a model many times (each ``Order.objects`` call): one use of each
        # is all the per-table sets take, and a third of the uses to store and resolve.
        scan.uses = list(dict.fromkeys(scan.uses))
        return scan

    def _scan(self, file: SourceFile, source: str) -> FileScan:
        scan = FileScan()
        path = file.path
        language = file.language or ""
        lower = path.lower()
        if lower.endswith(".sql"):
            _sql_file(path, source, scan)
            return scan
        if lower.endswith(".xml"):
            if "<mapper" in source:
                _mapper_xml(path, source, scan, self.view.paths)
            return scan
        if lower.endswith(".prisma"):
            javascript.scan_prisma(path, source, scan)
            return scan
        self._code(path, language, source, scan)
        if language in _CODE_LANGUAGES and _may_hold_sql(source):
            scan.add_sql_literals(path, string_literals(source, language))
        return scan

    def _code(self, path: str, language: str, source: str, scan: FileScan) -> None:
        if language == "python":
            if "__tablename__" in source or "Table(" in source:
                tablename = "__tablename__" in source
                classes = python_orm.python_classes(path, source) if tablename else []
                python_orm.sqlalchemy_scan(path, source, classes, scan)
            python_orm.manager_uses(path, source, scan)
        elif language in ("java", "kotlin"):
            jvm.scan_jvm(path, source, scan)
        elif language == "ruby":
            if path.endswith("schema.rb"):
                ruby.scan_schema(path, source, scan)
            else:
                ruby.scan_models(path, source, scan)
            ruby.scan_calls(path, source, scan)
        elif language == "csharp":
            dotnet.scan_csharp(path, source, scan, self.dbsets)
        elif language == "php":
            php.scan_php(path, source, scan)
        elif language in ("javascript", "typescript"):
            javascript.scan_code(path, source, scan)
        elif language == "go":
            go.scan_go(path, source, scan)


_SUFFIXES = (
    ".py", ".java", ".kt", ".kts", ".xml", ".rb", ".cs", ".php", ".js", ".jsx", ".mjs",
    ".cjs", ".ts", ".tsx", ".prisma", ".go", ".sql",
)  # fmt: skip


@dataclass(frozen=True)
class _FileRecord:
    """What one file contributes, stored by its blob id (``stage_cache``): the facts other
    files' scans need (a Django app label, model classes, DbContext sets) and its own
    scan, with the digest of the cross-file facts that scan read."""

    label: tuple[str, str] | None = None  # apps.py: (app folder, AppConfig.label)
    classes: tuple[python_orm.PyClass, ...] = ()  # a Django models module's classes
    dbsets: dict[str, dict[str, str]] = field(default_factory=dict)
    scan: FileScan | None = None
    context: str = ""


# What two thirds of the files yield (a Django repository's): one object for all of
# them, so that the base snapshot pickles (and unpickles) it once, not once per file.
_NOTHING = _FileRecord(scan=FileScan())


def _local_record(path: str, source: str) -> _FileRecord:
    """The cross-file facts of one file (the conventions ``_Scanner`` assembles)."""
    if path.endswith(".py") and "django" in source:
        label = None
        if path.endswith("apps.py"):
            found = python_orm.app_labels({path: source})
            label = next(iter(found.items()), None)
        classes: tuple[python_orm.PyClass, ...] = ()
        if python_orm.is_models_module(path, source):
            classes = tuple(python_orm.python_classes(path, source))
        return _FileRecord(label=label, classes=classes)
    if path.endswith(".cs") and "DbSet<" in source:
        return _FileRecord(dbsets=dotnet.dbset_names(source))
    return _FileRecord()


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogateescape")).hexdigest()[:16]


@cache
def _fingerprint() -> str:
    import archscan.data_access as package
    from archscan import literals

    # sqlglot's version without importing it: that costs 75 ms a cached run needs not
    extra = library_version("sqlglot", "sqlglot")
    return code_fingerprint("data-access", package, literals, extra=extra)


# Every file's record of a root's last run, as one entry (stage_cache.load_snapshot:
# one query and one unpickling, where the per-file entries took 0.05 s on saleor); read
# first, the per-file entries only for the files it lacks or holds at another blob. It
# is rewritten only after drift (stage_cache.keep_if_drifted: one commit's few files are
# read from their own entries), as the parse cache's base.
_BASE = "data-access-base"


def _scans(
    data: DataAccessInput, view: ProjectView
) -> tuple[list[tuple[SourceFile, FileScan]], _Scanner]:
    """Every readable file's scan: stored ones reused, the others read and scanned."""
    wanted = [f for f in data.files if f.path.lower().endswith(_SUFFIXES)]
    store = open_stage_cache(data.cache_dir, "data-access", _fingerprint(), _FileRecord, _NOTHING)
    blob_of = data.blobs
    base = load_snapshot(data.cache_dir, _BASE, _fingerprint(), str(data.root))
    records: dict[str, _FileRecord] = {}
    for file in wanted:
        hit, value = reused(base, file.path, blob_of.get(file.path))
        if hit and isinstance(value, _FileRecord):
            records[file.path] = value
    from_base = set(records)
    rest = [(f.path, blob_of.get(f.path, "")) for f in wanted if f.path not in records]
    if store and rest:
        records.update(store.get_many(rest))
    sources: dict[str, str] = {}
    for file in wanted:
        if file.path in records:
            continue
        text = view.read_text(file.path)
        if text is not None:
            sources[file.path] = text
            records[file.path] = _local_record(file.path, text)
    scanner = _Scanner(view, records)
    scans: list[tuple[SourceFile, FileScan]] = []
    changed: dict[str, tuple[str, _FileRecord]] = {}
    kept: dict[str, tuple[str, _FileRecord]] = {}  # every file's record: the next base
    for file in wanted:
        record = records.get(file.path)
        if record is None:
            continue
        context = scanner.context(file.path)
        if record.scan is None or record.context != context:
            source = sources.get(file.path)
            if source is None:
                source = view.read_text(file.path)
            if source is None:
                continue
            record = replace(record, scan=scanner.scan(file, source), context=context)
            if record == _NOTHING:
                record = _NOTHING
            changed[file.path] = (blob_of.get(file.path, ""), record)
        assert record.scan is not None
        scans.append((file, record.scan))
        kept[file.path] = (blob_of.get(file.path, ""), record)
    if store:
        store.put_many(changed)
        store.close()
    # the files the base did not give as they are now
    given = {path for path in kept if path in from_base and path not in changed}
    root = str(data.root)
    keep_if_drifted(data.cache_dir, _BASE, _fingerprint(), root, base, kept, len(kept) - len(given))
    return scans, scanner


def _shared_prefix(a: str, b: str) -> int:
    """Number of leading folders two paths share (nearness of two files)."""
    count = 0
    for left, right in zip(a.split("/")[:-1], b.split("/")[:-1], strict=False):
        if left != right:
            break
        count += 1
    return count


class _Resolver:
    """Entity names -> tables, across files and families. Of several entities with one
    name (a modular monolith's modules each have an ``InternalCommand``), the one in
    the nearest folder wins, so each module's code resolves to its own module's table."""

    def __init__(self, entities: list[EntityDecl]) -> None:
        self.by_name: dict[str, list[EntityDecl]] = defaultdict(list)
        overrides: dict[tuple[str, str], list[EntityDecl]] = defaultdict(list)
        for entity in entities:
            if entity.override:
                overrides[(entity.family, entity.name)].append(entity)
        self.entities: list[EntityDecl] = []
        for entity in entities:
            if entity.override:
                continue
            near = _nearest(overrides.get((entity.family, entity.name), []), entity.path)
            if near is not None and near.table != entity.table:
                entity = EntityDecl(**{**entity.__dict__, "table": near.table})
            self.entities.append(entity)
        for entity in self.entities:
            for key in (entity.name, *entity.aliases):
                self.by_name[key].append(entity)
                self.by_name[key.lower()].append(entity)

    def find(
        self, name: str, families: set[str] | None = None, near: str = ""
    ) -> EntityDecl | None:
        candidates = self.by_name.get(name) or self.by_name.get(name.lower()) or []
        if families is not None:
            candidates = [c for c in candidates if c.family in families]
        return _nearest(candidates, near)

    def table(self, entity: EntityDecl, depth: int = 0) -> str:
        if entity.table or depth > 10:
            return entity.table
        parent = self.find(entity.parent, {entity.family}, entity.path) if entity.parent else None
        return self.table(parent, depth + 1) if parent is not None else ""

    def related(self, entity: EntityDecl, writes: bool) -> set[str]:
        """Tables reached from an entity of a propagating ORM: associations (reads) or
        cascaded associations (writes), transitively, with their join tables."""
        seen: set[tuple[str, str]] = set()
        tables: set[str] = set()
        pending = [entity]
        while pending:
            current = pending.pop()
            if (current.path, current.name) in seen:
                continue
            seen.add((current.path, current.name))
            tables.add(self.table(current))
            tables.update(current.join_tables)
            for name in current.cascades if writes else current.relations:
                target = self.find(name, {current.family}, current.path)
                if target is not None:
                    pending.append(target)
        tables.discard("")
        return tables


def _nearest(candidates: list[EntityDecl], near: str) -> EntityDecl | None:
    if len(candidates) < 2:  # nearly every name has one entity: nothing to rank
        return candidates[0] if candidates else None
    # min keeps the first of equal keys, as sorting (stable) and taking the first did
    return min(
        candidates, key=lambda e: (-_shared_prefix(e.path, near), not e.table, e.path, e.name)
    )


@dataclass
class _Table:
    entities: set[str]
    declared_in: set[str]
    readers: set[str]
    writers: set[str]
    references: set[str]


def _aggregate(scans: Iterable[FileScan], resolver: _Resolver) -> dict[str, _Table]:
    tables: dict[str, _Table] = defaultdict(lambda: _Table(set(), set(), set(), set(), set()))
    for entity in resolver.entities:
        table = resolver.table(entity)
        if not table:
            continue
        tables[table].entities.add(entity.name)
        tables[table].declared_in.add(entity.path)
        for name in entity.relations:
            target = resolver.find(name, {entity.family}, entity.path)
            other = resolver.table(target) if target is not None else ""
            if other in ("", table) or name in entity.indirect:
                continue
            if name in entity.inverse:
                tables[other].references.add(table)
            else:
                tables[table].references.add(other)
        for ref in entity.table_refs:
            tables[table].references.add(ref)
        for join in entity.join_tables:
            tables[join].references.add(table)
            for name in entity.indirect:
                target = resolver.find(name, {entity.family}, entity.path)
                if target is not None and resolver.table(target):
                    tables[join].references.add(resolver.table(target))
    known = set(tables)
    for scan in scans:
        for use in scan.uses:
            for table in _use_tables(use, resolver, known):
                _record_use(tables[table], use)
        for table, referenced in scan.references:
            tables[table].references.add(referenced)
            tables.setdefault(referenced, _Table(set(), set(), set(), set(), set()))
    tables = _merge_schemas(dict(tables))
    for table, item in tables.items():
        item.references.discard(table)
    return tables


def _merge_schemas(tables: dict[str, _Table]) -> dict[str, _Table]:
    """One table named with and without its schema (``ordering.orders`` in SQL,
    ``orders`` in an entity) is one table when the short name is unambiguous: it keeps
    the qualified name, unless only the short one is declared. ``meetings.members`` and
    ``administration.members`` stay apart (a modular monolith's schemas)."""
    qualified: dict[str, list[str]] = defaultdict(list)
    for name in tables:
        if "." in name:
            qualified[name.rpartition(".")[2]].append(name)
    renames: dict[str, str] = {}
    for short, names in qualified.items():
        if len(names) != 1 or short not in tables:
            continue
        full = names[0]
        keep_short = bool(tables[short].declared_in) and not tables[full].declared_in
        renames[full if keep_short else short] = short if keep_short else full
    if not renames:
        return tables
    merged: dict[str, _Table] = {}
    for name, item in tables.items():
        target = merged.setdefault(
            renames.get(name, name), _Table(set(), set(), set(), set(), set())
        )
        target.entities |= item.entities
        target.declared_in |= item.declared_in
        target.readers |= item.readers
        target.writers |= item.writers
        target.references |= {renames.get(ref, ref) for ref in item.references}
    return merged


def _record_use(table: _Table, use: Use) -> None:
    if use.mode == "declare":
        table.declared_in.add(use.path)
    elif use.mode == "read":
        table.readers.add(use.path)
    else:
        table.writers.add(use.path)


def _use_tables(use: Use, resolver: _Resolver, known: set[str]) -> set[str]:
    if use.table:
        if use.table in known or use.mode == "declare":
            return {use.table}
        entity = resolver.find(use.table, near=use.path)  # JPQL/HQL name entities
        return {resolver.table(entity) or use.table} if entity else {use.table}
    entity = resolver.find(use.entity, _FAMILIES_OF_USE.get(use.family), use.path)
    if entity is None:
        return set()
    if entity.family in _PROPAGATING and use.mode != "declare":
        return resolver.related(entity, writes=use.mode == "write")
    table = resolver.table(entity)
    return {table} if table else set()


def run_data_access(data: DataAccessInput) -> tuple[DataAccessResult, tuple[AnalysisWarning, ...]]:
    view = ProjectView(data.root, data.files, {})
    file_scans, scanner = _scans(data, view)
    scans = [scan for _, scan in file_scans]
    warnings = [
        AnalysisWarning(file.path, "data-access", message)
        for file, scan in file_scans
        for message in scan.warnings
    ]
    entities = scanner.django + [e for s in scans for e in s.entities]
    tables = _aggregate(scans, _Resolver(entities))
    result = DataAccessResult(
        tables=tuple(
            TableAccess(
                name=name,
                entities=tuple(sorted(item.entities)),
                declared_in=tuple(sorted(item.declared_in)),
                readers=tuple(sorted(item.readers)),
                writers=tuple(sorted(item.writers)),
                references=tuple(sorted(item.references)),
            )
            for name, item in sorted(tables.items())
        ),
        sql_statements=sum(s.sql_statements for s in scans),
        sql_unparsed=sum(s.sql_unparsed for s in scans),
    )
    return result, tuple(warnings)
