"""The command line's cache of compiled dataclass methods (startup.py), in processes of
their own: the hook changes the interpreter's ``dataclasses``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Defines dataclasses with the hook installed on argv[1], checks that they behave as
# dataclasses do, and prints what the cache did. The module has no __future__ import:
# the annotations the generated __init__ carries must be the objects, as without the hook.
_SCRIPT = r"""
import json, sys, dataclasses
from pathlib import Path
from archscan import startup

cache = startup.install(Path(sys.argv[1]))
loaded = len(cache.codes)


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int = 2


@dataclasses.dataclass(order=True)
class Named:
    name: str
    tags: list = dataclasses.field(default_factory=list)


p = Point(1)
try:
    p.x = 3
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
same = all(
    code == compile(text, "<string>", "exec", dont_inherit=True)
    for text, code in cache.codes.items()
)
print(json.dumps({
    "loaded": loaded,
    "compiled": cache.compiled,
    "repr": repr(p),
    "equal": p == Point(1, 2) and hash(p) == hash(Point(1, 2)),
    "frozen": frozen,
    "ordered": Named("a") < Named("b"),
    "factory": Named("a").tags == [] and Named("a").tags is not Named("a").tags,
    "annotation_is_type": Point.__init__.__annotations__["x"] is int,
    "same_code": same,
    "second_install": startup.install(Path(sys.argv[1])) is None,
}))
cache.save()
"""


def _run(path: Path, *flags: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, *flags, "-c", _SCRIPT, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _behaves(found: dict[str, object]) -> None:
    assert found["repr"] == "Point(x=1, y=2)"
    for check in ("equal", "frozen", "ordered", "factory", "annotation_is_type", "same_code"):
        assert found[check] is True, check
    assert found["second_install"] is True  # installed once: a second hook is refused


def test_methods_are_compiled_once_then_read_back(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    first = _run(path)
    _behaves(first)
    assert first["loaded"] == 0 and first["compiled"] > 0
    assert path.is_file()
    second = _run(path)
    _behaves(second)
    assert second["loaded"] >= first["compiled"]
    assert second["compiled"] == 0  # every text came from the file


def test_a_damaged_or_foreign_file_is_ignored_and_written_anew(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    _run(path)
    good = path.read_bytes()
    for bad in (good[: len(good) // 2], b"not a cache at all", b"\x00" * 40):
        path.write_bytes(bad)
        found = _run(path)
        _behaves(found)
        assert found["loaded"] == 0 and found["compiled"] > 0
        assert path.read_bytes() == good  # the same texts, the same code: the same bytes


def test_nothing_is_written_without_bytecode_writing(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    found = _run(path, "-B")  # as PYTHONDONTWRITEBYTECODE: Python's own rule for .pyc
    _behaves(found)
    assert not path.exists()


def test_the_command_line_fills_the_cache_beside_its_bytecode(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(prefix)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "archscan", "--help"], capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, done.stderr
        assert "analyze" in done.stdout
    files = list(prefix.rglob("dataclass_methods.*.marshal"))
    assert len(files) == 1
    assert files[0].stat().st_size > 10_000  # the command line's classes, not an empty file
    assert not list(prefix.rglob("*.tmp"))


# Hands an object to keep_until_exit outside and then inside the command line's process
# (main's pid), and prints whether each was freed once its last reference went.
_KEEP = r"""
import gc, os, sys, weakref
from archscan import startup


class Big:
    pass


def handed(inside):
    startup._command_line = os.getpid() if inside else 0
    big = Big()
    ref = weakref.ref(big)
    startup.keep_until_exit(big, None)
    del big
    gc.collect()
    return ref() is not None


print(handed(False), handed(True))
"""


def test_only_the_command_line_leaves_its_last_results_to_the_exit() -> None:
    done = subprocess.run([sys.executable, "-c", _KEEP], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]  # a library caller's memory is freed
