"""ActiveRecord models and ``db/schema.rb``.

Rails conventions (guides.rubyonrails.org, "Active Record Basics" and "Associations"): a
class deriving from ``ApplicationRecord`` or ``ActiveRecord::Base`` maps to the plural,
snake_case form of its name (``LineItem`` -> ``line_items``) unless ``self.table_name =``
says otherwise; a subclass of another model shares its table (single-table inheritance);
``belongs_to``/``has_one``/``has_many``/``has_and_belongs_to_many`` name other models
(``class_name:`` overrides). ``schema.rb`` declares tables with ``create_table`` and
foreign keys with ``add_foreign_key`` / ``t.references ..., foreign_key: true``.
Calls such as ``Order.where(...)`` read and ``Order.create(...)`` write.
"""

from __future__ import annotations

import re

from archscan.data_access.facts import EntityDecl, FileScan, Use, plural, singular_camel, snake

_MODEL = re.compile(r"^\s*class\s+((?:\w+::)*\w+)\s*<\s*((?:\w+::)*\w+)", re.MULTILINE)
_TABLE_NAME = re.compile(r"self\.table_name\s*=\s*[\"':](\w+)")
_ASSOCIATION = re.compile(
    r"^\s*(belongs_to|has_one|has_many|has_and_belongs_to_many)\s+:(\w+)([^\n]*)", re.MULTILINE
)
_CLASS_NAME = re.compile(r"class_name:\s*[\"']((?:\w+::)*\w+)[\"']")
_CREATE_TABLE = re.compile(r"\bcreate_table\s+[\"':](\w+)")
_FOREIGN_KEY = re.compile(r"\badd_foreign_key\s+[\"':](\w+)[\"']?\s*,\s*[\"':](\w+)")
_REFERENCE = re.compile(r"\bt\.(?:references|belongs_to)\s+[\"':](\w+)[^\n]*foreign_key:\s*true")
_BASES = {"ApplicationRecord", "ActiveRecord::Base"}
_CALL = re.compile(r"\b([A-Z]\w*)\.(\w+[!?]?)")
_WRITES = {
    "create",
    "create!",
    "update",
    "update!",
    "update_all",
    "destroy",
    "destroy_all",
    "delete",
    "delete_all",
    "insert",
    "insert_all",
    "upsert",
    "upsert_all",
    "find_or_create_by",
    "find_or_create_by!",
    "create_or_find_by",
    "increment_counter",
    "decrement_counter",
}
_READS = {
    "where",
    "find",
    "find_by",
    "find_by!",
    "all",
    "first",
    "last",
    "count",
    "exists?",
    "order",
    "pluck",
    "includes",
    "joins",
    "find_each",
    "find_in_batches",
    "select",
    "limit",
    "sum",
    "maximum",
    "minimum",
    "take",
    "eager_load",
    "preload",
    "group",
    "none",
}


def _association(kind: str, name: str, rest: str) -> str:
    explicit = _CLASS_NAME.search(rest)
    if explicit:
        return explicit.group(1).rpartition("::")[2]
    if kind in ("has_many", "has_and_belongs_to_many"):
        return singular_camel(name)
    return "".join(part.capitalize() for part in name.split("_"))


def scan_models(path: str, source: str, scan: FileScan) -> None:
    for found in _MODEL.finditer(source):
        name = found.group(1).rpartition("::")[2]
        base = found.group(2)
        following = _MODEL.search(source, found.end())
        body = source[found.end() : following.start() if following else len(source)]
        explicit = _TABLE_NAME.search(body)
        associations = [
            (m.group(1), _association(*m.groups())) for m in _ASSOCIATION.finditer(body)
        ]
        parent = "" if base in _BASES or explicit else base.rpartition("::")[2]
        table = "" if parent else (explicit.group(1) if explicit else plural(snake(name)))
        # A class deriving from another class may be single-table inheritance from a
        # model: the stage keeps it only when the parent resolves to one.
        scan.entities.append(
            EntityDecl(
                name=name,
                table=table.lower(),
                path=path,
                family="activerecord",
                relations=tuple(target for _, target in associations),
                inverse=tuple(t for k, t in associations if k in ("has_many", "has_one")),
                indirect=tuple(t for k, t in associations if k == "has_and_belongs_to_many"),
                parent=parent,
            )
        )


def scan_schema(path: str, source: str, scan: FileScan) -> None:
    for found in _CREATE_TABLE.finditer(source):
        table = found.group(1).lower()
        scan.uses.append(Use(path, "declare", table=table, family="activerecord"))
        end = source.find("\n  end", found.end())
        block = source[found.end() : end if end > 0 else None]
        for ref in _REFERENCE.finditer(block):
            scan.references.append((table, plural(ref.group(1).lower())))
    for found in _FOREIGN_KEY.finditer(source):
        scan.references.append((found.group(1).lower(), found.group(2).lower()))


def scan_calls(path: str, source: str, scan: FileScan) -> None:
    for found in _CALL.finditer(source):
        verb = found.group(2)
        if verb in _WRITES or verb in _READS:
            mode = "write" if verb in _WRITES else "read"
            scan.uses.append(Use(path, mode, entity=found.group(1), family="activerecord"))
