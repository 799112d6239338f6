"""A short exclude pathspec for the line pass: paths archscan never reports.

The line pass costs git a blob diff per changed file, and much of it goes to files
archscan leaves out (vendored trees, oversized generated files, binaries). Leaving them
out of ``--numstat`` changes no reported number, as long as the pathspec matches no
reported file: every pattern is checked against the reported paths before it is used.
Kept short on purpose: git matches every pathspec item against every changed path, and a
long literal list made the pass 9x slower where a few globs cost nothing measurable.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence

from archscan.config import Config
from archscan.globs import compile_glob
from archscan.records import DiscoveryResult

MAX_ITEMS = 24  # pathspec items in all
MAX_LITERALS = 12
_GIT_GLOB_SPECIAL = set("[]\\")
_LEFT_OUT = ("binary", "too-large")


def _glob_items(pattern: str) -> list[str]:
    """archscan's glob (gitignore-like) as git pathspec globs: the path itself or below."""
    body = pattern.strip().strip("/")
    anchored = "/" in pattern.strip().rstrip("/")
    base = body if anchored else f"**/{body}"
    return [f":(exclude,glob){base}", f":(exclude,glob){base}/**"]


def _cheap_for_git(pattern: str) -> bool:
    """git's own glob matcher backtracks: a configured pattern with several ``**`` (or
    many stars) can make it run for minutes on a deep path, so only simple patterns
    (no ``**``, at most two ``*``) are handed to git; the rest are still excluded by
    archscan itself, in linear time, and merely cost the line pass some diffing."""
    return "**" not in pattern and pattern.count("*") <= 2


def _matched_patterns(patterns: Sequence[str], paths: Iterable[str]) -> list[str]:
    """The patterns that matched at least one skipped path (unused ones cost git time)."""
    pending = [
        p
        for p in patterns
        if p.strip() and not _GIT_GLOB_SPECIAL & set(p) and _cheap_for_git(p.strip())
    ]
    used: list[str] = []
    for path in paths:
        for pattern in pending:
            if compile_glob(pattern).match(path):
                used.append(pattern)
                pending.remove(pattern)
                break
        if not pending:
            break
    return sorted(used)


def _suffix(path: str) -> str:
    return posixpath.splitext(path)[1]


def line_excludes(discovered: DiscoveryResult, config: Config) -> tuple[str, ...]:
    """Pathspec items (``:(exclude...)``) for the line pass; none matches a reported file."""
    reported = [f.path for f in discovered.files]
    skipped = {s.reason: [] for s in discovered.skipped}  # type: dict[str, list[str]]
    for item in discovered.skipped:
        skipped[item.reason].append(item.path)
    items: list[str] = []
    globbed = [*skipped.get("vendored", ()), *skipped.get("excluded", ())]
    for pattern in _matched_patterns([*config.vendored, *config.exclude], globbed):
        items += _glob_items(pattern)
    reported_suffixes = {_suffix(p) for p in reported}
    literals: list[str] = []
    suffixes: set[str] = set()
    for reason in _LEFT_OUT:
        for path in skipped.get(reason, ()):
            suffix = _suffix(path)
            if suffix and suffix not in reported_suffixes and not _GIT_GLOB_SPECIAL & set(suffix):
                suffixes.add(suffix)
            else:
                literals.append(path)
    # ``*.x`` without glob magic: git's ``*`` then crosses "/" (every depth), and this
    # form costs its tree walk far less than ``:(glob)**/*.x`` (0.5 vs 1.4 s on saleor)
    items += [f":(exclude)*{suffix}" for suffix in sorted(suffixes) if not set("*?") & set(suffix)]
    items += [f":(exclude,literal){path}" for path in sorted(literals)[:MAX_LITERALS]]
    return tuple(_safe(items[:MAX_ITEMS], reported))


def _safe(items: list[str], reported: list[str]) -> list[str]:
    """Drop any item that would match a reported path (belt and braces: the patterns
    were chosen not to)."""
    safe = []
    for item in items:
        magic, _, body = item.partition(")")
        if "literal" in magic:
            safe.append(item)  # a skipped path is never a reported one
            continue
        regex = compile_glob(body)
        if not any(regex.match(path) for path in reported):
            safe.append(item)
    return safe
