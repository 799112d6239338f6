"""TypeORM, Sequelize and Prisma (JavaScript, TypeScript, ``schema.prisma``).

TypeORM (typeorm.io, "Entities"): ``@Entity("name")`` or ``@Entity({ name })``, else
the snake_case class name (DefaultNamingStrategy); ``@ManyToOne(() => X)`` and the other
relation decorators name related entities; ``getRepository(X)``, ``@InjectRepository(X)``
and ``Repository<X>`` read and write X. Sequelize (sequelize.org, "Model Basics"):
``sequelize.define("name", ...)`` and ``Model.init(..., { tableName })``; the table is
``tableName`` or the plural of the model name; ``X.findAll`` reads, ``X.create`` writes.
Prisma (prisma.io, "Data model"): ``model X { ... @@map("name") }``, else the model name;
``prisma.x.findMany`` reads, ``prisma.x.create`` writes.
"""

from __future__ import annotations

import re

from archscan.data_access.facts import EntityDecl, FileScan, Use, plural, snake

_TYPEORM_ENTITY = re.compile(
    r"@Entity\(\s*(?:[\"'](\w+)[\"']|\{[^}]*?name\s*:\s*[\"'](\w+)[\"'][^}]*\})?[^)]*\)"
    r"\s*(?:@\w+(?:\([^)]*\))?\s*)*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+(\w+)"
)
_TYPEORM_RELATION = re.compile(
    r"@(ManyToOne|OneToMany|OneToOne|ManyToMany)\(\s*(?:\(\s*\)|\w+)\s*=>\s*(\w+)"
)
_TYPEORM_REPOSITORY = re.compile(r"(?:getRepository|InjectRepository|Repository<)\s*\(?\s*(\w+)")
_SEQUELIZE_DEFINE = re.compile(r"\.define\(\s*[\"'](\w+)[\"']")
_SEQUELIZE_INIT = re.compile(r"\b(\w+)\.init\(")
_TABLE_NAME = re.compile(r"tableName\s*:\s*[\"'](\w+)[\"']")
_MODEL_NAME = re.compile(r"modelName\s*:\s*[\"'](\w+)[\"']")
_SEQUELIZE_CALL = re.compile(r"\b([A-Z]\w*)\.(\w+)\s*\(")
_SEQUELIZE_WRITES = {
    "create",
    "bulkCreate",
    "update",
    "destroy",
    "upsert",
    "findOrCreate",
    "truncate",
    "increment",
    "decrement",
}
_SEQUELIZE_READS = {
    "findAll",
    "findOne",
    "findByPk",
    "findAndCountAll",
    "count",
    "max",
    "min",
    "sum",
}
_PRISMA_MODEL = re.compile(r"^model\s+(\w+)\s*\{(.*?)^\}", re.MULTILINE | re.DOTALL)
_PRISMA_MAP = re.compile(r"@@map\(\s*\"(\w+)\"")
_PRISMA_FIELD = re.compile(r"^\s+\w+\s+(\w+)(?:\[\]|\?)?", re.MULTILINE)
_PRISMA_CALL = re.compile(r"\bprisma\.(\w+)\.(\w+)\s*\(")
_PRISMA_WRITES = {"create", "createMany", "update", "updateMany", "upsert", "delete", "deleteMany"}


def scan_code(path: str, source: str, scan: FileScan) -> None:
    for found in _TYPEORM_ENTITY.finditer(source):
        name = found.group(3)
        table = found.group(1) or found.group(2) or snake(name)
        following = _TYPEORM_ENTITY.search(source, found.end())
        body = source[found.end() : following.start() if following else len(source)]
        related = [(m.group(1), m.group(2)) for m in _TYPEORM_RELATION.finditer(body)]
        scan.entities.append(
            EntityDecl(
                name,
                table.lower(),
                path,
                "typeorm",
                relations=tuple(target for _, target in related),
                inverse=tuple(t for kind, t in related if kind == "OneToMany"),
                indirect=tuple(t for kind, t in related if kind == "ManyToMany"),
            )
        )
    for found in _TYPEORM_REPOSITORY.finditer(source):
        for mode in ("read", "write"):
            scan.uses.append(Use(path, mode, entity=found.group(1), family="typeorm"))
    for found in _SEQUELIZE_DEFINE.finditer(source):
        name = found.group(1)
        table = _TABLE_NAME.search(source, found.end(), found.end() + 3000)
        scan.entities.append(
            EntityDecl(name, (table.group(1) if table else plural(name)).lower(), path, "sequelize")
        )
    for found in _SEQUELIZE_INIT.finditer(source):
        if "sequelize" not in source[found.end() : found.end() + 5000]:
            continue
        name = found.group(1)
        options = source[found.end() : found.end() + 5000]
        table = _TABLE_NAME.search(options)
        model = _MODEL_NAME.search(options)
        default = plural(model.group(1) if model else name)
        scan.entities.append(
            EntityDecl(name, (table.group(1) if table else default).lower(), path, "sequelize")
        )
    for found in _SEQUELIZE_CALL.finditer(source):
        verb = found.group(2)
        if verb in _SEQUELIZE_WRITES or verb in _SEQUELIZE_READS:
            mode = "write" if verb in _SEQUELIZE_WRITES else "read"
            scan.uses.append(Use(path, mode, entity=found.group(1), family="sequelize"))
    for found in _PRISMA_CALL.finditer(source):
        mode = "write" if found.group(2) in _PRISMA_WRITES else "read"
        scan.uses.append(
            Use(path, mode, entity="prisma:" + found.group(1).lower(), family="prisma")
        )


def scan_prisma(path: str, source: str, scan: FileScan) -> None:
    models = {m.group(1) for m in _PRISMA_MODEL.finditer(source)}
    for found in _PRISMA_MODEL.finditer(source):
        name, body = found.group(1), found.group(2)
        mapped = _PRISMA_MAP.search(body)
        relations = tuple(
            sorted(
                {m.group(1) for m in _PRISMA_FIELD.finditer(body) if m.group(1) in models} - {name}
            )
        )
        scan.entities.append(
            EntityDecl(
                name,
                (mapped.group(1) if mapped else name).lower(),
                path,
                "prisma",
                aliases=("prisma:" + name.lower(),),
                relations=relations,
            )
        )
