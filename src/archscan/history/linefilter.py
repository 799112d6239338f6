"""The line pass, planned from the name pass: which commits and paths git must diff.

``git log --numstat`` costs a blob diff per changed file, and on a long history most of
those bytes belong to paths archscan never reports: deleted trees, lock files, locale
catalogues, a generated schema, old snapshots (saleor: 4.0 of 5.8 GB diffed). The name
pass has already said, for every commit, which changes count: a human's change to a path
whose newest name is a reported file. So the line pass

* reads only the commits with such a change (bots' and unrelated commits are skipped),
* leaves out, with a short exclude pathspec, the heaviest paths that never count
  (weighted by their changes times their size, from one ``git cat-file --batch-check``),
  as folders (``:(exclude,literal)dir``), suffixes (``:(exclude)*.po``) and names
  (``:(exclude)*/poetry.lock``): forms git matches cheaply. ``:(glob)`` with ``**`` made
  git's tree walk 3x slower; 24 such items cost 3.5 CPU-s on saleor, these forms 0.5 s.

No item may match a path that counts (checked case-insensitively and by every folder
and suffix of those paths, as git's ``core.ignorecase`` could match). Rename detection
sees fewer candidates under a pathspec, so each commit's diffed pairs are checked
against the name pass's (:meth:`LineNeeds.agrees`); a commit whose renames came out
differently is diffed again without the filter. The numbers are then the unfiltered
pass's, exactly.

A filter once chosen is stored with the history cache and reused while it stays safe,
so that the cached line records it shapes stay valid as new commits arrive.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archscan import gitio

MAX_LITERALS = 24  # folder and file items (cheap for git: a prefix compare)
MAX_WILDCARDS = 8  # suffix and name items (git runs its wildcard matcher on every path)
MIN_SHARE = 0.0025  # an item must save this share of the unwanted bytes to be worth it
MAX_SIZED = 20_000  # paths whose size is asked of git (the rest weigh by changes only)
_UNSIZED = 4096  # the weight of one change of a path whose size is unknown
_WILDCARD = set("*?[]\\")
_LITERAL = ":(exclude,literal)"
_NAME = ":(exclude)*/"
_SUFFIX = ":(exclude)*"


@dataclass
class _Unwanted:
    changes: int
    newest: str  # "<commit>:./path" (or "<commit>^:./path" for a deletion): its last blob


@dataclass
class LineNeeds:
    """Filled by the name pass: what the line pass must diff."""

    # commit index -> the (path, old path) of all its changes, for a human's commit with
    # a counted change; and of those counted (lines go to a reported file)
    pairs: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    counted: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # every raw path whose change resolved to a reported file, at any commit, by anyone:
    # a path outside it never resolves to one (its newest change would have)
    wanted: set[str] = field(default_factory=set)
    unwanted: dict[str, _Unwanted] = field(default_factory=dict)

    def note(
        self,
        index: int,
        commit: str,
        changes: Sequence[tuple[str, str, str]],
        reported: list[bool],
        human: bool,
    ) -> None:
        """One commit's changes as (path, status, old path), newest commit first."""
        counted = []
        for (path, status, old), keeps in zip(changes, reported, strict=True):
            if keeps:
                counted.append((path, old))
                self.wanted.add(path)
                if old:
                    self.wanted.add(old)
                continue
            self._unwanted(path, f"{commit}^" if status == "D" else commit)
            if old:
                self._unwanted(old, f"{commit}^")
        if counted and human:
            self.counted[index] = tuple(counted)
            self.pairs[index] = tuple((path, old) for path, _status, old in changes)

    def _unwanted(self, path: str, where: str) -> None:
        found = self.unwanted.get(path)
        if found is None:
            self.unwanted[path] = _Unwanted(1, f"{where}:./{path}")
        else:
            found.changes += 1

    def agrees(self, index: int, files: Sequence[tuple[str, str, int, int]]) -> bool:
        """True when the line pass diffed this commit as the name pass saw it, where it
        matters: every counted change with the same rename source, and no other pair on a
        path that could resolve to a reported file (a rename whose target the filter left
        out shows its source as a deletion)."""
        counted = self.counted.get(index)
        if counted is None:
            return True
        pairs = self.pairs[index]
        if len(files) == len(pairs) and all(  # the usual case: the filter left out nothing
            f[0] == p[0] and f[1] == p[1] for f, p in zip(files, pairs, strict=True)
        ):
            return True
        diffed = {path: old for path, old, _added, _deleted in files}
        if any(diffed.get(path) != old for path, old in counted):
            return False
        seen = set(pairs)
        wanted = self.wanted
        return all(path not in wanted or (path, old) in seen for path, old in diffed.items())


@dataclass(frozen=True)
class LinePlan:
    ids: tuple[str, ...]  # the commits to diff, in history order
    excludes: tuple[str, ...]  # pathspec items: paths whose changes never count


def plan_lines(
    root: Path,
    needs: LineNeeds,
    index_of: dict[str, int],
    ids: Sequence[str],
    previous: tuple[str, ...] | None,
) -> LinePlan:
    """The commits and the filter of the line pass (``previous``: the stored filter,
    kept while no counted path matches it)."""
    wanted = [commit for commit in ids if index_of.get(commit, -1) in needs.counted]
    guard = _Guard(needs.wanted)
    if previous is not None and all(guard.allows(item) for item in previous):
        return LinePlan(tuple(wanted), previous)
    return LinePlan(tuple(wanted), _choose(root, needs, guard))


class _Guard:
    """What a counted path forbids an item to match (lower case: conservative)."""

    def __init__(self, wanted: Iterable[str]) -> None:
        self.prefixes: set[str] = set()  # every counted path and each folder above it
        self.parts: set[str] = set()  # every component of a counted path
        self.dotted: set[str] = set()  # every ".x" ending of a component
        for path in wanted:
            lower = path.lower()
            parts = lower.split("/")
            self.parts.update(parts)
            for i in range(1, len(parts) + 1):
                self.prefixes.add("/".join(parts[:i]))
            for part in parts:
                dot = part.find(".")
                while dot >= 0:
                    self.dotted.add(part[dot:])
                    dot = part.find(".", dot + 1)

    def allows(self, item: str) -> bool:
        if item.startswith(_LITERAL):
            return item[len(_LITERAL) :].lower() not in self.prefixes
        if item.startswith(_NAME):
            return item[len(_NAME) :].lower() not in self.parts
        if item.startswith(_SUFFIX):
            return item[len(_SUFFIX) :].lower() not in self.dotted
        return False  # not a form this module writes


def _sizes(root: Path, needs: LineNeeds) -> dict[str, int]:
    """The size of each unwanted path's last blob (one cat-file; {} when it fails)."""
    paths = sorted(needs.unwanted, key=lambda p: -needs.unwanted[p].changes)[:MAX_SIZED]
    paths = [p for p in paths if "\n" not in p]
    query = "".join(f"{needs.unwanted[p].newest}\n" for p in paths)
    try:
        out = gitio.run_git(
            root, ["cat-file", "--batch-check=%(objectsize)"], check=False, input=query.encode()
        )
    except gitio.GitError:
        return {}
    lines = out.decode("ascii", "replace").splitlines()
    if len(lines) != len(paths):
        return {}
    return {p: int(line) for p, line in zip(paths, lines, strict=True) if line.isdigit()}


def _candidates(path: str, guard: _Guard) -> list[str]:
    """The items that would leave ``path`` out, and match no counted path."""
    found = []
    parts = path.split("/")
    for i in range(1, len(parts)):  # the topmost folder nothing counted lies in
        folder = "/".join(parts[:i])
        if folder.lower() not in guard.prefixes:
            found.append(_LITERAL + folder)
            break
    name = parts[-1]
    if not _WILDCARD & set(name):
        found += [_LITERAL + path, _NAME + name]
        dot = name.rfind(".")
        while dot > 0:  # the shortest ending nothing counted has ("x.test.snap": ".snap")
            if dot < len(name) - 1 and name[dot:].lower() not in guard.dotted:
                found.append(_SUFFIX + name[dot:])
                break
            dot = name.rfind(".", 0, dot)
    return [item for item in found if guard.allows(item)]


def _choose(root: Path, needs: LineNeeds, guard: _Guard) -> tuple[str, ...]:
    """Greedy: the item that leaves out the most unwanted bytes, again and again."""
    sizes = _sizes(root, needs)
    weight = {
        path: use.changes * max(sizes.get(path, _UNSIZED), 1)
        for path, use in needs.unwanted.items()
        if path not in needs.wanted
    }
    covers: dict[str, list[str]] = {}
    for path in weight:
        for item in _candidates(path, guard):
            covers.setdefault(item, []).append(path)
    floor = MIN_SHARE * sum(weight.values())
    # ranked by bytes saved; on a tie a literal item first (git compares it as a prefix)
    gains = [
        (-sum(weight[p] for p in paths), not item.startswith(_LITERAL), item)
        for item, paths in covers.items()
    ]
    heapq.heapify(gains)
    left = set(weight)
    chosen: list[str] = []
    budget = {True: MAX_LITERALS, False: MAX_WILDCARDS}
    while gains:
        ranked, wildcard, item = heapq.heappop(gains)
        gain = sum(weight[p] for p in covers[item] if p in left)
        if gain != -ranked:  # ranked before others were chosen: rank it again (lazy)
            if gain:
                heapq.heappush(gains, (-gain, wildcard, item))
            continue
        if gain < floor:
            break  # the best item left is not worth git's matching time
        if budget[not wildcard]:
            budget[not wildcard] -= 1
            chosen.append(item)
            left.difference_update(covers[item])
    return tuple(sorted(chosen))


def pathspec(items: Sequence[str]) -> list[str]:
    """The items as git gets them: a name item (``*/name``) also leaves out the
    top-level file of that name."""
    out: list[str] = []
    for item in items:
        out.append(item)
        if item.startswith(_NAME):
            out.append(_LITERAL + item[len(_NAME) :])
    return out
