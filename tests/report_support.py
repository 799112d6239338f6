"""Shared by the report tests: the fixed document, a repository with hostile names,
and the archscan command run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import GitRepo

GOLDEN = Path(__file__).resolve().parent / "golden"

# Names that must reach HTML and terminals as text: markup, template syntax, URLs,
# terminal escapes. Folders make the "/" of "</script>" possible in a path.
HOSTILE_FILES = {
    "<script>alert(1)</script>.py": "import ok\n",
    '"><img src=x onerror=alert(2)>.py': "import ok\n",
    "{{7*7}}.py": "def f(x):\n    return x if x else 0\n",
    "javascript:alert(3).py": "import ok\n",
    "[/]/markup.py": "import ok\n",
    "esc\x1b[2J\x1b[31mred.py": "import ok\n",
    "ok.py": "X = 1\n",
}
# git drops "<" and ">" from author names; what remains must still stay text. The
# first author writes the most lines, so is every file's main developer.
HOSTILE_AUTHORS = (
    "{{7*7}} \x1b[31mRed <red@example.com>",
    "<script>alert(4)</script> <evil@example.com>",
    '"><img src=x onerror=alert(5)> <img@example.com>',
)


def fixed_document() -> dict[str, Any]:
    """A saved analysis of the example shop with every later section filled in
    (contexts, assessment, data access, services, roles, teams)."""
    return json.loads((GOLDEN / "document.json").read_text(encoding="utf-8"))


def make_hostile_repo(root: Path) -> GitRepo:
    repo = GitRepo(root)
    for round_ in range(6):
        for path, content in HOSTILE_FILES.items():
            repo.write(path, content + f"# {round_}\n")
        author = HOSTILE_AUTHORS[round_ % len(HOSTILE_AUTHORS)]
        repo.commit(
            f"</script><script>alert(6)</script> {{{{7*7}}}} round {round_}",
            author=author,
            date=f"2024-0{round_ + 1}-01T12:00:00+00:00",
        )
    return repo


def archscan(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archscan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "160", **(env or {})},
    )
