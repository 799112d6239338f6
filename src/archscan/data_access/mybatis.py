"""MyBatis mapper XML: the SQL of ``<select>``/``<insert>``/``<update>``/``<delete>``.

The XML is untrusted: it is parsed with defusedxml, which refuses entity declarations
(billion laughs, external entities such as ``<!ENTITY x SYSTEM "file:///etc/passwd">``)
and never fetches a DTD, so a hostile mapper becomes a warning and nothing outside the
repository is read. Dynamic SQL (mybatis.org, "Dynamic SQL") is flattened the way MyBatis
renders it with every branch taken: ``<where>`` adds WHERE and drops a leading AND/OR,
``<set>`` adds SET and drops a trailing comma, ``<trim>`` applies its prefix, ``<foreach>``
its open/close, ``<include refid>`` inserts the ``<sql>`` fragment. The mapper's
``namespace`` names the Java/Kotlin mapper interface, which reads and writes the same
tables.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from archscan.data_access.sql import SqlTables, parse_sql

_STATEMENTS = {"select", "insert", "update", "delete"}
_LEADING_BOOLEAN = re.compile(r"^\s*(AND|OR)\b", re.IGNORECASE)
_TRAILING_COMMA = re.compile(r",\s*$")


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


def parse_mapper(source: str) -> tuple[str, list[tuple[str, str]]] | str:
    """(namespace, [(statement tag, SQL)]) of a mapper file, or a warning message."""
    try:
        root = fromstring(source, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        return f"XML refused (entity declarations are not allowed): {type(exc).__name__}"
    except (ParseError, ValueError) as exc:
        return f"XML does not parse: {exc}"
    if root.tag != "mapper":
        return ""
    fragments = {el.get("id", ""): el for el in root.iter("sql")}
    statements = [
        (el.tag, _render(el, fragments))
        for el in root
        if isinstance(el.tag, str) and el.tag in _STATEMENTS
    ]
    return root.get("namespace", ""), statements


def mapper_tables(statements: list[tuple[str, str]]) -> SqlTables:
    tables = SqlTables()
    for _tag, sql in statements:
        parse_sql(sql, tables)
    return tables
