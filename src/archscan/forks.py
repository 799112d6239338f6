"""When archscan may fork: work moved into a child process (the history's git half,
the HTML report) shares what this process built page by page, copy-on-write, instead of
pickling it to a fresh interpreter."""

from __future__ import annotations

import os
import threading


def can_fork() -> bool:
    """A fork copies only the calling thread: a lock another thread held at that moment
    would stay taken in the child for ever. So only a process with no other thread
    forks (a Dask worker, a progress bar's refresh or a caller's threads mean doing the
    work here instead). No fork on Windows."""
    return hasattr(os, "fork") and threading.active_count() == 1
