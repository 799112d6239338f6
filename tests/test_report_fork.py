"""The HTML report rendered in a forked child beside the other reports (registry.py):
the same bytes as rendered alone, a failing child falls back to this process (whose
error is then the user's), and no fork while another thread runs."""

from __future__ import annotations

import os
import signal
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from archscan.forks import Forked, can_fork, reap_ended
from archscan.report.registry import (
    REPORTERS,
    RenderOptions,
    _write_one,
    write_reports,
)
from conftest import needs_fork
from report_support import archscan, fixed_document

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="forks and /proc: Linux"
)


def _alone(name: str) -> bytes:
    content = REPORTERS[name].render(fixed_document(), RenderOptions())
    return content if isinstance(content, bytes) else content.encode("utf-8")


def _children() -> set[int]:
    """This process's child processes, running or not yet reaped (Linux's /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def test_reports_written_beside_each_other_are_the_bytes_of_each_alone(tmp_path: Path) -> None:
    checks: list[int] = []
    reap_ended(wait=True)  # earlier tests' ended children: not this one's to count
    before = _children()
    written = write_reports(
        fixed_document(),
        ("json", "html", "md"),
        tmp_path,
        RenderOptions(),
        alongside=lambda: checks.append(len(checks)),
    )
    assert [p.name for p in written] == ["archscan.json", "report.html", "report.md"]
    for path in written:
        assert path.read_bytes() == _alone(REPORTERS_BY_FILE[path.name]), path.name
    assert checks == [0]  # the caller's work ran once, in this process
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)
    reap_ended(wait=True)  # it was left to end on its own once its result was read
    assert _children() == before  # the child was reaped


REPORTERS_BY_FILE = {reporter.file_name: name for name, reporter in REPORTERS.items()}


@needs_fork
def test_a_forked_child_writes_the_report_and_is_reaped(tmp_path: Path) -> None:
    options = RenderOptions()
    child = Forked.start(partial(_write_one, "html", fixed_document(), options, tmp_path))
    assert child is not None
    pid = child.pid
    assert pid is not None and pid in _children()
    assert child.result() == (True, tmp_path / "report.html")
    assert child.pid is None  # its result read: reaped once it has ended, not waited for
    assert (tmp_path / "report.html").read_bytes() == _alone("html")
    assert child.result() == (False, None)
    reap_ended(wait=True)
    assert pid not in _children()  # reaped once


@needs_fork
def test_children_that_sent_their_result_are_reaped_without_waiting_for_them() -> None:
    """The parent has the result once the child has sent it: it does not wait for the
    child's exit (unmapping its share of a large process takes milliseconds); the ended
    children are reaped at the next fork or result, or when asked to (no zombies)."""
    reap_ended(wait=True)  # earlier tests' ended children: not this one's to count
    before = _children()
    first = Forked.start(lambda: 1)
    assert first is not None and first.pid is not None
    pid = first.pid
    assert first.result() == (True, 1) and first.pid is None
    first.stop()  # nothing left to stop: it is not killed
    deadline = time.monotonic() + 10
    while pid in _children() and time.monotonic() < deadline:
        second = Forked.start(lambda: 2)  # reaps the children that have ended
        assert second is not None and second.result() == (True, 2)
        time.sleep(0.01)
    assert pid not in _children()
    killed = Forked.start(partial(time.sleep, 30))  # killed before it sends: no result
    assert killed is not None and killed.pid is not None
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.result() == (False, None) and killed.pid is None
    reap_ended(wait=True)
    assert _children() == before
    reap_ended(wait=True)  # nothing left: a no-op


def test_no_fork_while_another_thread_runs(tmp_path: Path) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
        assert Forked.start(lambda: 1) is None
        written = write_reports(fixed_document(), ("html", "md"), tmp_path, RenderOptions())
        assert written[0].read_bytes() == _alone("html")  # rendered here instead
    finally:
        release.set()
        other.join()


def test_a_failing_child_leaves_the_error_to_this_process(tmp_path: Path) -> None:
    """A branded template that fails: the child exits unwell, this process renders the
    HTML itself and fails as a run without the child would (the other reports stay)."""
    saved = tmp_path / "archscan.json"
    saved.write_bytes(_alone("json"))
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "report.html.j2").write_text("{{ no_such_function() }}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = archscan(
        "report", str(saved), "--format", "html,md", "--templates", str(brand), "--out", str(out)
    )
    assert result.returncode == 3, result.stderr
    assert "UndefinedError: 'no_such_function' is undefined" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.md"]  # no half or temporary file
    assert (out / "report.md").read_bytes() == _alone("md")
