"""GORM models (gorm.io, "Declaring Models" and "Conventions").

A struct embedding ``gorm.Model`` or carrying ``gorm:"..."`` tags maps to the plural
snake_case of its name, unless a ``TableName() string`` method returns a literal.
``db.Create(&X{...})``, ``Save``, ``Delete``, ``Updates`` write and ``First``/``Find``/
``Model(&X{})`` read when the argument names the model type.
"""

from __future__ import annotations

import re

from archscan.data_access.facts import EntityDecl, FileScan, Use, plural, snake

_STRUCT = re.compile(r"^type\s+(\w+)\s+struct\s*\{(.*?)^\}", re.MULTILINE | re.DOTALL)
_TABLE_NAME = re.compile(
    r"func\s*\(\s*(?:\w+\s+)?\*?(\w+)\s*\)\s*TableName\(\s*\)\s*string\s*\{\s*return\s+\"(\w+)\""
)
_CALL = re.compile(
    r"\.(Create|Save|Delete|Updates?|First|Find|Take|Last|Model|Where)\(\s*&\[?\]?(\w+)\s*\{"
)
_WRITES = {"Create", "Save", "Delete", "Update", "Updates"}


def scan_go(path: str, source: str, scan: FileScan) -> None:
    explicit = {m.group(1): m.group(2) for m in _TABLE_NAME.finditer(source)}
    for found in _STRUCT.finditer(source):
        name, body = found.group(1), found.group(2)
        if name not in explicit and "gorm.Model" not in body and 'gorm:"' not in body:
            continue
        table = explicit.pop(name, "") or plural(snake(name))
        scan.entities.append(EntityDecl(name, table.lower(), path, "gorm"))
    for name, table in explicit.items():  # TableName on a type declared in another file
        scan.entities.append(EntityDecl(name, table.lower(), path, "gorm", override=True))
    for found in _CALL.finditer(source):
        mode = "write" if found.group(1) in _WRITES else "read"
        scan.uses.append(Use(path, mode, entity=found.group(2), family="gorm"))
