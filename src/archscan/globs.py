"""Glob patterns over repo-relative POSIX paths (gitignore-like semantics).

* ``*`` matches within one path segment, ``?`` one character, a ``**`` segment any number
  of segments (``**`` inside a segment, as in ``a**b``, is a plain ``*``, as in git).
* A pattern without ``/`` matches a file or directory name at any depth
  (``node_modules`` excludes every ``node_modules`` folder).
* A pattern that names a directory matches everything below it.
* Everything else is literal (``[bot]`` is five characters).

Patterns come from the analysed repository (its ``archscan.toml``, its ``.gitignore``
files), so matching must cost linear time whatever the pattern: a regex translation of
``**/**/**/**/zz`` backtracks exponentially on a deep path. Here a path is matched segment
by segment against the pattern's segments as a set of states (an NFA over segments:
at most ``len(pattern segments)`` states per path segment), and a segment against one
pattern segment by a regex whose stars cannot backtrack into each other (the
leftmost-occurrence construction of ``fnmatch``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

_DSTAR = None  # a ``**`` segment: any number of segments


def _segment_regex(segment: str, tag: str = "g", one: str = "[^/]") -> str:
    """One segment without ``/``: stars as atomic leftmost searches, no nested backtracking.
    ``tag`` names the groups, unique per alternative when regexes are joined; ``one`` is
    what ``?`` matches."""
    chunks = [re.escape(chunk).replace(r"\?", one) for chunk in re.split(r"\*+", segment)]
    if len(chunks) == 1:
        return chunks[0]
    out = [chunks[0]]
    for index, chunk in enumerate(chunks[1:-1]):
        # (?=(?P<g>.*?X))(?P=g): the first X after here, consumed without backtracking
        out.append(f"(?=(?P<{tag}{index}>{one}*?{chunk}))(?P={tag}{index})")
    out.append(f"{one}*{chunks[-1]}")
    return "".join(out)


@lru_cache(maxsize=8192)
def segment_matcher(segment: str, ignore_case: bool = False) -> Callable[[str], object]:
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    return re.compile(_segment_regex(segment) + r"\Z", flags).match


class Glob:
    """One compiled pattern; ``match(path)`` is True when the path or a folder above it
    matches (a trailing ``/`` on the path, as for folders, is allowed)."""

    def __init__(self, pattern: str, exact: bool = False) -> None:
        """``exact``: the whole path must match, anchored at the top, nothing below a
        matched folder (workspace patterns of package.json)."""
        self.pattern = pattern.strip()
        self._exact = exact
        anchored = exact or "/" in self.pattern.rstrip("/")
        parts = self.pattern.strip("/").split("/")
        if parts[-1] == "**":
            # "dir/**": one more segment of any name, then everything below it
            parts[-1:] = ["*", "**"] if exact else ["*"]
        # "name" at any depth: one regex per segment (the common, fast case)
        self.segment = parts[0] if not anchored and len(parts) == 1 and parts[0] != "*" else None
        steps: list[Callable[[str], object] | None] = []
        for part in ([] if anchored else ["**"]) + parts:
            if part != "**":
                steps.append(segment_matcher(part))
            elif not steps or steps[-1] is not _DSTAR:  # a run of ** is one **
                steps.append(_DSTAR)
        self._steps = tuple(steps)
        self._name = segment_matcher(self.segment) if self.segment is not None else None

    def _closure(self, states: set[int]) -> set[int]:
        """Add the states reached by letting a ``**`` match no segment."""
        for state in sorted(states):
            if state < len(self._steps) and self._steps[state] is _DSTAR:
                states.add(state + 1)
        return states

    def match(self, path: str) -> bool:
        return self.match_segments(path.split("/"))

    def match_segments(self, segments: list[str]) -> bool:
        if self._name is not None:
            return any(map(self._name, segments))
        final = len(self._steps)
        states = self._closure({0})
        for segment in segments:
            following: set[int] = set()
            for state in states:
                if state == final:
                    continue  # exact: nothing below a matched path
                step = self._steps[state]
                if step is _DSTAR:
                    following.add(state)
                elif step(segment):
                    following.add(state + 1)
            if final in following and not self._exact:
                return True  # the pattern matched this folder: everything below too
            if not following:
                return False
            states = self._closure(following)
        return final in states


@lru_cache(maxsize=4096)
def compile_glob(pattern: str, exact: bool = False) -> Glob:
    return Glob(pattern, exact)


class _PatternSet:
    """Several patterns; one joined regex answers "does any name-anywhere pattern match a
    segment" so that the usual miss costs one regex call per segment."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.globs = [compile_glob(p) for p in patterns]
        names = [g.segment for g in self.globs if g.segment is not None]
        self.general = len(names) < len(self.globs)
        joined = "|".join(f"(?:{_segment_regex(n, f'g{i}_')})" for i, n in enumerate(names))
        self.any_name = re.compile(f"(?:{joined})\\Z", re.DOTALL).match if names else None

    def first(self, path: str) -> str | None:
        segments = path.split("/")
        if not self.general and (self.any_name is None or not any(map(self.any_name, segments))):
            return None
        for glob in self.globs:
            if glob.match_segments(segments):
                return glob.pattern
        return None


@lru_cache(maxsize=256)
def _pattern_set(patterns: tuple[str, ...]) -> _PatternSet:
    return _PatternSet(patterns)


def matches(path: str, patterns: Iterable[str]) -> str | None:
    """The first pattern that matches ``path``, or None."""
    return _pattern_set(tuple(patterns)).first(path)


def name_matcher(patterns: Iterable[str], ignore_case: bool = False) -> Callable[[str], bool]:
    """Whole-string globs (``*``, ``?``, the rest literal, ``/`` no special meaning): for
    names such as authors' e-mails. Linear time like path globs."""
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    compiled = [re.compile(_segment_regex(p, one=".") + r"\Z", flags).match for p in patterns]
    return lambda text: any(match(text) for match in compiled)
