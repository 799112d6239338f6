"""age: whole calendar months since each entity's last change before "now"."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, timezone

from archscan.history.codemaat.dataset import by_entity
from archscan.history.codemaat.model import Change, Options, Table


def months_between(start: date, end: date) -> int:
    """Joda-Time's Months.monthsBetween for two dates at midnight (start <= end).

    Whole months; a month counts once the day of month is reached again, where the last
    day of a shorter month reaches any later day (Jan 31 -> Feb 28 is one month).
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    start_day = start.day
    if end.day == calendar.monthrange(end.year, end.month)[1] and start_day > end.day:
        start_day = end.day
    if end.day < start_day:
        months -= 1
    return months


def age(rows: Sequence[Change], options: Options) -> Table:
    """Changes strictly before "now" count. Without --age-time-now, "now" is the current
    moment (UTC), so changes dated today count."""
    if options.age_time_now:
        now = date.fromisoformat(options.age_time_now)

        def counts(day: str) -> bool:
            return day < now.isoformat()
    else:
        now = datetime.now(timezone.utc).date()

        def counts(day: str) -> bool:
            return day <= now.isoformat()

    aged: list[tuple[str, int]] = []
    for entity, changes in by_entity(rows):
        dates = [c.date for c in changes if counts(c.date)]
        if dates:
            aged.append((entity, months_between(date.fromisoformat(max(dates)), now)))
    aged.sort(key=lambda r: r[1])
    return Table(("entity", "age-months"), tuple(aged))
