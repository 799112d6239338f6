"""Maven and Gradle build modules: the folder of the nearest build file above a source.

A multi-module build (``pom.xml`` with ``<modules>``, Gradle ``settings.gradle``)
keeps one build file per module folder; a source file belongs to the module whose
folder is its nearest ancestor holding one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

BUILD_FILES = ("pom.xml", "build.gradle", "build.gradle.kts")


def module_folders(paths: Iterable[str]) -> dict[str, str]:
    """Module folder ("." for the root) -> module name (the folder's path, "(root)")."""
    folders: dict[str, str] = {}
    for path in sorted(paths):
        pure = PurePosixPath(path)
        if pure.name in BUILD_FILES:
            folder = str(pure.parent)
            folders.setdefault(folder, "(root)" if folder == "." else folder)
    return folders


def components(paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """One component per module, as globs; deeper modules first (first match wins)."""
    folders = module_folders(paths)
    ordered = sorted(folders, key=lambda f: (-len(PurePosixPath(f).parts), f))
    return {folders[f]: ("**",) if f == "." else (f"{f}/**",) for f in ordered}
