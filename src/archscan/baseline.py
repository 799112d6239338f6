"""The baseline: known violations, a file meant to be committed in the repository.

``archscan check`` fails only on violations whose fingerprint is not in it. The file
says which archscan version wrote it and which repository it belongs to (its root
commits: the same in every clone), so a baseline copied from elsewhere is reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archscan import __version__, gitio
from archscan.errors import ConfigError
from archscan.rules.base import Violation

BASELINE_FORMAT = 1
DEFAULT_BASELINE = "archscan-baseline.json"


@dataclass(frozen=True)
class RepositoryIdentity:
    name: str  # the folder name (for messages only: clones are named freely)
    root_commits: tuple[str, ...]  # what identifies the repository; () outside git
    shallow: bool = False  # a shallow clone's roots are its cut-off, not the true roots


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    name: str
    file: str
    message: str


@dataclass(frozen=True)
class Baseline:
    archscan_version: str
    repository: RepositoryIdentity
    entries: tuple[BaselineEntry, ...]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)


def repository_identity(root: Path) -> RepositoryIdentity:
    if not gitio.is_git_repo(root):
        return RepositoryIdentity(name=root.name, root_commits=())
    shallow = gitio.run_git(root, ["rev-parse", "--is-shallow-repository"], check=False)
    roots = gitio.run_git(root, ["rev-list", "--max-parents=0", "HEAD"], check=False)
    return RepositoryIdentity(
        name=root.name,
        root_commits=tuple(sorted(roots.decode().split())),
        shallow=shallow.strip() == b"true",
    )


def make_baseline(violations: Iterable[Violation], identity: RepositoryIdentity) -> Baseline:
    entries = {
        v.fingerprint: BaselineEntry(v.fingerprint, v.rule, v.name or v.rule, v.file, v.message)
        for v in violations
    }
    ordered = sorted(entries.values(), key=lambda e: (e.file, e.rule, e.fingerprint))
    return Baseline(__version__, identity, tuple(ordered))


def dumps_baseline(baseline: Baseline) -> str:
    data = {
        "archscan_baseline": BASELINE_FORMAT,
        "archscan_version": baseline.archscan_version,
        "repository": {
            "name": baseline.repository.name,
            "root_commits": list(baseline.repository.root_commits),
        },
        "violations": [
            {
                "fingerprint": e.fingerprint,
                "rule": e.rule,
                "name": e.name,
                "file": e.file,
                "message": e.message,
            }
            for e in baseline.entries
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=True) + "\n"


def _entry(raw: Any, where: str) -> BaselineEntry:
    keys = ("fingerprint", "rule", "name", "file", "message")
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in keys):
        raise ConfigError(f"{where}: each violation needs string fields {', '.join(keys)}")
    return BaselineEntry(*(raw[k] for k in keys))


def load_baseline(path: Path) -> Baseline:
    """Read a baseline; anything unreadable or malformed is a clear error (exit 2)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"baseline {path} is corrupted ({exc}); regenerate it with `archscan baseline`"
        ) from exc
    if not isinstance(raw, dict) or raw.get("archscan_baseline") != BASELINE_FORMAT:
        raise ConfigError(
            f"{path} is not an archscan baseline (format {BASELINE_FORMAT}); "
            "regenerate it with `archscan baseline`"
        )
    repo = raw.get("repository")
    violations = raw.get("violations")
    if not isinstance(repo, dict) or not isinstance(violations, list):
        raise ConfigError(f"baseline {path} is corrupted (repository / violations missing)")
    roots = repo.get("root_commits", [])
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
        raise ConfigError(f"baseline {path}: repository.root_commits must be a list of ids")
    identity = RepositoryIdentity(name=str(repo.get("name", "")), root_commits=tuple(roots))
    entries = tuple(_entry(v, f"baseline {path}") for v in violations)
    return Baseline(str(raw.get("archscan_version", "")), identity, entries)


def identity_notes(baseline: Baseline, here: RepositoryIdentity) -> list[str]:
    """What makes this baseline questionable here (said, never silently ignored)."""
    notes = []
    if baseline.archscan_version != __version__:
        notes.append(
            f"the baseline was written by archscan {baseline.archscan_version or '?'}, this "
            f"is {__version__}: fingerprints may differ; regenerate it with `archscan baseline`"
        )
    theirs, ours = set(baseline.repository.root_commits), set(here.root_commits)
    if here.shallow:
        if theirs:
            notes.append("shallow clone: the baseline's repository cannot be verified")
    elif theirs and ours and not theirs & ours:
        notes.append(
            f"the baseline belongs to another repository ({baseline.repository.name}, root "
            f"commit {sorted(theirs)[0][:12]}), not this one ({here.name}); "
            "its entries may not apply"
        )
    return notes
