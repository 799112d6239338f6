"""Row transforms applied before an analysis: --group, --temporal-period, --team-map.

Applied in code-maat's order: architectural grouping, then time windows, then teams.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from archscan.history.codemaat.model import Change


class TransformError(ValueError):
    """A group or team file that cannot be used."""


_GROUP_LINE = re.compile(r"(\^.+\$|[\w/\\.\-]+)[ \t]+=>[ \t]+(.+)")


def parse_groups(text: str) -> list[tuple[re.Pattern[str], str]]:
    """``path => name`` (matches ``^path/``) or ``^regex$ => name``, one per line."""
    groups: list[tuple[re.Pattern[str], str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _GROUP_LINE.fullmatch(line)
        if match is None:
            raise TransformError(f"invalid group specification on line {number}: {line!r}")
        path, name = match.groups()
        pattern = path if path.startswith("^") else f"^{path}/"
        try:
            groups.append((re.compile(pattern), name))
        except re.error as exc:
            raise TransformError(f"invalid regular expression on line {number}: {exc}") from exc
    return groups


def map_groups(
    rows: Iterable[Change], groups: Sequence[tuple[re.Pattern[str], str]]
) -> list[Change]:
    """Rename each entity to its first matching group; entities in no group are dropped."""
    out: list[Change] = []
    for row in rows:
        for pattern, name in groups:
            if pattern.search(row.entity):
                out.append(replace(row, entity=name))
                break
    return out


def read_team_map(path: Path) -> dict[str, str]:
    """A CSV with a header row naming the columns ``author`` and ``team``."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"author", "team"} <= set(reader.fieldnames):
            raise TransformError(f"{path}: the team map needs the columns author,team")
        return {row["author"]: row["team"] for row in reader if row.get("author") is not None}


def map_teams(rows: Iterable[Change], teams: dict[str, str]) -> list[Change]:
    """Authors become their team; authors not in the map stay themselves."""
    return [replace(row, author=teams[row.author]) if row.author in teams else row for row in rows]


def sliding_windows(rows: Sequence[Change], days: int) -> list[Change]:
    """code-maat's time-based grouper, quirks included.

    Every day from the first to the last commit date is a slot; each run of ``days``
    consecutive slots is a window (fewer slots than ``days``: no window at all). A
    window with changes becomes one changeset whose revision id is the latest date in
    it; an entity appears once per window. Consecutive windows ending on the same
    active day share that id and so merge into one changeset downstream.
    """
    if days < 1:
        raise TransformError("the temporal period must be a positive number of days")
    if not rows:
        return []
    by_day: dict[str, list[Change]] = {}
    for row in rows:
        by_day.setdefault(row.date, []).append(row)
    first, last = date.fromisoformat(min(by_day)), date.fromisoformat(max(by_day))
    slots = [
        by_day.get((first + timedelta(n)).isoformat(), []) for n in range((last - first).days + 1)
    ]
    out: list[Change] = []
    for start in range(len(slots) - days + 1):
        window = [row for slot in slots[start : start + days] for row in slot]
        if not window:
            continue
        latest = max(row.date for row in window)
        seen: set[str] = set()
        for row in window:
            if row.entity not in seen:
                seen.add(row.entity)
                out.append(replace(row, rev=latest))
    return out
