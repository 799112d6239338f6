"""Worst cases of issue 12 at full size: time, peak memory, exit code, traceback, markers.

Builds each hostile repository in a temporary folder (nothing is downloaded), runs
``archscan analyze`` on it as a user would (a real process, 120 s limit) with ``--jobs 1``
and ``--jobs 2``, and prints one row per case: seconds, exit codes, whether a traceback
was printed, whether a program the
repository names ran, and whether archscan.json was byte-identical across the runs.
Extra arguments are real repositories to run the same checks on (overhead and
determinism of the hardening on real history). The last line is the peak RSS of any
process run.

    python benchmarks/hostile_inputs.py [REPO ...] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
DEEP = "/".join(f"d{n}" for n in range(40))
EVIL_GLOB = "**/**/**/**/**/**/**/**/**/zz"
NESTED = "[" * 1100 + "]" * 1100


def git(root: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True, env=ENV
    )
    return done.stdout.decode("utf-8", "replace")


def init(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Alice")
    git(root, "config", "user.email", "alice@example.com")
    return root


def write(root: Path, path: str, content: str | bytes) -> None:
    full = root / path
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_bytes(content if isinstance(content, bytes) else content.encode())


def commit(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def marker(base: Path, name: str) -> tuple[Path, Path]:
    program, ran = base / f"{name}.sh", base / f"{name}.ran"
    program.write_text(f"#!/bin/sh\ntouch '{ran}'\nexit 0\n")
    program.chmod(0o755)
    return program, ran


@dataclass
class Case:
    root: Path
    markers: list[Path] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    interrupt: bool = False
    before_each: Callable[[], None] | None = None  # restore the damage before each run


def partial_clone(base: Path) -> Case:
    origin = init(base / "origin")
    git(origin, "config", "uploadpack.allowFilter", "true")
    for n in range(20):
        write(origin, "app.py", f"v = {n}\n" * (n + 1))
        commit(origin)
    clone = base / "clone"
    git(base, "clone", "-q", "--no-local", "--filter=blob:none", origin.as_uri(), str(clone))
    program, ran = marker(base, "ext")
    git(clone, "config", "remote.origin.url", f"ext::{program}")
    git(clone, "config", "protocol.ext.allow", "always")
    return Case(clone, [ran])


def programs(base: Path) -> Case:
    root = init(base / "repo")
    write(root, ".gitattributes", "*.py diff=evil\n")
    for n in range(3):
        write(root, "app.py", f"a = {n}\n")
        commit(root)
    made = {n: marker(base, n) for n in ("gpg", "textconv", "external", "fsmonitor")}
    for key, name in (
        ("gpg.program", "gpg"),
        ("diff.evil.textconv", "textconv"),
        ("diff.external", "external"),
        ("core.fsmonitor", "fsmonitor"),
    ):
        git(root, "config", key, str(made[name][0]))
    git(root, "config", "log.showSignature", "true")
    return Case(root, [ran for _p, ran in made.values()])


def branch_injection(base: Path) -> Case:
    root = init(base / "repo")
    target = base / "written-by-git"
    write(root, "archscan.toml", f'[history]\nbranch = "--output={target}"\n')
    write(root, "a.py", "a = 1\n")
    commit(root)
    return Case(root, [target])


def outside_files(base: Path) -> Case:
    root = init(base / "repo")
    (base / "teams.csv").write_text("author,team\nAlice,SECRET-TEAM\n")
    (base / "mailmap").write_text("SECRET-NAME <s@x> <alice@example.com>\n")
    write(root, "archscan.toml", f'[history]\nteam_map = "{base / "teams.csv"}"\n')
    write(root, "a.py", "a = 1\n")
    commit(root)
    git(root, "config", "mailmap.file", str(base / "mailmap"))
    return Case(root)


def hostile_settings(base: Path) -> Case:
    root = init(base / "repo")
    for n in range(30):
        write(root, f"m{n % 5}.py", f"x = {n}\n" * (n + 1))
        commit(root)
    config = base / "global.gitconfig"
    config.write_text(
        "[log]\n\tshowRoot = false\n[i18n]\n\tlogOutputEncoding = UTF-16\n"
        "[core]\n\tbigFileThreshold = 1\n[diff]\n\talgorithm = histogram\n"
    )
    git(root, "config", "log.showRoot", "false")
    git(root, "config", "i18n.logOutputEncoding", "UTF-16")
    return Case(root, env={"GIT_CONFIG_GLOBAL": str(config)})


def rename_20000(base: Path) -> Case:
    root = init(base / "repo")
    for n in range(20000):
        write(root, f"old/f{n}.py", f"value_{n} = {n}\nother = {n * 7}\n")
    commit(root, "add")
    git(root, "mv", "old", "new")
    for n in range(0, 20000, 2):
        write(root, f"new/f{n}.py", f"value_{n} = {n}\nother = {n * 7}\nmore = 1\n")
    commit(root, "move and edit")
    git(root, "config", "diff.renameLimit", "0")
    return Case(root)


def glob_exclude(base: Path) -> Case:
    root = init(base / "repo")
    write(root, "archscan.toml", f'exclude = ["{EVIL_GLOB}"]\n')
    write(root, f"{DEEP}/file.py", "import os\n")
    commit(root)
    return Case(root)


def glob_gitignore(base: Path) -> Case:
    root = base / "plain"
    write(root, ".gitignore", f"{EVIL_GLOB}\n")
    write(root, f"{DEEP}/file.py", "import os\n")
    return Case(root)


def ticket_regex(base: Path) -> Case:
    root = init(base / "repo")
    write(root, "archscan.toml", '[history]\ncoupling_by = "ticket"\nticket_pattern = "(a+)+$"\n')
    write(root, "a.py", "a = 1\n")
    commit(root, "a" * 34 + "!")
    return Case(root)


def undecodable_names(base: Path) -> Case:
    root = init(base / "repo")
    write(root, os.fsdecode(b"caf\xe9.py"), "import ok\n")
    write(root, "ok.py", "x = 1\n")
    write(root, "pyproject.toml", b"[project]\nname = 'caf\xe9'\n")
    commit(root)
    return Case(root, args=["--cache-dir", str(base / "cache")])


def out_is_a_file(base: Path) -> Case:
    root = init(base / "repo")
    write(root, "a.py", "a = 1\n")
    commit(root)
    (base / "a-file").write_text("")
    return Case(root, args=["--out", str(base / "a-file")])


def corrupt_cache(base: Path) -> Case:
    root = init(base / "repo")
    for n in range(50):
        write(root, f"m{n}.py", f"import m{(n + 1) % 50}\n")
    commit(root)
    cache = base / "cache"
    cache.mkdir()

    def damage() -> None:
        # the cache holds folders too (outputs/, layouts/): each run starts from nothing
        shutil.rmtree(cache)
        cache.mkdir()
        (cache / "facts.sqlite").write_bytes(b"not a database" * 100)

    return Case(root, args=["--cache-dir", str(cache)], before_each=damage)


def deep_json(base: Path) -> Case:
    root = init(base / "repo")
    write(root, "package.json", '{"x": ' + NESTED + "}")
    write(root, "composer.json", '{"autoload": ' + NESTED + "}")
    write(root, "tsconfig.json", '{"compilerOptions": ' + NESTED + "}")
    write(root, "app.ts", "import { y } from './util';\n")
    write(root, "util.ts", "export const y = 1;\n")
    configs = root / "configs"
    configs.mkdir()
    for n in range(3000):
        (configs / f"c{n}.json").write_text(json.dumps({"extends": f"./c{n + 1}.json"}))
    write(root, "web/tsconfig.json", '{"extends": "../configs/c0.json"}')
    write(root, "web/a.ts", "import { b } from 'bare-name';\n")
    commit(root)
    return Case(root)


def truncated_index(base: Path) -> Case:
    root = init(base / "repo")
    for n in range(500):
        write(root, f"pkg/m{n}.py", "import os\n")
    commit(root)
    index = root / ".git" / "index"
    index.write_bytes(index.read_bytes()[:4000])
    return Case(root)


def ctrl_c(base: Path) -> Case:
    root = init(base / "repo")
    for n in range(3000):
        write(root, f"pkg/m{n}.py", f"from pkg import m{(n + 1) % 3000}\n" + "x = 1\n" * 40)
    commit(root)
    return Case(root, interrupt=True, args=["--no-cache"])


CASES: dict[str, Callable[[Path], Case]] = {
    "partial-clone-ext": partial_clone,
    "repo-programs": programs,
    "branch-injection": branch_injection,
    "outside-files": outside_files,
    "hostile-settings": hostile_settings,
    "rename-20000": rename_20000,
    "glob-exclude": glob_exclude,
    "glob-gitignore": glob_gitignore,
    "ticket-regex": ticket_regex,
    "undecodable-names": undecodable_names,
    "out-is-a-file": out_is_a_file,
    "corrupt-cache": corrupt_cache,
    "deep-json": deep_json,
    "truncated-index": truncated_index,
    "ctrl-c": ctrl_c,
}


@dataclass
class Run:
    seconds: float
    code: int
    traceback: bool
    report: bytes | None


def run_archscan(case: Case, out: Path, jobs: int) -> Run:
    if case.before_each is not None:
        case.before_each()
    args = ["--out", str(out), *case.args] if "--out" not in case.args else case.args
    command = [sys.executable, "-m", "archscan", "analyze", str(case.root), "-q"]
    command += [*args, "--jobs", str(jobs)]
    if "--cache-dir" not in args and "--no-cache" not in args:
        command.append("--no-cache")
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **case.env},
        start_new_session=True,
    )
    if case.interrupt:
        while not out.exists() and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGINT)
    try:
        _stdout, stderr = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    if b"Traceback" in stderr:
        sys.stderr.write(stderr.decode("utf-8", "replace")[-4000:])
    report = out / "archscan.json"
    return Run(
        seconds,
        proc.returncode,
        b"Traceback" in stderr,
        report.read_bytes() if report.is_file() else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--only", action="append", default=[])
    options = parser.parse_args()
    print("| case | jobs=1 s | jobs=2 s | exits | traceback | program ran | identical |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, Case]] = []
        for name, build in CASES.items():
            if not options.only or name in options.only:
                cases.append((name, build(Path(tmp) / name)))
        for repo in options.repos:
            cases.append((f"real:{repo.name}", Case(repo.resolve())))
        for name, case in cases:
            runs = [run_archscan(case, Path(tmp) / f"out-{name}-{j}", j) for j in (1, 2)]
            ran = [m.name for m in case.markers if m.exists()]
            reports = {r.report for r in runs}
            identical = "n/a" if None in reports else ("yes" if len(reports) == 1 else "NO")
            print(
                f"| {name} | {runs[0].seconds:.2f} | {runs[1].seconds:.2f} | "
                f"{'/'.join(str(r.code) for r in runs)} | "
                f"{'YES' if any(r.traceback for r in runs) else 'no'} | "
                f"{', '.join(ran) or 'no'} | {identical} |",
                flush=True,
            )
    # the largest resident set of any archscan run (or git process it waited for)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\npeak RSS over all runs: {peak:.0f} MB")


if __name__ == "__main__":
    main()
