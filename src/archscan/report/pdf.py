"""The ``pdf`` reporter: the HTML report printed by a local headless Chromium.

archscan never downloads a browser: it uses ``$ARCHSCAN_CHROMIUM`` or the first of
chromium, chromium-browser, google-chrome found on PATH, and says clearly when there is
none (checked before the analysis starts). The print stylesheet of the HTML report lays
the pages out. PDF bytes carry Chromium's creation date, so unlike json/md/html they are
not byte-identical across runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from archscan.report.registry import RenderOptions

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
TIMEOUT_SECONDS = 180


class PdfError(RuntimeError):
    """Chromium is missing or failed to print."""


def find_chromium() -> str | None:
    configured = os.environ.get("ARCHSCAN_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def render(document: dict[str, Any], options: RenderOptions) -> bytes:
    from archscan.report.html import render as render_html

    browser = find_chromium()
    if browser is None:
        raise PdfError("no local Chromium to print the PDF with (install chromium)")
    with tempfile.TemporaryDirectory(prefix="archscan-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(render_html(document, options), encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"Chromium failed to print the report: {exc}") from exc
        if not target.is_file():
            raise PdfError(f"Chromium ({browser}) did not write a PDF")
        return target.read_bytes()
