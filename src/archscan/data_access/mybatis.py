"""MyBatis mapper XML: the SQL of ``<select>``/``<insert>``/``<update>``/``<delete>``.

The XML is untrusted: it is parsed with defusedxml, which refuses entity declarations
(billion laughs, external entities such as ``<!ENTITY x SYSTEM "file:///etc/passwd">``)
and never fetches a DTD, so a hostile mapper becomes a warning and nothing outside the
repository is read. Dynamic SQL (mybatis.org, "Dynamic SQL") is flattened the way MyBatis
renders it with every branch taken: ``<where>`` adds WHERE and drops a leading AND/OR,
``<set>`` adds SET and drops a trailing comma, ``<trim>`` applies its prefix, ``<foreach>``
its open/close, ``<include refid>`` inserts the ``<sql>`` fragment. The mapper's
``namespace`` names the Java/Kotlin mapper interface, which reads and writes the same
tables. A statement's ``resultType``/``resultMap`` (selects) or ``parameterType``
(inserts, updates, deletes) names the class its rows are mapped to: that class is the
entity of the statement's main table (the written one, else the only or first FROM table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from archscan.data_access.sql import SqlTables, parse_sql

_STATEMENTS = {"select", "insert", "update", "delete"}
_LEADING_BOOLEAN = re.compile(r"^\s*(AND|OR)\b", re.IGNORECASE)
_TRAILING_COMMA = re.compile(r",\s*$")
_FROM = re.compile(r"\bfrom\s+([\w.]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    tag: str  # select | insert | update | delete
    sql: str  # the dynamic SQL flattened
    type_name: str = ""  # the mapped class as written (alias or qualified name); "" if none


def _render(element: Element, fragments: dict[str, Element], depth: int = 0) -> str:
    """The SQL text of an element with its dynamic children flattened."""
    if depth > 20:  # <include> loops in a hostile mapper
        return ""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        inner = _render(child, fragments, depth + 1)
        if tag == "include":
            fragment = fragments.get(child.get("refid", "").rpartition(".")[2])
            inner = _render(fragment, fragments, depth + 1) if fragment is not None else ""
        elif tag == "where":
            inner = " WHERE " + _LEADING_BOOLEAN.sub("", inner) if inner.strip() else ""
        elif tag == "set":
            inner = " SET " + _TRAILING_COMMA.sub("", inner.strip())
        elif tag == "trim":
            body = inner
            for drop in (child.get("prefixOverrides") or "").split("|"):
                if drop.strip() and body.lstrip().upper().startswith(drop.strip().upper()):
                    body = body.lstrip()[len(drop.strip()) :]
            for drop in (child.get("suffixOverrides") or "").split("|"):
                if drop.strip() and body.rstrip().upper().endswith(drop.strip().upper()):
                    body = body.rstrip()[: -len(drop.strip())]
            inner = f" {child.get('prefix', '')} {body} {child.get('suffix', '')} "
        elif tag == "foreach":
            inner = f" {child.get('open', '')}{inner}{child.get('close', '')} "
        elif tag in ("choose",):
            first = next(iter(child), None)  # the first branch stands for all of them
            inner = _render(first, fragments, depth + 1) if first is not None else ""
        elif tag in ("selectKey", "bind"):
            inner = ""
        parts.append(f" {inner} ")
        parts.append(child.tail or "")
    return "".join(parts)


def parse_mapper(source: str) -> tuple[str, list[Statement]] | str:
    """(namespace, statements) of a mapper file, or a warning message."""
    try:
        root = fromstring(source, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        return f"XML refused (entity declarations are not allowed): {type(exc).__name__}"
    except (ParseError, ValueError) as exc:
        return f"XML does not parse: {exc}"
    if root.tag != "mapper":
        return ""
    fragments = {el.get("id", ""): el for el in root.iter("sql")}
    result_maps = {el.get("id", ""): el.get("type", "") for el in root.iter("resultMap")}
    statements = [
        Statement(el.tag, _render(el, fragments), _type_name(el, result_maps))
        for el in root
        if isinstance(el.tag, str) and el.tag in _STATEMENTS
    ]
    return root.get("namespace", ""), statements


def _type_name(element: Element, result_maps: dict[str, str]) -> str:
    """The class rows map to: a select's result type, a write's parameter type."""
    if element.tag == "select":
        mapped = result_maps.get((element.get("resultMap") or "").rpartition(".")[2], "")
        return (element.get("resultType") or mapped).strip()
    return (element.get("parameterType") or "").strip()


def mapper_tables(statements: list[Statement]) -> tuple[SqlTables, list[tuple[str, str]]]:
    """The tables of all statements, and (mapped class name, main table) pairs."""
    tables = SqlTables()
    mapped: set[tuple[str, str]] = set()
    for statement in statements:
        own = SqlTables()
        parse_sql(statement.sql, own)
        tables.merge(own)
        if statement.type_name:
            mapped.update((statement.type_name, table) for table in _main_tables(statement, own))
    return tables, sorted(mapped)


def _main_tables(statement: Statement, tables: SqlTables) -> list[str]:
    if tables.writes:
        return sorted(tables.writes)
    if len(tables.reads) == 1:
        return sorted(tables.reads)
    first = _FROM.search(statement.sql)
    name = first.group(1).lower() if first else ""
    return [name] if name in tables.reads else []
