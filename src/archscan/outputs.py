"""Writing the report files: a clear error instead of a traceback, never a half file.

Each file is written under a temporary name in the output folder and renamed over the
final name (atomic on POSIX and Windows), so an interrupted run (Ctrl-C, a full disk)
leaves the previous complete report or none, never a truncated ``archscan.json``.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path


class OutputError(ValueError):
    """The output folder or a report file cannot be written (exit 2, one line)."""


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def prepare_out_dir(target: Path) -> Path:
    """Create the output folder; OutputError when it is a file or cannot be created."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"--out {target} exists and is not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {target}: {_reason(exc)}") from exc
    if not os.access(target, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into the output folder {target}: permission denied")
    return target


def write_text_atomic(path: Path, text: str) -> Path:
    """``text`` as UTF-8 at ``path``, complete or not at all."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # backslashreplace: a surrogate (undecodable file-name byte) left in some text
        # format is written as \udcXX, never a crash after the whole analysis
        with open(
            temporary, "w", encoding="utf-8", errors="backslashreplace", newline="\n"
        ) as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """``data`` at ``path``, complete or not at all (the PDF report)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return path


def link_or_write_atomic(path: Path, source: Path, data: bytes) -> Path:
    """``path`` holding ``data``, complete or not at all: a hard link to ``source`` (a
    file holding ``data``) where the file system allows one, else written."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.link")
    try:
        os.link(source, temporary, follow_symlinks=False)
        os.replace(temporary, path)
    except (OSError, NotImplementedError):
        with suppress(OSError):
            temporary.unlink()
        return write_bytes_atomic(path, data)
    return path


def display(text: str) -> str:
    """Text for people (report.md, the terminal): file-name bytes that are not UTF-8
    (kept by Python as surrogates, as in the JSON) shown as ``\\xNN``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text
