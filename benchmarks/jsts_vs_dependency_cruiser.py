#!/usr/bin/env python3
"""Compare archscan's JavaScript/TypeScript file-to-file edges with dependency-cruiser's.

    python benchmarks/jsts_vs_dependency_cruiser.py REPO --depcruise PATH/TO/depcruise
        [--ts-config tsconfig.json] [--link-workspaces] [--show 25] [--diff-out FILE] [--repeat 1]

dependency-cruiser (with ``typescript@5`` installed beside it; with TypeScript 7 it
silently reports no modules) is run on the whole repository as
``depcruise --no-config --ts-pre-compilation-deps [--ts-config F] -T json -x node_modules .``
(pre-compilation deps: type-only imports count, as they do in archscan). Both sides are
restricted to files both analyse: JavaScript/TypeScript files archscan parsed (minified
and vendored ones are skipped by archscan) that dependency-cruiser cruised. Prints edge
counts, precision and recall of archscan's edges against dependency-cruiser's, the
wall time of each tool (best of --repeat), and examples of edges only one tool has.

A checkout has no node_modules, so dependency-cruiser cannot follow an import of a
workspace package (``@scope/pkg``) the way it would after ``npm install``.
``--link-workspaces`` creates what the install would create for the workspaces only:
``node_modules/<name>`` symlinks to each workspace folder (found here with pathlib's
glob from package.json ``workspaces`` / pnpm-workspace.yaml, independently of
archscan), and removes them afterwards. Use it on a scratch copy of the repository.
dependency-cruiser is a test oracle, never a dependency of archscan.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from archscan.config import Config
from archscan.discover import discover
from archscan.parse import parse_files
from archscan.resolve import resolve_all

LANGUAGES = {"javascript", "typescript"}
Edges = set[tuple[str, str]]


def archscan_edges(root: Path) -> tuple[Edges, set[str], float]:
    start = time.perf_counter()
    found = discover(root, Config())
    parsed = parse_files(root, found.files, None, jobs=1)
    resolution = resolve_all(root, parsed.files, parsed.facts)
    elapsed = time.perf_counter() - start
    files = {f.path for f in parsed.files if f.language in LANGUAGES}
    files -= {
        path
        for path, facts in parsed.facts.items()
        if any(e.startswith("minified") for e in facts.errors)
    }
    edges = {(d.source, d.target) for d in resolution.dependencies}
    return edges, files, elapsed


def cruiser_edges(
    root: Path, depcruise: str, ts_config: str | None
) -> tuple[Edges, set[str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dc.json"
        command = [depcruise, "--no-config", "--ts-pre-compilation-deps", "-T", "json"]
        if ts_config:
            command += ["--ts-config", ts_config]
        command += ["-x", "node_modules", "-f", str(out), "."]
        start = time.perf_counter()
        subprocess.run(command, cwd=root, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        data = json.loads(out.read_text(encoding="utf-8"))
    modules = {m["source"] for m in data["modules"] if not m.get("coreModule")}
    edges = {
        (m["source"], d["resolved"])
        for m in data["modules"]
        for d in m.get("dependencies", [])
        if not d.get("couldNotResolve") and not d.get("coreModule")
    }
    return edges, modules, elapsed


def _workspace_dirs(root: Path) -> list[Path]:
    patterns: list[str] = []
    manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
    spaces = manifest.get("workspaces", [])
    patterns += spaces.get("packages", []) if isinstance(spaces, dict) else spaces
    pnpm = root / "pnpm-workspace.yaml"
    if pnpm.is_file():
        patterns += (yaml.safe_load(pnpm.read_text(encoding="utf-8")) or {}).get("packages", [])
    found: set[Path] = set()
    for pattern in patterns:
        negated = pattern.startswith("!")
        matched = {p.parent for p in root.glob(pattern.lstrip("!").rstrip("/") + "/package.json")}
        found = found - matched if negated else found | matched
    return sorted(p for p in found if "node_modules" not in p.parts)


@contextmanager
def linked_workspaces(root: Path, enabled: bool) -> Iterator[int]:
    """node_modules/<name> -> workspace folder, as a package manager's install links them."""
    created: list[Path] = []
    try:
        if enabled:
            for folder in _workspace_dirs(root):
                name = json.loads((folder / "package.json").read_text(encoding="utf-8")).get("name")
                link = root / "node_modules" / name if name else None
                if link is None or link.exists() or link.is_symlink():
                    continue
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(folder, target_is_directory=True)
                created.append(link)
        yield len(created)
    finally:
        for link in created:
            link.unlink()
            for parent in link.parents:
                if parent == root or any(parent.iterdir()):
                    break
                parent.rmdir()


def best_of(repeat: int, measure):  # type: ignore[no-untyped-def]
    results = [measure() for _ in range(max(repeat, 1))]
    return min(results, key=lambda r: r[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--depcruise", required=True, help="path of the depcruise executable")
    parser.add_argument("--ts-config", help="tsconfig for dependency-cruiser (repo-relative)")
    parser.add_argument("--link-workspaces", action="store_true")
    parser.add_argument("--show", type=int, default=25)
    parser.add_argument("--diff-out", type=Path, help="write every differing edge here")
    parser.add_argument("--repeat", type=int, default=1, help="timing: best of N runs")
    args = parser.parse_args()
    root = args.repo.resolve()
    ours, our_files, our_time = best_of(args.repeat, lambda: archscan_edges(root))
    with linked_workspaces(root, args.link_workspaces) as links:
        theirs, their_files, their_time = best_of(
            args.repeat, lambda: cruiser_edges(root, args.depcruise, args.ts_config)
        )
    common = our_files & their_files
    ours = {e for e in ours if e[0] in common and e[1] in common}
    theirs = {e for e in theirs if e[0] in common and e[1] in common}
    agree = ours & theirs
    precision = len(agree) / len(ours) if ours else 1.0
    recall = len(agree) / len(theirs) if theirs else 1.0
    print(f"repository: {root} (workspace links for dependency-cruiser: {links})")
    print(
        f"files: archscan {len(our_files)}, dependency-cruiser {len(their_files)}, "
        f"compared {len(common)}"
    )
    print(f"edges: archscan {len(ours)}, dependency-cruiser {len(theirs)}, both {len(agree)}")
    print(f"precision {precision:.4f}  recall {recall:.4f}")
    print(
        f"wall time (best of {args.repeat}): archscan {our_time:.2f}s, "
        f"dependency-cruiser {their_time:.2f}s"
    )
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    for title, rows in (("only archscan", only_ours), ("only dependency-cruiser", only_theirs)):
        print(f"{title}: {len(rows)}")
        for source, target in rows[: args.show]:
            print(f"  {source} -> {target}")
    if args.diff_out:
        lines = [f"+ {s} -> {t}" for s, t in only_ours] + [f"- {s} -> {t}" for s, t in only_theirs]
        args.diff_out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
