"""Laravel Eloquent models.

Laravel conventions (laravel.com/docs, "Eloquent: Getting Started" and "Relationships"):
a class extending ``Model`` (or ``Authenticatable``, ``Pivot``) maps to the plural
snake_case of its name unless ``protected $table = '...'``; ``belongsTo(X::class)``,
``hasMany``, ``hasOne``, ``belongsToMany`` name related models. ``Order::where(...)``
reads and ``Order::create(...)`` writes.
"""

from __future__ import annotations

import re

from archscan.data_access.facts import EntityDecl, FileScan, Use, plural, snake

_MODEL = re.compile(r"\bclass\s+(\w+)\s+extends\s+\\?(?:[\w\\]+\\)?(Model|Authenticatable|Pivot)\b")
_TABLE = re.compile(r"protected\s+\$table\s*=\s*[\"'](\w+)[\"']")
_RELATION = re.compile(
    r"->(belongsTo|hasMany|hasOne|belongsToMany|morphMany)\(\s*\\?(?:[\w\\]+\\)?(\w+)::class"
)
_CALL = re.compile(r"\b([A-Z]\w*)::(\w+)\s*\(")
_WRITES = {
    "create",
    "insert",
    "update",
    "updateOrCreate",
    "firstOrCreate",
    "upsert",
    "destroy",
    "truncate",
    "forceCreate",
    "updateOrInsert",
}
_READS = {
    "where",
    "find",
    "findOrFail",
    "all",
    "first",
    "firstOrFail",
    "get",
    "query",
    "with",
    "count",
    "pluck",
    "orderBy",
    "latest",
    "whereIn",
    "select",
    "paginate",
}


def scan_php(path: str, source: str, scan: FileScan) -> None:
    for found in _MODEL.finditer(source):
        name = found.group(1)
        table = _TABLE.search(source, found.end())
        related = [(m.group(1), m.group(2)) for m in _RELATION.finditer(source, found.end())]
        scan.entities.append(
            EntityDecl(
                name,
                (table.group(1) if table else plural(snake(name))).lower(),
                path,
                "eloquent",
                relations=tuple(target for _, target in related),
                inverse=tuple(t for k, t in related if k in ("hasMany", "hasOne", "morphMany")),
                indirect=tuple(t for k, t in related if k == "belongsToMany"),
            )
        )
    for found in _CALL.finditer(source):
        verb = found.group(2)
        if verb in _WRITES or verb in _READS:
            mode = "write" if verb in _WRITES else "read"
            scan.uses.append(Use(path, mode, entity=found.group(1), family="eloquent"))
