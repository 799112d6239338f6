"""Work moved into a forked child process: the history's git half, the structure
metrics and service links, the HTML report. The child shares what this process built
page by page, copy-on-write, instead of having it pickled to a fresh interpreter; only
its result comes back, pickled, through a pipe.

A child is an optimisation, never a dependency: where forking is not safe (see
:func:`can_fork`) or the child ends without sending a result (killed, out of memory),
:meth:`Forked.result` says so and the caller does the work itself; an exception the
work raised in the child is raised again in the parent, as it would have been here.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Generic, TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.1  # how often ``waiting`` runs while the parent waits for a result

# Children that sent their result and are ending: reaped once they have ended, not
# waited for. A child's exit unmaps its share of this process (page tables, the pages
# it copied): on saleor's re-run the parent, holding the result already, waited 5-17
# ms in waitpid for the structure child and for the HTML report's child to end.
_ENDING: set[int] = set()


def can_fork() -> bool:
    """A fork copies only the calling thread: a lock another thread held at that moment
    would stay taken in the child for ever. So only a process with no other thread
    forks (a Dask worker, a caller's threads mean doing the work here instead). No fork
    on Windows."""
    return hasattr(os, "fork") and threading.active_count() == 1


def reap_ended(wait: bool = False) -> None:
    """Reap the children that sent their result and have ended since (with ``wait``:
    all of them, each waited for). Called at each fork and result, so that no more
    than a few are ever left for the system to collect when this process exits."""
    for pid in sorted(_ENDING):
        try:
            ended, _status = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            ended = pid
        if ended:
            _ENDING.discard(pid)


def _sendable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception that does not survive pickling
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _child(
    work: Callable[[], object],
    after: Callable[[], object] | None,
    write_end: int,
) -> None:
    """The child's whole life: work, send, then ``after`` (work nobody waits for), and
    leave without the parent's clean-up (atexit handlers, buffered output, open caches
    belong to the parent)."""
    code = 1
    try:
        # Ctrl-C reaches the whole process group: the child just ends (the parent,
        # interrupted too, kills it anyway); git, in the same group, ends with it
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            message = ("value", work())
        except Exception as exc:  # noqa: BLE001 - raised again in the parent
            message = ("error", _sendable(exc))
        # pickled whole before the parent asks (it may be busy): it then only reads and
        # unpickles, instead of waiting for each 64 KiB the child pickles into the pipe
        # (saleor's history: 4.3 MB, 0.08 CPU-s to pickle). The bytes are in memory
        # once more here, briefly; the parent unpickles them as they stream in.
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        del data
        code = 0
        if after is not None:
            with suppress(Exception):
                after()
    finally:
        os._exit(code)


class Forked(Generic[T]):
    """``work`` running in a child process, and the parent's end of its pipe."""

    def __init__(self, pid: int, read_end: int, lingers: bool = False) -> None:
        self._pid: int | None = pid
        self._read_end: int | None = read_end
        self._lingers = lingers  # has ``after`` work once it has sent its result

    @classmethod
    def start(
        cls,
        work: Callable[[], T],
        after: Callable[[], object] | None = None,
    ) -> Forked[T] | None:
        """The child, working from now on; None where this process may not fork.
        ``after``: what the child does once it has sent the result (see :meth:`join`)."""
        if not can_fork():
            return None
        reap_ended()
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:
            os.close(read_end)
            _child(work, after, write_end)
        os.close(write_end)
        return cls(pid, read_end, after is not None)

    def _wait_readable(self, waiting: Callable[[], None] | None) -> None:
        """Until the child starts sending (or ends), calling ``waiting`` every 0.1 s."""
        assert self._read_end is not None
        while True:
            ready, _, _ = select.select([self._read_end], [], [], _POLL_SECONDS)
            if waiting is not None:
                waiting()
            if ready:
                return

    def ready(self) -> bool:
        """Has the child started sending (or ended)? Never waits."""
        if self._read_end is None:
            return True
        readable, _, _ = select.select([self._read_end], [], [], 0)
        return bool(readable)

    def _receive(self) -> tuple[str, object] | None:
        """The child's message, read from the pipe as it is unpickled; None when the
        child ended without sending a whole one."""
        assert self._read_end is not None
        try:
            with os.fdopen(self._read_end, "rb", closefd=False) as stream:
                kind, value = pickle.load(stream)
        except Exception:  # noqa: BLE001 - an incomplete message: the child failed
            return None
        return str(kind), value

    def result(self, waiting: Callable[[], None] | None = None) -> tuple[bool, T | None]:
        """(True, the work's value) once the child has sent it, its exception raised
        here; (False, None) when the child ended without sending one (or was waited
        for already). ``waiting``: called every 0.1 s while the child works."""
        if self._read_end is None:
            return False, None
        self._wait_readable(waiting)
        message = self._receive()
        self._close()
        # it ends right after closing its end (reaped as it has: _ENDING), unless it has
        # ``after`` work: join() then
        self._reap(os.WNOHANG)
        if self._pid is not None and not self._lingers:
            _ENDING.add(self._pid)
            self._pid = None
        reap_ended()
        if message is None:
            return False, None
        kind, value = message
        if kind == "error":
            assert isinstance(value, Exception)
            raise value
        return True, value  # type: ignore[return-value]

    def _reap(self, options: int) -> None:
        if self._pid is None:
            return
        try:
            pid, _status = os.waitpid(self._pid, options)
        except ChildProcessError:
            pid = self._pid
        if pid != 0:
            self._pid = None

    def join(self) -> None:
        """Wait for the child to end (its ``after`` work done), once its result is read."""
        if self._read_end is None:
            self._reap(0)

    @property
    def pid(self) -> int | None:
        """The child's process id until it is waited for or, without ``after`` work, its
        result is read (it is then reaped once it has ended: :func:`reap_ended`)."""
        return self._pid

    def _close(self) -> None:
        if self._read_end is not None:
            os.close(self._read_end)
            self._read_end = None

    def stop(self) -> None:
        """Close the pipe and end the child if it still runs (this process failed or
        was interrupted)."""
        self._close()
        if self._pid is not None:
            with suppress(OSError):
                pid, _status = os.waitpid(self._pid, os.WNOHANG)
                if pid == 0:
                    os.kill(self._pid, signal.SIGKILL)
                    os.waitpid(self._pid, 0)
            self._pid = None
