"""JPA/Hibernate entities, Spring Data repositories and MyBatis annotations (Java, Kotlin).

JPA (Jakarta Persistence 3.1, sections 2.1 and 11.1): ``@Entity`` classes map to
``@Table(name=...)`` or, by default, to the entity name (``@Entity(name=...)`` or the
class name); ``@MappedSuperclass`` and ``@Embeddable`` have no table of their own;
``@ManyToOne``/``@OneToMany``/``@OneToOne``/``@ManyToMany`` point to the entity of the
field's type (or ``targetEntity``); ``@JoinTable(name=...)`` names the join table;
``cascade = ALL|PERSIST|MERGE|REMOVE`` makes writes of the owner write the target too.
Spring Data (docs.spring.io, "Defining Repository Interfaces"): a repository extending
``JpaRepository<T, ID>`` (or CrudRepository, ...) reads and writes T's table; one that
extends the bare ``Repository<T, ID>`` writes only when it declares save/delete methods.
MyBatis (mybatis.org, "Mapper Annotations"): ``@Select``/``@Insert``/``@Update``/
``@Delete`` hold SQL; string arrays are joined with spaces, as MyBatis does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archscan.data_access.facts import EntityDecl, FileScan, Use
from archscan.data_access.sql import SqlTables, parse_sql
from archscan.literals import string_literals

_CLASS = re.compile(
    r"\b(?:class|interface|object)\s+(\w+)"  # Java/Kotlin class header
)
_ANNOTATION_BLOCK = re.compile(r"((?:@\w+(?:\s*\((?:[^()]|\([^()]*\))*\))?\s*)+)")
_ENTITY = re.compile(
    r"@(?:jakarta\.persistence\.|javax\.persistence\.)?Entity\b(?:\s*\(([^)]*)\))?"
)
_TABLE = re.compile(r"@(?:\w+\.)*Table\s*\(\s*(?:[^)]*?\bname\s*=\s*)?\"([\w.$]+)\"")
_RELATION = re.compile(
    r"@(ManyToOne|OneToMany|OneToOne|ManyToMany)\b(\s*\((?:[^()]|\([^()]*\))*\))?"
)
_JOIN_TABLE = re.compile(r"@JoinTable\s*\(\s*(?:[^)]*?\bname\s*=\s*)?\"(\w+)\"")
_TARGET_ENTITY = re.compile(r"targetEntity\s*=\s*(\w+)(?:\.class|::class)")
_CASCADE_WRITES = re.compile(r"cascade\s*=[^)]*\b(ALL|PERSIST|MERGE|REMOVE)\b")
_JAVA_FIELD = re.compile(r"(?:[\w.]+\s+)*?([\w.]+(?:\s*<[^;=(){}]*>)?)\s+(\w+)\s*[;=]")
_KOTLIN_FIELD = re.compile(r"(?:va[lr])\s+(\w+)\s*:\s*([\w.]+(?:\s*<[^=){}]*>)?)")
_CONTAINERS = {
    "Set",
    "List",
    "Collection",
    "Map",
    "SortedSet",
    "MutableSet",
    "MutableList",
    "Optional",
    "Iterable",
    "String",
    "Integer",
    "Long",
}
_REPOSITORY = re.compile(
    r"\b(?:interface|class)\s+(\w+)[^{;]*?\b(JpaRepository|CrudRepository|ListCrudRepository"
    r"|PagingAndSortingRepository|ListPagingAndSortingRepository|ReactiveCrudRepository"
    r"|CoroutineCrudRepository|R2dbcRepository|JpaSpecificationExecutor|Repository)"
    r"\s*<\s*([\w.]+)\s*,"
)
_REPOSITORY_WRITES = re.compile(r"\b(save|delete|remove|insert|update)\w*\s*\(")
_MYBATIS_ARRAY = re.compile(
    r"@(?:Select|Insert|Update|Delete)\s*\(\s*(?:value\s*=\s*)?\{(.*?)\}\s*\)", re.S
)


def _field_type(text: str, kotlin: bool) -> str:
    """The entity a relation's field holds: the last non-container type name."""
    found = _KOTLIN_FIELD.search(text) if kotlin else _JAVA_FIELD.search(text)
    if not found:
        return ""
    spelled = found.group(2) if kotlin else found.group(1)
    names = [n.rpartition(".")[2] for n in re.findall(r"[A-Z][\w.]*", spelled)]
    names = [n for n in names if n not in _CONTAINERS]
    return names[-1] if names else ""


@dataclass
class _Relations:
    targets: list[str] = field(default_factory=list)
    cascades: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    indirect: list[str] = field(default_factory=list)
    join_tables: list[str] = field(default_factory=list)


def _relations(body: str, kotlin: bool) -> _Relations:
    out = _Relations()
    for found in _RELATION.finditer(body):
        args = found.group(2) or ""
        after = body[found.end() : found.end() + 600]
        target_match = _TARGET_ENTITY.search(args)
        tail = _ANNOTATION_BLOCK.match(after.lstrip())
        declaration = after.lstrip()[tail.end() :] if tail else after
        target = target_match.group(1) if target_match else _field_type(declaration, kotlin)
        join = _JOIN_TABLE.search(tail.group(0)) if tail else None
        if join:
            out.join_tables.append(join.group(1).lower())
        if not target:
            continue
        out.targets.append(target)
        if _CASCADE_WRITES.search(args):
            out.cascades.append(target)
        kind, mapped_by = found.group(1), "mappedBy" in args
        if kind == "ManyToMany" or (kind == "OneToMany" and join):
            out.indirect.append(target)
        elif kind == "OneToMany" or (kind == "OneToOne" and mapped_by):
            out.inverse.append(target)
    return out


def _entities(path: str, source: str, scan: FileScan) -> None:
    kotlin = path.endswith((".kt", ".kts"))
    for found in _ENTITY.finditer(source):
        klass = _CLASS.search(source, found.end())
        if klass is None:
            continue
        head = source[found.start() : klass.start()]
        name = klass.group(1)
        explicit = re.search(r"\"(\w+)\"", found.group(1) or "")
        entity_name = explicit.group(1) if explicit else name
        table = _TABLE.search(head)
        next_entity = _ENTITY.search(source, klass.end())
        body = source[klass.end() : next_entity.start() if next_entity else len(source)]
        relations = _relations(body, kotlin)
        scan.entities.append(
            EntityDecl(
                name=name,
                table=(table.group(1).rpartition(".")[2] if table else entity_name).lower(),
                path=path,
                family="jpa",
                aliases=(entity_name,) if entity_name != name else (),
                relations=tuple(relations.targets),
                cascades=tuple(relations.cascades),
                inverse=tuple(relations.inverse),
                indirect=tuple(relations.indirect),
                join_tables=tuple(relations.join_tables),
            )
        )


def _repositories(path: str, source: str, scan: FileScan) -> None:
    for found in _REPOSITORY.finditer(source):
        entity = found.group(3).rpartition(".")[2]
        scan.uses.append(Use(path, "read", entity=entity, family="spring-data"))
        bare = found.group(2) in ("Repository", "JpaSpecificationExecutor")
        if not bare or _REPOSITORY_WRITES.search(source, found.end()):
            scan.uses.append(Use(path, "write", entity=entity, family="spring-data"))


def _mybatis_arrays(path: str, source: str, scan: FileScan) -> None:
    tables = SqlTables()
    for found in _MYBATIS_ARRAY.finditer(source):
        language = "kotlin" if path.endswith((".kt", ".kts")) else "java"
        text = " ".join(lit.text for lit in string_literals(found.group(1), language))
        parse_sql(text, tables)
    scan.add_sql(path, tables)


def scan_jvm(path: str, source: str, scan: FileScan) -> None:
    if "Entity" in source:
        _entities(path, source, scan)
    if "Repository" in source:
        _repositories(path, source, scan)
    if "@Select" in source or "@Insert" in source or "@Update" in source or "@Delete" in source:
        _mybatis_arrays(path, source, scan)
