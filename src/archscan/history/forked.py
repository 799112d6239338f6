"""The history's git half in a child process of its own, beside the other stages.

In a thread, mining's Python work (parsing git's output, loading and merging the
history cache: 0.23 CPU-s of saleor's re-run after one commit, far more on a cold run)
holds the interpreter lock that the stages of the main thread need. In a forked child
(forks.Forked) it runs on the other core instead: the child gets the mining input as
this process holds it (copy-on-write: nothing is pickled on the way in), reads git, and
sends the mined history back through a pipe, pickled (4.9 MB on saleor: 0.05 s to read
back here).

Progress (commits read) goes through two counters in shared memory that the parent
forwards to its bar while it waits. The child is forked once discovery is done, before
the parser's worker pool and any other thread exist. A child that ends without sending
its result makes :meth:`ForkedMining.result` say None: the caller then reads git in
this process, so the analysis never depends on the child.
"""

from __future__ import annotations

import copy
import mmap
import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from archscan.forks import Forked
from archscan.history import commit_graph
from archscan.history.native import CouplingCounts
from archscan.history.stage import HistoryProgress, MinedHistory, MiningInput, run_mining
from archscan.records import AnalysisWarning

_COUNTERS = struct.Struct("qq")  # total (-1: not known yet), done

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


def _paths_are_known(path: str) -> bool:
    """Stands in for the aggregator's path test, as :func:`_bots_are_known` does."""
    raise RuntimeError("the path test is used only while commits are read")


def _mine(data: MiningInput, counters: mmap.mmap, later: list[Callable[[], None]]) -> Mined:
    """What the child runs: the mined history, made fit to be pickled; the history
    cache's writes that only the next run needs go to ``later`` (after sending)."""
    if data.cache_dir is not None:
        commit_graph.attach(data.cache_dir, data.root)
    progress = _SharedProgress(counters)
    mined, warnings = run_mining(replace(data, progress=progress, defer_writes=True))
    if mined is not None:
        if mined.pending_writes is not None:
            later.append(mined.pending_writes)
        # a copy: the writes above still read the whole aggregate (its ``seen``)
        sent = copy.copy(mined.aggregator)
        sent.is_bot = _bots_are_known
        # what only reading commits used, left out (0.8 of saleor's 4.3 MB): every name
        # ever seen (the history cache's state, written here, keeps it) and the path
        # test (a bound method of the input's set: pickled, that is the whole set)
        sent.seen = set()
        sent.keep = _paths_are_known
        sent.coupling = _reported_pairs(mined.aggregator.coupling)
        mined = replace(mined, pending_writes=None, aggregator=sent)
    return mined, list(warnings)


def _reported_pairs(coupling: CouplingCounts) -> CouplingCounts:
    """The counts with only the pairs that may be reported: a pair needs ``min_shared``
    shared revisions to pass (metrics.temporal_coupling, the one reader of ``shared``).
    Saleor: 3,400 of 31,500 pairs, 0.8 of the 3.7 MB sent, ~5 ms less to load and to
    scan in the parent."""
    least = coupling.min_shared
    sent = copy.copy(coupling)
    sent.shared = Counter({pair: n for pair, n in coupling.shared.items() if n >= least})
    return sent


def _after(data: MiningInput) -> None:
    """Once the history is sent: bring the cache's commit-graph up to date."""
    if data.cache_dir is not None:
        commit_graph.refresh(data.cache_dir, data.root, data.repository.head)


class ForkedMining:
    """A mining child process and the counters of its progress."""

    def __init__(self, child: Forked[Mined], counters: mmap.mmap) -> None:
        self._child: Forked[Mined] | None = child
        self._counters = counters
        self._total = -1
        self._done = 0

    @classmethod
    def start(cls, prepare: Callable[[], MiningInput]) -> ForkedMining | None:
        """The child, mining from now on; None where this process may not fork.
        ``prepare`` makes the mining input in the child (the pipeline's: discovery,
        done there as this process does it, so that git is read that much sooner)."""
        counters = mmap.mmap(-1, _COUNTERS.size)  # anonymous: shared across the fork
        _COUNTERS.pack_into(counters, 0, -1, 0)
        prepared: list[MiningInput] = []  # in the child: what ``prepare`` made
        later: list[Callable[[], None]] = []  # in the child: writes after sending

        def work() -> Mined:
            prepared.append(prepare())
            return _mine(prepared[0], counters, later)

        def after() -> None:
            for write in later:
                write()
            if prepared:
                _after(prepared[0])

        child = Forked.start(work, after=after)
        return cls(child, counters) if child is not None else None

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

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

    def result(self, progress: HistoryProgress | None) -> Mined | None:
        """The mined history once the child has sent it (its own error raised here);
        None when the child ended without sending one (the caller mines itself)."""
        if self._child is None:
            return None
        sent, mined = self._child.result(lambda: self._forward(progress))
        self._forward(progress)
        return mined if sent else None

    def ready(self) -> bool:
        """Has the child started sending its result (or ended)?"""
        return self._child is None or self._child.ready()

    def join(self) -> None:
        """Wait for the child's work after sending (the commit-graph), for a run that
        succeeded: it ran beside the contexts and is done by now, or nearly."""
        if self._child is not None:
            self._child.join()
            self._child = None

    def stop(self) -> None:
        """End the child if it still runs (the run failed or was interrupted)."""
        if self._child is not None:
            self._child.stop()
            self._child = None
