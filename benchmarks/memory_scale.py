#!/usr/bin/env python3
"""Peak memory of a cold run on a generated 5,000-file, 50,000-commit repository.

python benchmarks/memory_scale.py OUT_DIR [--files 5000] [--commits 50000] [--seed 11]
                                  [--mass-commits 2] [--no-lifted] [--keep]

Generates (with ``git fast-import``, deterministic for a seed) a Python repository in
OUT_DIR/repo: FILES modules in packages of 100 that import each other, one commit adding
them all, then COMMITS commits by 12 authors (a few dominant, as in real projects), each
touching 1-5 modules (30% of them one of FILES/25 feature groups of 2-6 modules that
change together); every 500th touches 100-400 modules, every 250th renames one, and
MASS_COMMITS commits touch every file at once. Then runs ``archscan analyze`` on it,
cold (empty cache dir), with history and ``--timings``:
  default   the default configuration (commits over ``max_changeset_size`` left out)
  lifted    ``max_changeset_size = 100000`` (the mass commits are counted: the pair
            budget must bound memory; --no-lifted skips it)
and prints each run's wall time, CPU seconds and the peak RSS of the largest process of
its tree (git included: getrusage(RUSAGE_CHILDREN) of a wrapper, as benchmarks/speed.py)
against the goal of 1 GiB, then the per-phase timings.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.buffer.write(proc.stderr)
print(f"{wall} {usage.ru_maxrss} {proc.returncode} {usage.ru_utime + usage.ru_stime}")
"""
GOAL_MIB = 1024
_AUTHORS = [(f"Dev {n}", f"dev{n}@example.com") for n in range(12)]
_AUTHOR_WEIGHTS = [30, 20, 12, 8, 6, 5, 4, 4, 3, 3, 3, 2]
_START = 1_420_070_400  # 2015-01-01


class Modules:
    """The modules' paths (renames change them) and each one's revision counter."""

    def __init__(self, count: int, rng: random.Random) -> None:
        self.paths = [f"src/app/pkg{i // 100:02d}/mod{i:04d}.py" for i in range(count)]
        self.revision = [0] * count
        # Imports fixed per module: mostly its own package, some others.
        self.imports = [self._pick_imports(i, count, rng) for i in range(count)]
        # Features: small groups of modules that change together (temporal coupling).
        self.groups = [
            rng.sample(range(count), rng.randint(2, min(6, count))) for _ in range(count // 25)
        ]

    @staticmethod
    def _pick_imports(i: int, count: int, rng: random.Random) -> list[int]:
        package = (i // 100) * 100
        near = [rng.randrange(package, min(package + 100, count)) for _ in range(rng.randint(1, 4))]
        far = [rng.randrange(count) for _ in range(rng.randint(0, 3))]
        return sorted({j for j in near + far if j != i})

    def module_name(self, j: int) -> str:
        return self.paths[j][len("src/") : -len(".py")].replace("/", ".")

    def content(self, i: int) -> bytes:
        rev = self.revision[i]
        lines = [f"from {self.module_name(j)} import f0\n" for j in self.imports[i]]
        lines.append(f"\nVERSION = {rev}\n")
        for n in range(3 + rev % 5):
            body = "    if x > 1:\n        return x * 2\n" if (n + rev) % 3 == 0 else ""
            lines.append(f"\n\ndef f{n}(x):\n{body}    return x + {n + rev}\n")
        return "".join(lines).encode()


def _blob(data: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(data), data)


def _commit(
    mark: int, when: int, rng: random.Random, message: str, body: list[bytes]
) -> Iterator[bytes]:
    name, email = rng.choices(_AUTHORS, _AUTHOR_WEIGHTS)[0]
    yield b"commit refs/heads/main\nmark :%d\n" % mark
    ident = f"{name} <{email}> {when} +0000".encode()
    yield b"author " + ident + b"\ncommitter " + ident + b"\n"
    yield _blob(message.encode())
    if mark > 1:
        yield b"from :%d\n" % (mark - 1)
    yield from body
    yield b"\n"


def _modify(modules: Modules, indices: list[int]) -> list[bytes]:
    out = []
    for i in sorted(set(indices)):
        modules.revision[i] += 1
        out.append(b"M 100644 inline %s\n" % modules.paths[i].encode() + _blob(modules.content(i)))
    return out


def _rename(modules: Modules, i: int, serial: int) -> list[bytes]:
    old = modules.paths[i]
    modules.paths[i] = old[: -len(".py")].split("_r")[0] + f"_r{serial}.py"
    return [f"R {old} {modules.paths[i]}\n".encode()]


def stream(files: int, commits: int, mass: int, seed: int) -> Iterator[bytes]:
    """The fast-import stream of the whole history."""
    rng = random.Random(seed)
    modules = Modules(files, rng)
    when = _START
    yield from _commit(1, when, rng, "initial import", _modify(modules, list(range(files))))
    mass_at = {commits * (k + 1) // (mass + 1) for k in range(mass)}
    for n in range(1, commits + 1):
        when += rng.randint(60, 7200)
        if n in mass_at:
            body, message = _modify(modules, list(range(files))), f"reformat everything {n}"
        elif n % 500 == 0:
            picked = rng.sample(range(files), rng.randint(100, min(400, files)))
            body, message = _modify(modules, picked), f"large change {n}"
        elif n % 250 == 0:
            body, message = _rename(modules, rng.randrange(files), n), f"rename {n}"
        elif modules.groups and rng.random() < 0.3:
            picked = list(rng.choice(modules.groups))
            body, message = _modify(modules, picked), f"feature {n}"
        else:
            package = rng.randrange(max(files // 100, 1)) * 100
            picked = [
                min(package + rng.randrange(100), files - 1) for _ in range(rng.randint(1, 5))
            ]
            body, message = _modify(modules, picked), f"change {n}"
        yield from _commit(n + 1, when, rng, message, body)


def generate(repo: Path, files: int, commits: int, mass: int, seed: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    chunk: list[bytes] = []
    for part in stream(files, commits, mass, seed):
        chunk.append(part)
        if len(chunk) >= 4096:
            proc.stdin.write(b"".join(chunk))
            chunk = []
    proc.stdin.write(b"".join(chunk) + b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "main"], check=True)


def measure(command: list[str]) -> tuple[float, float, float, str]:
    """(wall s, peak RSS MiB of the largest process in the tree, CPU s, stderr)."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=True
    )
    wall, peak, code, cpu = done.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return float(wall), int(peak) / 1024, float(cpu), done.stderr


def analyze(repo: Path, work: Path, name: str, *extra: str) -> None:
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)  # cold: no parse or history cache
    command = [sys.executable, "-m", "archscan", "analyze", str(repo)]
    command += ["--out", str(work / f"out-{name}"), "--cache-dir", str(cache)]
    command += ["--quiet", "--timings", *extra]
    wall, peak, cpu, timings = measure(command)
    verdict = "under" if peak < GOAL_MIB else "OVER"
    print(f"{name:<8} wall {wall:7.1f} s  CPU {cpu:7.1f} s  peak RSS {peak:7.0f} MiB")
    print(f"         {verdict} the {GOAL_MIB} MiB goal")
    print("".join(f"           {line}\n" for line in timings.strip().splitlines()), end="")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--mass-commits", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-lifted", action="store_true", help="skip the lifted-cap run")
    parser.add_argument("--keep", action="store_true", help="reuse OUT_DIR/repo if present")
    args = parser.parse_args()
    work = args.out.resolve()
    repo = work / "repo"
    if not (args.keep and repo.is_dir()):
        shutil.rmtree(repo, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        generate(repo, args.files, args.commits, args.mass_commits, args.seed)
    count = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"{repo}: {args.files} files, {count} commits (seed {args.seed})")
    git_alone = ["git", "-C", str(repo), "log", "-z", "--no-merges", "--numstat", "-M"]
    wall, peak, cpu, _ = measure(git_alone)
    print(f"git log --numstat -M alone: wall {wall:.1f} s  CPU {cpu:.1f} s  peak {peak:.0f} MiB")
    analyze(repo, work, "default")
    if not args.no_lifted:
        lifted = work / "lifted.toml"  # outside the repository: never write into it
        lifted.write_text("[history]\nmax_changeset_size = 100000\n", encoding="utf-8")
        analyze(repo, work, "lifted", "--config", str(lifted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
