"""Maven and Gradle build modules: the folder of the nearest build file above a source.

A multi-module build (``pom.xml`` with ``<modules>``, Gradle ``settings.gradle``)
keeps one build file per module folder; a source file belongs to the module whose
folder is its nearest ancestor holding one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePosixPath

from archscan.languages.java.index import build_module

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


_GRADLE_PROJECT = re.compile(r"""project\(\s*(?:path\s*[:=]\s*)?["'](:[\w.:-]{0,200})["']""")
_MAX_BUILD_FILE = 2_000_000  # characters of one build file read for module references


def _between(text: str, open_tag: str, close_tag: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every ``open_tag ... close_tag`` span, by str.find: linear, no
    regex backtracking over an untrusted pom."""
    position = 0
    while True:
        start = text.find(open_tag, position)
        if start < 0:
            return
        end = text.find(close_tag, start + len(open_tag))
        if end < 0:
            return
        yield start + len(open_tag), end
        position = end + len(close_tag)


def _artifact(text: str) -> str:
    for start, end in _between(text, "<artifactId>", "</artifactId>"):
        return text[start:end].strip()
    return ""


def _pom(text: str) -> tuple[str, set[str]]:
    """(own artifactId, artifactIds of its <dependency> entries)."""
    own_text = text
    for start, end in _between(text, "<parent>", "</parent>"):
        own_text = text[:start] + text[end:]  # the parent's artifactId is not its own
        break
    depends = {_artifact(text[s:e]) for s, e in _between(text, "<dependency>", "</dependency>")}
    return _artifact(own_text.split("<dependencies>", 1)[0]), depends - {""}


def _settings_root(folder: str, settings: set[str]) -> str:
    """The Gradle build root of a module: the nearest folder above with a settings file."""
    current = folder
    while current not in settings and current != ".":
        current = PurePosixPath(current).parent.as_posix()
    return current


def _join(root: str, relative: str) -> str:
    return relative if root == "." else f"{root}/{relative}"


class BuildModules:
    """Maven/Gradle modules of a repository and what each declares it depends on.

    A source file's module is the nearest folder above it holding a build file, or the
    folder before its ``src/`` layout when that is deeper (a module without a build
    file of its own). Dependencies: Maven ``<dependency><artifactId>`` naming another
    module's ``<artifactId>``; Gradle ``project(':a:b')`` (folder ``a/b`` below the
    build's root, the nearest folder with a settings.gradle))."""

    def __init__(self, paths: Iterable[str], read: Callable[[str], str | None]) -> None:
        paths = list(paths)
        self._folders = set(module_folders(paths))
        settings = {
            PurePosixPath(p).parent.as_posix()
            for p in paths
            if PurePosixPath(p).name in ("settings.gradle", "settings.gradle.kts")
        }
        artifacts: dict[str, str] = {}
        poms: dict[str, set[str]] = {}
        gradle: dict[str, set[str]] = {}
        for folder in sorted(self._folders):
            for name in BUILD_FILES:
                path = name if folder == "." else f"{folder}/{name}"
                text = (read(path) or "")[:_MAX_BUILD_FILE]
                if not text:
                    continue
                if name == "pom.xml":
                    own, depends = _pom(text)
                    if own:
                        artifacts.setdefault(own, folder)
                    poms[folder] = depends
                else:
                    root = _settings_root(folder, settings)
                    gradle[folder] = {
                        _join(root, m.group(1).strip(":").replace(":", "/"))
                        for m in _GRADLE_PROJECT.finditer(text)
                    }
        self._depends: dict[str, set[str]] = {}
        self._memo: dict[str, str] = {}
        for folder in self._folders:
            named = {artifacts[a] for a in poms.get(folder, ()) if a in artifacts}
            named |= {f for f in gradle.get(folder, ()) if f in self._folders}
            self._depends[folder] = named - {folder}

    def module_of(self, path: str) -> str:
        found = self._memo.get(path)
        if found is None:
            found = self._memo[path] = self._module_of(path)
        return found

    def _module_of(self, path: str) -> str:
        layout = build_module(path) or "."
        current = PurePosixPath(path).parent.as_posix()
        while current not in self._folders and current != ".":
            current = PurePosixPath(current).parent.as_posix()
        nearest = current if current in self._folders else "."
        return layout if layout.startswith(nearest + "/") or nearest == "." else nearest

    def depends(self, folder: str) -> set[str]:
        return self._depends.get(folder, set())
