"""The portfolio's manifest (``DIR/portfolio.sqlite``): one row per finished repository,
written as each one finishes, so that an interrupted portfolio resumes where it stopped."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from archscan.portfolio.tasks import Outcome

FILE_NAME = "portfolio.sqlite"


class Manifest:
    def __init__(self, out: Path, fresh: bool = False) -> None:
        self._db = sqlite3.connect(str(out / FILE_NAME), timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        if fresh:
            self._db.execute("DROP TABLE IF EXISTS repositories")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS repositories (path TEXT PRIMARY KEY, status TEXT,"
            " error TEXT, seconds REAL, row TEXT)"
        )

    def finished(self, paths: Iterable[str]) -> dict[str, Outcome]:
        """Outcomes already recorded for these paths (a resumed run skips them)."""
        wanted = set(paths)
        found = {}
        for path, status, error, seconds, row in self._db.execute(
            "SELECT path, status, error, seconds, row FROM repositories"
        ):
            if path in wanted:
                found[path] = Outcome(path, status, error, seconds, json.loads(row))
        return found

    def record(self, outcome: Outcome) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO repositories VALUES (?, ?, ?, ?, ?)",
            (outcome.path, outcome.status, outcome.error, outcome.seconds, json.dumps(outcome.row)),
        )

    def close(self) -> None:
        self._db.close()
