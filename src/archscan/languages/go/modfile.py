"""go.mod and go.work, read as text (the directives archscan needs, nothing executed).

Only ``module``, ``require``, ``replace`` (go.mod) and ``use`` (go.work) matter for
resolution; both files share one syntax: a directive per line, or a parenthesised
block of them, ``//`` comments, and quoted or bare tokens.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class GoModFile:
    """What one go.mod declares; ``directory`` is repo-relative ("." for the root)."""

    directory: str
    module: str
    requires: tuple[str, ...] = ()
    local_replaces: tuple[tuple[str, str], ...] = ()  # (module path, repo-relative dir)


def _tokens(line: str) -> list[str]:
    line = line.split("//", 1)[0].strip()
    if not line:
        return []
    try:
        return shlex.split(line.replace("`", '"'))
    except ValueError:  # unbalanced quote: keep what splits on whitespace
        return line.split()


def directives(text: str) -> Iterator[tuple[str, list[str]]]:
    """(verb, arguments) for every directive, blocks flattened."""
    block: str | None = None
    for raw in text.splitlines():
        words = _tokens(raw)
        if not words:
            continue
        if block is not None:
            if words == [")"]:
                block = None
            else:
                yield block, words
            continue
        if len(words) == 2 and words[1] == "(":
            block = words[0]
            continue
        yield words[0], words[1:]


def _join(directory: str, relative: str) -> str | None:
    """A repo-relative directory, or None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(directory, relative))
    if joined == ".." or joined.startswith("../") or posixpath.isabs(joined):
        return None
    return joined


def parse_go_mod(directory: str, text: str) -> GoModFile | None:
    module = ""
    requires: list[str] = []
    replaces: list[tuple[str, str]] = []
    for verb, args in directives(text):
        if verb == "module" and args:
            module = args[0]
        elif verb == "require" and args:
            requires.append(args[0])
        elif verb == "replace" and "=>" in args:
            left, right = args[: args.index("=>")], args[args.index("=>") + 1 :]
            # Only a local directory (./x, ../x) can point inside the repository.
            if left and right and right[0].startswith((".", "/")):
                target = _join(directory, right[0])
                if target is not None:
                    replaces.append((left[0], target))
    if not module:
        return None
    return GoModFile(directory, module, tuple(requires), tuple(replaces))


def parse_go_work(directory: str, text: str) -> tuple[str, ...]:
    """Repo-relative module directories a go.work ``use``s (those inside the repo)."""
    used = []
    for verb, args in directives(text):
        if verb == "use" and args:
            target = _join(directory, args[0])
            if target is not None:
                used.append(target)
    return tuple(used)
