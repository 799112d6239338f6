"""Load a saved ``archscan.json``: the input of ``archscan report`` and of every
terminal view run with ``--from`` (hotspots, coupling, owners, and later contexts and
assess), so none of them re-runs the analysis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SUPPORTED_MAJOR = "1"


class DocumentError(ValueError):
    """The file is not an archscan.json archscan can read (a usage error)."""


def load_document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot read {path}: {exc}") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(document, dict) or "schema_version" not in document:
        raise DocumentError(f"{path} is not an archscan.json (no schema_version)")
    version = str(document["schema_version"])
    if version.split(".")[0] != SUPPORTED_MAJOR:
        raise DocumentError(
            f"{path} has schema_version {version}; this archscan reads {SUPPORTED_MAJOR}.x"
        )
    return document
