"""``--timings``: the wall time of each phase of a run, printed after it.

A wrapper around any progress reporter, so that the pipeline needs to know nothing of
it: every phase the pipeline opens is timed, and the CLI times what it does after.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


class _Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> AbstractContextManager[None]: ...

    def advance(self, amount: int = 1) -> None: ...


class TimedProgress:
    """Forwards to ``inner`` and records (phase, seconds) in the order phases ran."""

    def __init__(self, inner: _Progress) -> None:
        self._inner = inner
        self.phases: list[tuple[str, float]] = []
        self._started = time.perf_counter()

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        with self.timed(name), self._inner.phase(name, total):
            yield

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases.append((name, time.perf_counter() - start))

    def advance(self, amount: int = 1) -> None:
        self._inner.advance(amount)

    def set_total(self, total: int) -> None:
        set_total = getattr(self._inner, "set_total", None)
        if set_total is not None:
            set_total(total)

    def lines(self) -> list[str]:
        """One line per phase, then the untimed rest and the total since construction."""
        total = time.perf_counter() - self._started
        timed = sum(seconds for _name, seconds in self.phases)
        rows = [*self.phases, ("other", max(total - timed, 0.0)), ("total", total)]
        width = max(len(name) for name, _ in rows)
        return [f"{name:<{width}}  {seconds:8.3f} s" for name, seconds in rows]
