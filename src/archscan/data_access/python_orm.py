"""Django and SQLAlchemy models, Django manager calls.

Django (docs.djangoproject.com, "Models" and "Model Meta options"): a model is a class
deriving from ``django.db.models.Model`` directly or through other models; ``abstract =
True`` models have no table; the table is ``Meta.db_table`` or ``<app_label>_<model name
lower-cased>``, where the app label is the app folder (or ``AppConfig.label`` in its
apps.py, or ``Meta.app_label``); proxy models share their parent's table; ForeignKey,
OneToOneField and ManyToManyField point to other models ("app.Model", "Model", a class
or "self"); a ManyToManyField without ``through=`` adds the table ``<table>_<field>``.
SQLAlchemy (docs.sqlalchemy.org, "Declarative Mapping"): ``__tablename__`` and
``Table("name", metadata, ...)``; ``ForeignKey("table.column")`` and
``relationship("Class")``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from posixpath import basename, dirname

from archscan.data_access.facts import EntityDecl, FileScan, Use, line_of

_CLASS = re.compile(r"^class\s+(\w+)\s*(?:\(([^)]*)\))?\s*:", re.MULTILINE)
_META = re.compile(r"^(\s+)class\s+Meta\b[^:]*:", re.MULTILINE)
_META_OPTION = re.compile(r"^\s+(db_table|app_label|abstract|proxy)\s*=\s*(.+?)\s*$", re.MULTILINE)
_DJANGO_FIELD = re.compile(
    r"^\s+(\w+)\s*=\s*(?:models\.)?(ForeignKey|OneToOneField|ManyToManyField|ParentalKey"
    r"|ParentalManyToManyField)\s*\(\s*(?:to\s*=\s*)?([\"']?)([\w.]+)\3([^\n]*)",
    re.MULTILINE,
)
_TABLENAME = re.compile(r"^\s+__tablename__\s*=\s*[\"'](\w+)[\"']", re.MULTILINE)
_TABLE_CALL = re.compile(r"\bTable\(\s*[\"'](\w+)[\"']\s*,")
_SA_FOREIGN_KEY = re.compile(r"\bForeignKey\(\s*[\"'](\w+)\.\w+[\"']")
_SA_RELATIONSHIP = re.compile(r"\brelationship\(\s*[\"']?(\w+)")
_APP_LABEL = re.compile(r"^\s+label\s*=\s*[\"'](\w+)[\"']", re.MULTILINE)
# Found from the literal ".objects." backwards: a pattern starting with a literal is
# searched fast, one starting with a name is tried at every position.
_MANAGER_CALL = re.compile(r"\.(?:objects|_default_manager|_base_manager)\.(\w+)")
_MODEL_BEFORE = re.compile(r"\b([A-Z]\w*)$")
_WRITE_VERBS = {
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "update_or_create",
    "get_or_create",
    "delete",
    "acreate",
    "aupdate",
    "adelete",
    "abulk_create",
    "aget_or_create",
    "aupdate_or_create",
}
# models.Model, and the abstract models of Django and common packages that projects
# derive concrete models from (django.contrib.auth and contenttypes, django-mptt,
# django-taggit, django-polymorphic, django-extensions, django-model-utils).
_DJANGO_BASES = {
    "models.Model",
    "Model",
    "django.db.models.Model",
    "AbstractUser",
    "AbstractBaseUser",
    "MPTTModel",
    "PolymorphicModel",
    "TimeStampedModel",
    "ContentType",
    "GenericTaggedItemBase",
    "TaggedItemBase",
}
_NOT_MODELS = (
    "QuerySet",
    "Manager",
    "Field",
    "Choices",
    "Lookup",
    "Transform",
    "Func",
    "Expression",
    "Index",
    "Constraint",
    "Aggregate",
    "Descriptor",
    "Mixin",
)
_DERIVES = re.compile(r"^class\s+\w+\([^)]*\bmodels\.Model\b", re.MULTILINE)


@dataclass
class PyClass:
    """A top-level class of a Python file, as far as the model conventions need it."""

    name: str
    bases: tuple[str, ...]
    path: str
    body: str
    options: dict[str, str] = field(default_factory=dict)


_TOP_LEVEL_LINE = re.compile(r"\n(?=[^\s#])")  # the next line starting at column 0


def _body(source: str, start: int) -> str:
    """The indented block after a top-level ``class ...:`` line."""
    end = _TOP_LEVEL_LINE.search(source, start)
    return source[start : end.start() if end else len(source)]


def _meta_options(body: str) -> dict[str, str]:
    found = _META.search(body)
    if not found:
        return {}
    indent = len(found.group(1))
    block: list[str] = []
    for text in body[found.end() :].split("\n")[1:]:
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        block.append(text)
    options = {}
    for option in _META_OPTION.finditer("\n".join(block)):
        options[option.group(1)] = option.group(2).strip("\"' ")
    return options


def python_classes(path: str, source: str) -> list[PyClass]:
    classes = []
    for found in _CLASS.finditer(source):
        bases = tuple(b.strip() for b in (found.group(2) or "").split(",") if b.strip())
        body = _body(source, found.end())
        classes.append(PyClass(found.group(1), bases, path, body, _meta_options(body)))
    return classes


def is_models_module(path: str, source: str) -> bool:
    """Where Django looks for models (an app's models.py or models/ package), or a file
    that derives from models.Model itself. Other classes are never models, even when
    they share a mixin's name with one (forms and serializers often do)."""
    if "/models/" in f"/{path}" or basename(path) == "models.py":
        return True
    return "models.Model" in source and bool(_DERIVES.search(source))


def app_label_of(path: str, labels: dict[str, str]) -> str:
    """The Django app a models file belongs to: the folder holding models.py or the
    models/ package (its AppConfig.label when apps.py sets one)."""
    parts = path.split("/")
    folders = parts[:-1]
    if "models" in folders:
        index = len(folders) - 1 - folders[::-1].index("models")
        app = "/".join(folders[:index])
    else:
        app = "/".join(folders)
    return labels.get(app, basename(app) or "")


def app_labels(apps_files: dict[str, str]) -> dict[str, str]:
    """app folder -> AppConfig.label from each apps.py."""
    labels = {}
    for path, source in apps_files.items():
        found = _APP_LABEL.search(source)
        if found:
            labels[dirname(path)] = found.group(1)
    return labels


def _model_base(base: str) -> bool:
    """A base that makes a class a model without a model class of the repository above
    it: models.Model, a known abstract model, or any class taken from a ``models``
    module (``base_models.PeriodicTask``): a subclass of a model gets a table whether
    the base is abstract or concrete (multi-table inheritance)."""
    qualifier, _, name = base.rpartition(".")
    if base in _DJANGO_BASES or name in _DJANGO_BASES:
        return True
    # ``models.X`` is django.db.models itself, whose only model is Model; elsewhere a
    # models module's QuerySets, managers, fields and choices are no models either.
    other_models_module = qualifier != "models" and qualifier.endswith("models")
    return other_models_module and not name.endswith(_NOT_MODELS)


def _django_models(classes: list[PyClass]) -> set[str]:
    """Names of the classes that derive from models.Model, directly or through others."""
    models = {c.name for c in classes if any(_model_base(b) for b in c.bases)}
    changed = True
    while changed:
        changed = False
        for item in classes:
            if item.name not in models and any(b.rpartition(".")[2] in models for b in item.bases):
                models.add(item.name)
                changed = True
    return models


def django_entities(classes: list[PyClass], labels: dict[str, str]) -> list[EntityDecl]:
    models = _django_models(classes)
    entities = []
    for item in classes:
        if item.name not in models or item.options.get("abstract") == "True":
            continue
        app = item.options.get("app_label") or app_label_of(item.path, labels)
        parent = ""
        table = item.options.get("db_table", "").lower()
        if item.options.get("proxy") == "True":
            parent = next(
                (b.rpartition(".")[2] for b in item.bases if b.rpartition(".")[2] in models), ""
            )
            table = ""
        elif not table:
            table = f"{app}_{item.name.lower()}".lower()
        relations, indirect, join_tables = [], [], []
        for found in _DJANGO_FIELD.finditer(item.body):
            target = found.group(4)
            if target == "self":
                target = item.name
            elif target.startswith("settings."):
                target = "auth.User"
            relations.append(target)
            if found.group(2) in ("ManyToManyField", "ParentalManyToManyField"):
                indirect.append(target)
                if "through" not in found.group(5):
                    join_tables.append(f"{table}_{found.group(1).lower()}")
        entities.append(
            EntityDecl(
                name=item.name,
                table=table,
                path=item.path,
                family="django",
                aliases=(f"{app}.{item.name}",),
                relations=tuple(relations),
                indirect=tuple(indirect),
                join_tables=tuple(join_tables),
                parent=parent,
            )
        )
    return entities


def sqlalchemy_scan(path: str, source: str, classes: list[PyClass], scan: FileScan) -> None:
    for item in classes:
        found = _TABLENAME.search(item.body)
        if not found:
            continue
        scan.entities.append(
            EntityDecl(
                name=item.name,
                table=found.group(1).lower(),
                path=path,
                family="sqlalchemy",
                relations=tuple(m.group(1) for m in _SA_RELATIONSHIP.finditer(item.body)),
                table_refs=tuple(m.group(1).lower() for m in _SA_FOREIGN_KEY.finditer(item.body)),
            )
        )
    for found in _TABLE_CALL.finditer(source):
        table = found.group(1).lower()
        scan.uses.append(Use(path, "declare", table=table, family="sqlalchemy"))
        statement_end = source.find("\n)", found.end())
        block = source[found.end() : statement_end if statement_end > 0 else None]
        scan.references.extend((table, m.group(1).lower()) for m in _SA_FOREIGN_KEY.finditer(block))


def manager_uses(path: str, source: str, scan: FileScan) -> None:
    """``Model.objects.filter(...)`` reads, ``Model.objects.create(...)`` writes."""
    if "objects." not in source and "_manager." not in source:
        return
    for found in _MANAGER_CALL.finditer(source):
        model = _MODEL_BEFORE.search(source, max(0, found.start() - 80), found.start())
        if model is None:
            continue
        mode = "write" if found.group(1) in _WRITE_VERBS else "read"
        scan.uses.append(Use(path, mode, entity=model.group(1), family="django"))


__all__ = ["PyClass", "django_entities", "line_of", "manager_uses", "python_classes"]
