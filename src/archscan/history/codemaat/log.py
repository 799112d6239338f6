"""Parse code-maat's "git2" log format into Change rows, as code-maat's parser does.

The log is ``git log --all --numstat --date=short --pretty=format:'--%h--%ad--%aN'
--no-renames``. Entries are separated by blank lines; an entry is one or more header
lines ``--<hash>--<YYYY-MM-DD>--<author>`` (only the last counts: a merge or empty
commit prints a header with no files, directly followed by the next header) and then
``added<TAB>deleted<TAB>path`` rows. Paths are taken literally. Lines are split on
``\\n``, ``\\r\\n`` and ``\\r`` (Java's readLine). Where code-maat would abort the whole
run on one malformed entry, this parser skips that entry and reports a LogProblem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from archscan.history.codemaat.model import Change, LogProblem

# Java regexes: \d is ASCII only and "." stops at Java's line terminators.
_HEADER = re.compile(r"--([0-9a-f]+)--([0-9]{4}-[0-9]{2}-[0-9]{2})--([^\n]*)")
_CHANGE = re.compile(r"([0-9-]*)\t([0-9-]*)\t([^\n\r\u0085\u2028\u2029]+)")
# Character.isWhitespace: Unicode spaces except the no-break ones, plus \t..\r, \x1c..\x1f
_NO_BREAK = frozenset("\u00a0\u2007\u202f")


def _java_blank(line: str) -> bool:
    return all(c.isspace() and c not in _NO_BREAK for c in line)


def _entries(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated entry."""
    entry: list[str] = []
    start = 1
    for number, line in enumerate(lines, 1):
        if _java_blank(line):
            if entry:
                yield start, entry
            entry = []
            continue
        if not entry:
            start = number
        entry.append(line)
    if entry:
        yield start, entry


def _churn(value: str) -> int | None:
    if value == "-":
        return 0
    return int(value) if value.isdigit() else None


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _parse_entry(start: int, lines: list[str], problems: list[LogProblem]) -> list[Change]:
    headers = 0
    while headers < len(lines) and _HEADER.fullmatch(lines[headers]):
        headers += 1
    if headers == 0:
        problems.append(LogProblem(start, f"no commit header: {lines[0][:80]!r}"))
        return []
    header = _HEADER.fullmatch(lines[headers - 1])
    assert header is not None  # matched in the loop above
    rev, day, author = header.groups()
    if not _valid_date(day):
        problems.append(LogProblem(start, f"invalid date {day!r}"))
        return []
    rows: list[Change] = []
    for offset, line in enumerate(lines[headers:], headers):
        change = _CHANGE.fullmatch(line)
        if change is None:
            problems.append(LogProblem(start + offset, f"not a numstat row: {line[:80]!r}"))
            return []
        added, deleted = _churn(change.group(1)), _churn(change.group(2))
        if added is None or deleted is None:
            problems.append(LogProblem(start + offset, f"bad line counts: {line[:80]!r}"))
        rows.append(Change(change.group(3), rev, day, author, added or 0, deleted or 0))
    return rows


def parse_lines(lines: Iterable[str], problems: list[LogProblem]) -> Iterator[Change]:
    """Rows of a git2 log given as lines (without their line terminators)."""
    for start, entry in _entries(lines):
        yield from _parse_entry(start, entry, problems)


def read_log(path: Path, problems: list[LogProblem], encoding: str = "utf-8") -> list[Change]:
    """All rows of a git2 log file. Undecodable bytes become U+FFFD, as in Java."""
    with path.open(encoding=encoding, errors="replace", newline=None) as handle:
        return list(parse_lines((line.rstrip("\n") for line in handle), problems))
