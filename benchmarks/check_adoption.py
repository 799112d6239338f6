#!/usr/bin/env python3
"""Adopting `archscan check` on a real repository, end to end, on a throw-away clone.

python benchmarks/check_adoption.py REPO --config FILE --file PATH --after LINE --add TEXT
    [--export import-linter|dependency-cruiser] [--sarif-schema FILE] [--tools DIR]

1. baseline (written into the clone), 2. check -> 0, 3. TEXT inserted after line LINE
of PATH -> check exits 1 and names PATH:LINE+1, 4. the SARIF of that run validated
against the official schema (when --sarif-schema is given), 5. the line removed ->
check exits 0, 6. with --export: the exported rules pass the tool's own check on the
clone and fail with the added line. Prints one line per step; the clone is deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ARCHSCAN = [sys.executable, "-m", "archscan"]


def _run(
    command: list[str], cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}
    )


def _check(clone: Path, config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run([*ARCHSCAN, "check", str(clone), "--config", str(config), *extra])


def _export(tool: str, clone: Path, config: Path, out: Path) -> None:
    """The exported files, copied into the clone as a team would commit them."""
    command = [*ARCHSCAN, "export", str(clone), "--to", tool, "--config", str(config)]
    done = _run([*command, "--out", str(out)])
    if done.returncode:
        sys.exit(done.stderr)
    for item in out.iterdir():
        (clone / item.name).write_text(item.read_text())


def _tool(tool: str, clone: Path, tools: Path) -> int:
    if tool == "import-linter":
        lint = Path(sys.executable).parent / "lint-imports"
        return _run([str(lint)], cwd=clone, PYTHONPATH=f"{clone}/src:{clone}").returncode
    depcruise = tools / "node_modules" / ".bin" / "depcruise"
    tracked = _run(["git", "ls-files"], cwd=clone).stdout.split()
    scripts = (".js", ".ts", ".mjs", ".cjs")
    source = sorted({p.split("/")[0] for p in tracked if p.endswith(scripts) and "/" in p})
    known = ".dependency-cruiser-known-violations.json"
    command = [str(depcruise), *source, "--config", ".dependency-cruiser.json"]
    return _run([*command, "--ignore-known", known], cwd=clone).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--after", type=int, required=True)
    parser.add_argument("--add", required=True)
    parser.add_argument("--export", choices=("import-linter", "dependency-cruiser"))
    parser.add_argument("--sarif-schema", type=Path)
    parser.add_argument("--tools", type=Path, default=Path(".ci-tools/node").resolve())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archscan-adoption-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(args.repo), str(clone)], check=True)
        head = _run(["git", "rev-parse", "--short", "HEAD"], cwd=clone).stdout.strip()
        print(f"{args.repo} at {head}")
        baseline = clone / "archscan-baseline.json"
        done = _run(
            [
                *ARCHSCAN,
                "baseline",
                str(clone),
                "--config",
                str(args.config),
                "--output",
                str(baseline),
            ]
        )
        entries = len(json.loads(baseline.read_text())["violations"])
        print(f"baseline: exit {done.returncode}, {entries} known violations")
        print(f"check with the baseline: exit {_check(clone, args.config).returncode}")
        if args.export:
            _export(args.export, clone, args.config, Path(tmp) / "exported")
            before = _tool(args.export, clone, args.tools)
        target = clone / args.file
        original = target.read_text()
        lines = original.splitlines(keepends=True)
        lines.insert(args.after, args.add + "\n")
        target.write_text("".join(lines))
        broken = _check(clone, args.config)
        where = f"{args.file}:{args.after + 1}"
        named = [line for line in broken.stdout.splitlines() if where in line]
        print(f"check after the added line: exit {broken.returncode}; lines naming {where}:")
        for line in named:
            print(f"    {line[:160]}")
        if args.sarif_schema:
            import jsonschema

            sarif = json.loads(_check(clone, args.config, "--format", "sarif").stdout)
            schema = json.loads(args.sarif_schema.read_text())
            jsonschema.Draft7Validator(schema).validate(sarif)
            print(f"SARIF valid: {len(sarif['runs'][0]['results'])} results")
        if args.export:
            after = _tool(args.export, clone, args.tools)
            print(
                f"{args.export} on the exported rules: exit {before} as is, {after} with the line"
            )
        target.write_text(original)
        fixed = _check(clone, args.config)
        print(f"check after removing it: exit {fixed.returncode}; {fixed.stdout.splitlines()[-1]}")


if __name__ == "__main__":
    main()
