"""Which files the contexts are built from: production code (tests attach to contexts).

The file-roles stage (``SourceFile.role``) is the authority once it exists; until then a
small convention-based fallback keeps tests, migrations and generated code out.
"""

from __future__ import annotations

import re

from archscan.records import FileFacts, SourceFile

_TEST_DIRS = frozenset(
    {"test", "tests", "__tests__", "spec", "specs", "testing", "testdata", "e2e", "it"}
)
_TEST_NAME = re.compile(
    r"(^test_.*\.py$|_test\.(py|go|rb)$|_spec\.rb$|^conftest\.py$"
    r"|(Test|Tests|IT|TestCase)\.(java|kt|cs)$|\.(test|spec)\.[cm]?[jt]sx?$)"
)
_MIGRATION_DIRS = frozenset({"migrations", "migration", "alembic", "migrate"})
_BUILD_DIRS = frozenset({".mvn", ".gradle", "gradle", ".github", ".circleci", "ci"})
_DOC_FILES = frozenset({"package-info.java", "module-info.java"})  # no code to place


def role_of(file: SourceFile, facts: FileFacts | None) -> str:
    """The file's role: the roles stage's (``SourceFile.role``) when the record has one,
    else archscan's own conventions; package/module descriptors hold no code to place."""
    role = getattr(file, "role", None)
    if not isinstance(role, str) or not role:
        role = _fallback_role(file.path, facts)
    if role == "production":
        parts = file.path.split("/")
        if parts[-1] in _DOC_FILES:
            return "docs"
        if {p.lower() for p in parts[:-1]} & _BUILD_DIRS:
            return "build"  # build-tool wrappers (.mvn/wrapper/MavenWrapperDownloader.java)
    return role


def _fallback_role(path: str, facts: FileFacts | None) -> str:
    parts = path.split("/")
    folders = {p.lower() for p in parts[:-1]}
    if folders & _TEST_DIRS or _TEST_NAME.search(parts[-1]):
        return "test"
    if folders & _BUILD_DIRS:
        return "build"
    if parts[-1] in _DOC_FILES:
        return "docs"
    if folders & _MIGRATION_DIRS:
        return "migration"
    if facts is not None and facts.generated:
        return "generated"
    return "production"
