"""The command line's start: dataclass methods compiled once, not in every run.

``dataclasses`` writes each class's ``__init__``, ``__eq__``, ``__repr__``,
``__hash__``, ``__setattr__``... as source text and compiles it with ``exec`` when the
class is defined, every time a module defining dataclasses is imported. archscan and its
libraries define ~180 of them on a re-run's path: ~1,000 texts, 0.12 s of compiling
(34% of importing the command line and the pipeline, measured on this machine). Python
keeps a module's bytecode in ``__pycache__``; these methods have none. So the command
line keeps them there too: one ``marshal`` file of text -> code object beside the
package's ``.pyc`` files (the path :func:`importlib.util.cache_from_source` gives, so
``sys.pycache_prefix`` and the interpreter's cache tag apply), read at start, written
back when a run compiled a text the file lacked.

Transparent by construction: a text is looked up exactly, and its code object is the
one ``compile`` makes of it (``dont_inherit``: this module's ``__future__`` flags are
not the caller's); ``exec`` then runs that code as it would have run the text. Only
``dataclasses``' own name ``exec`` is pointed here, and only in the command line's
process (:func:`main`): importing archscan as a library changes nothing. Python's rules
for bytecode hold: nothing is written under ``sys.dont_write_bytecode``
(``PYTHONDONTWRITEBYTECODE``, ``-B``); an unwritable folder, a damaged file or one from
another Python (its magic number) is ignored; a file is replaced atomically.

And the command line's end: its last results are left to the process's exit
(:func:`keep_until_exit`), not freed one by one just before it.
"""

from __future__ import annotations

import builtins
import dataclasses
import gc
import importlib.util
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

_FORMAT = b"archscan-dataclass-methods-1\n" + importlib.util.MAGIC_NUMBER
_MAX_ENTRIES = 8192  # beyond: keep only what this run used (an upgrade's old texts go)


def default_path() -> Path:
    """Beside archscan's own bytecode (``__pycache__``, or under ``sys.pycache_prefix``)."""
    pyc = importlib.util.cache_from_source(str(Path(__file__).with_name("dataclass_methods.py")))
    return Path(pyc).with_suffix(".marshal")


class MethodCache:
    """Compiled texts by their source, and what this process compiled or used."""

    def __init__(self, path: Path, codes: dict[str, CodeType]) -> None:
        self.path = path
        self.codes = codes
        self.compiled = 0  # texts this process compiled (the file lacked them)
        self._used: set[str] = set()
        self._pid = os.getpid()

    @classmethod
    def load(cls, path: Path) -> MethodCache:
        return cls(path, _read(path))

    def exec(self, source: Any, globals: Any = None, locals: Any = None, **more: Any) -> None:
        """``exec`` as ``dataclasses`` calls it; a text runs as its cached code."""
        if isinstance(source, str):
            code = self.codes.get(source)
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                self.codes[source] = code
                self.compiled += 1
            self._used.add(source)
            source = code
        builtins.exec(source, globals, locals, **more)

    def save(self) -> None:
        """Write the file when this run compiled something new (never in a forked child,
        never under ``sys.dont_write_bytecode``; a failure leaves the old file)."""
        if not self.compiled or sys.dont_write_bytecode or os.getpid() != self._pid:
            return
        codes = self.codes
        if len(codes) > _MAX_ENTRIES:
            codes = {text: codes[text] for text in self._used}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(_FORMAT + marshal.dumps(codes))
            os.replace(temporary, self.path)
        except (OSError, ValueError):
            temporary.unlink(missing_ok=True)
            return
        self.compiled = 0


def _read(path: Path) -> dict[str, CodeType]:
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    if not raw.startswith(_FORMAT):
        return {}  # another format or another Python's bytecode
    try:
        codes = marshal.loads(memoryview(raw)[len(_FORMAT) :])
    except (EOFError, ValueError, TypeError):
        return {}  # damaged: compiled again, and written anew
    if not isinstance(codes, dict):
        return {}
    return {k: v for k, v in codes.items() if isinstance(k, str) and isinstance(v, CodeType)}


def install(path: Path | None = None) -> MethodCache | None:
    """Route ``dataclasses``' ``exec`` through the cache at ``path`` (default
    :func:`default_path`); None when something else already replaced it."""
    if "exec" in vars(dataclasses):
        return None  # someone else's hook (or ours, installed twice): leave it
    cache = MethodCache.load(path or default_path())
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    return cache


_command_line = 0  # the pid of the command line's process (main), 0 elsewhere


def keep_until_exit(*objects: object) -> None:
    """Leave ``objects`` to the process's end, in the command line's process (nothing
    elsewhere: a library caller's or a test's memory is freed as usual).

    A run's last results (the analysis, the document: millions of objects) were freed
    one by one as the command returned, only for the process to end: 0.055-0.06 s of
    saleor's re-run (measured from the command's last line to :func:`main`'s end). Held
    in a cycle (no reference count reaches zero) that ``gc.freeze`` moves out of the
    collector's reach (not even the collection at exit visits the permanent generation),
    they go with the process's memory, at once. Called last: what the freeze leaves
    uncollected is only what exists then."""
    if _command_line != os.getpid():
        return
    held: list[object] = [*objects]
    held.append(held)
    gc.freeze()


def main() -> None:
    """The ``archscan`` command: the cache installed before anything defines a class."""
    global _command_line
    _command_line = os.getpid()
    cache = install()
    try:
        from archscan.cli import main as cli_main

        cli_main()
    finally:
        if cache is not None:
            cache.save()
