"""The history's git half in a child process of its own, beside the other stages.

In a thread, mining's Python work (parsing git's output, loading and merging the
history cache: 0.23 CPU-s of saleor's re-run after one commit, far more on a cold run)
holds the interpreter lock that the stages of the main thread need. In a forked child it
runs on the other core instead: the child gets the mining input as this process holds it
(copy-on-write: nothing is pickled on the way in), reads git, and sends the mined
history back through a pipe, pickled (6 MB on saleor: 0.05 s to read back here).

Progress (commits read) goes through two shared counters the parent forwards to its bar
while it waits. The child is forked once discovery is done, before the parser's worker
pool and any other thread exist (forks.can_fork). A child that fails (killed, out of
memory, anything it could not send) makes :meth:`ForkedMining.result` say None: the
caller then reads git in this process, so the analysis never depends on the child.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import struct
from contextlib import suppress
from dataclasses import replace

from archscan.forks import can_fork
from archscan.history.stage import HistoryProgress, MinedHistory, MiningInput, run_mining
from archscan.records import AnalysisWarning

_COUNTERS = struct.Struct("qq")  # total (-1: not known yet), done
_POLL_SECONDS = 0.1  # how often the parent's bar is brought up to date while it waits

Mined = tuple[MinedHistory | None, list[AnalysisWarning]]


class _SharedProgress:
    """The child's HistoryProgress: counters in memory shared with the parent."""

    def __init__(self, counters: mmap.mmap) -> None:
        self._counters = counters
        self._total = -1
        self._done = 0

    def set_total(self, total: int) -> None:
        self._total = total
        _COUNTERS.pack_into(self._counters, 0, self._total, self._done)

    def advance(self, amount: int = 1) -> None:
        self._done += amount
        _COUNTERS.pack_into(self._counters, 0, self._total, self._done)


def _bots_are_known(name: str, email: str) -> bool:
    """Stands in for the aggregator's bot matcher (a closure, which pickle cannot
    send): each commit's author has been matched by then, and nothing asks again."""
    raise RuntimeError("the bot matcher is used only while commits are read")


def _message(data: MiningInput, counters: mmap.mmap) -> bytes:
    try:
        mined, warnings = run_mining(replace(data, progress=_SharedProgress(counters)))
    except Exception as exc:  # noqa: BLE001 - raised again in the parent
        return pickle.dumps(("error", _sendable(exc)), pickle.HIGHEST_PROTOCOL)
    if mined is not None:
        mined.aggregator.is_bot = _bots_are_known
    return pickle.dumps(("mined", mined, list(warnings)), pickle.HIGHEST_PROTOCOL)


def _sendable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception that does not survive pickling
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _child(data: MiningInput, write_end: int, counters: mmap.mmap) -> None:
    """The child's whole life: mine, send, leave without the parent's clean-up (atexit
    handlers, buffered output, open caches belong to the parent)."""
    code = 1
    try:
        # Ctrl-C reaches the whole process group: the child just ends (the parent,
        # interrupted too, kills it anyway); git, in the same group, ends with it
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        payload = _message(data, counters)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        code = 0
    finally:
        os._exit(code)


class ForkedMining:
    """A mining child process and the parent's end of its pipe."""

    def __init__(self, pid: int, read_end: int, counters: mmap.mmap) -> None:
        self._pid: int | None = pid
        self._read_end: int | None = read_end
        self._counters = counters
        self._total = -1
        self._done = 0

    @classmethod
    def start(cls, data: MiningInput) -> ForkedMining | None:
        """The child, mining from now on; None where this process may not fork."""
        if not can_fork():
            return None
        counters = mmap.mmap(-1, _COUNTERS.size)  # anonymous and shared across the fork
        _COUNTERS.pack_into(counters, 0, -1, 0)
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:
            os.close(read_end)
            _child(data, write_end, counters)
        os.close(write_end)
        return cls(pid, read_end, counters)

    def _forward(self, progress: HistoryProgress | None) -> None:
        total, done = _COUNTERS.unpack_from(self._counters, 0)
        if progress is None:
            return
        if total >= 0 and total != self._total:
            self._total = total
            progress.set_total(total)
        if done > self._done:
            progress.advance(done - self._done)
            self._done = done

    def _read_all(self, progress: HistoryProgress | None) -> bytes:
        chunks: list[bytes] = []
        assert self._read_end is not None
        while True:
            ready, _, _ = select.select([self._read_end], [], [], _POLL_SECONDS)
            self._forward(progress)
            if ready:
                chunk = os.read(self._read_end, 1 << 20)
                if not chunk:  # the child closed its end: sent, or ended
                    return b"".join(chunks)
                chunks.append(chunk)

    def result(self, progress: HistoryProgress | None) -> Mined | None:
        """The mined history once the child has sent it (its own error raised here);
        None when the child ended without sending one (the caller mines itself)."""
        if self._pid is None:
            return None
        payload = self._read_all(progress)
        self._close()
        with suppress(ChildProcessError):
            os.waitpid(self._pid, 0)  # it ends right after closing its end
        self._pid = None
        self._forward(progress)
        try:
            message = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - an incomplete message: the child failed
            return None
        if message[0] == "error":
            raise message[1]
        _kind, mined, warnings = message
        return mined, warnings

    def _close(self) -> None:
        if self._read_end is not None:
            os.close(self._read_end)
            self._read_end = None

    def stop(self) -> None:
        """Close the pipe and end the child if it still runs (this process failed or
        was interrupted, or the child has already sent everything)."""
        self._close()
        if self._pid is not None:
            with suppress(OSError):
                pid, _status = os.waitpid(self._pid, os.WNOHANG)
                if pid == 0:
                    os.kill(self._pid, signal.SIGKILL)
                    os.waitpid(self._pid, 0)
            self._pid = None
