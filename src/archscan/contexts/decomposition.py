"""Decomposition files a user gives (``--decomposition``, ``--ground-truth``): CSV rows
``member,cluster`` or RSF lines ``contain cluster member``; members are files (repository
paths) or classes (fully qualified or simple names)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_HEADER_WORDS = frozenset({"file", "path", "class", "member", "entity", "name", "module"})


class DecompositionError(ValueError):
    """The file cannot be read as a decomposition (unknown format): exit 2."""


@dataclass(frozen=True)
class Decomposition:
    source: str  # the file it was read from
    rows: tuple[tuple[str, str], ...]  # (member, cluster) in file order, duplicates kept

    def labels(self) -> dict[str, str]:
        """member -> cluster; a member listed in several clusters keeps its last, as the
        MoJo reference implementation reads RSF (a later line replaces an earlier one)."""
        return dict(self.rows)

    @property
    def duplicates(self) -> tuple[str, ...]:
        seen: dict[str, set[str]] = defaultdict(set)
        for member, cluster in self.rows:
            seen[member].add(cluster)
        return tuple(sorted(m for m, c in seen.items() if len(c) > 1))


def read_decomposition(path: Path) -> Decomposition:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DecompositionError(f"cannot read decomposition {path}: {exc}") from exc
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    if not lines:
        raise DecompositionError(f"{path}: empty decomposition")
    if path.suffix.lower() == ".rsf" or lines[0].split()[0].lower() == "contain":
        rows = _rsf(lines, path)
    elif path.suffix.lower() in (".csv", ".txt", "") and "," in lines[0]:
        rows = _csv(text, path)
    else:
        raise DecompositionError(
            f"{path}: unknown decomposition format (expected CSV 'member,cluster' rows or "
            "RSF 'contain cluster member' lines)"
        )
    if not rows:
        raise DecompositionError(f"{path}: no assignments found")
    return Decomposition(str(path), tuple(rows))


def _rsf(lines: Sequence[str], path: Path) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if len(parts) != 3 or parts[0].lower() != "contain":
            raise DecompositionError(f"{path}:{number}: not an RSF 'contain cluster member' line")
        rows.append((parts[2], parts[1]))
    return rows


def _csv(text: str, path: Path) -> list[tuple[str, str]]:
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise DecompositionError(f"{path}:{number}: expected 'member,cluster'")
        if number == 1 and cells[0].lower() in _HEADER_WORDS:
            continue
        rows.append((cells[0], cells[1]))
    return rows


@dataclass(frozen=True)
class Matched:
    labels: dict[str, str]  # member name -> cluster, only members found in the repository
    files: dict[str, str]  # member name -> the file it names
    unknown: tuple[str, ...]  # names matching no file


def match_members(
    labels: Mapping[str, str], files: Sequence[str], modules: Mapping[str, str]
) -> Matched:
    """Match each member to a file: the path itself, else the fully qualified module
    (class) name, else a unique simple name (file stem or the module's last segment)."""
    by_path = set(files)
    by_module = {modules[f]: f for f in files if f in modules}
    simple: dict[str, list[str]] = defaultdict(list)
    for f in files:
        names = {f.rpartition("/")[2].partition(".")[0]}
        if f in modules:
            names.add(modules[f].replace("/", ".").rpartition(".")[2])
        for name in names:
            simple[name].append(f)
    found: dict[str, str] = {}
    kept: dict[str, str] = {}
    unknown = []
    for member, cluster in labels.items():
        target = _lookup(member, by_path, by_module, simple)
        if target is None:
            unknown.append(member)
        else:
            found[member] = target
            kept[member] = cluster
    return Matched(kept, found, tuple(sorted(unknown)))


def _lookup(
    member: str,
    by_path: set[str],
    by_module: Mapping[str, str],
    simple: Mapping[str, list[str]],
) -> str | None:
    if member in by_path:
        return member
    if member in by_module:
        return by_module[member]
    candidates = simple.get(member.rpartition(".")[2], [])
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        # several files share the simple name: prefer one whose module ends with the member
        ending = [c for c in sorted(candidates) if c.endswith(member.replace(".", "/") + ".java")]
        return ending[0] if ending else sorted(candidates)[0]
    return None
