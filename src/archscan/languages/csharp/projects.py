"""MSBuild project boundaries: the ``.csproj`` whose folder holds a source file.

A project compiles every ``.cs`` file below its folder unless a nested project claims
it (MSBuild's default globbing, ``EnableDefaultCompileItems``), so a file belongs to
the project file in its nearest ancestor folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

PROJECT_SUFFIXES = (".csproj",)


def project_folders(paths: Iterable[str]) -> dict[str, str]:
    """Project folder ("." for the root) -> project name (the file's stem)."""
    folders: dict[str, str] = {}
    for path in sorted(paths):
        pure = PurePosixPath(path)
        if pure.suffix.lower() in PROJECT_SUFFIXES:
            folders.setdefault(str(pure.parent), pure.stem)
    return folders


def project_of(path: str, folders: dict[str, str]) -> str | None:
    """The folder of the project that compiles ``path`` (None outside every project)."""
    for folder in [*PurePosixPath(path).parents][:-1]:
        if str(folder) in folders:
            return str(folder)
    return "." if "." in folders else None


def components(paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """One component per project, as globs; deeper projects first (first match wins)."""
    folders = project_folders(paths)
    names = list(folders.values())
    ordered = sorted(folders, key=lambda f: (-len(PurePosixPath(f).parts), f))
    result: dict[str, tuple[str, ...]] = {}
    for folder in ordered:
        name = folders[folder]
        if names.count(name) > 1:
            name = f"{name} ({folder})"
        result[name] = ("**",) if folder == "." else (f"{folder}/**",)
    return result
