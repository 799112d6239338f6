"""The repository path given on the command line: checked before any work.

Apart from the pipeline so that the command line can check a path (and a warm run
answer from the run cache) without importing every stage.
"""

from __future__ import annotations

import os
from pathlib import Path


class InputError(ValueError):
    """The repository path cannot be analysed (missing, not a directory, unreadable)."""


def check_repository(root: Path) -> Path:
    if not root.exists():
        raise InputError(f"path does not exist: {root}")
    if not root.is_dir():
        raise InputError(f"not a directory: {root}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise InputError(f"cannot read directory: {root}")
    return root.resolve()
