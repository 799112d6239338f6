"""The reporters: one registry from format name to output file and render function.

Every reporter renders the ``archscan.json`` DOCUMENT (a dict), never the in-memory
analysis, so a saved analysis re-renders byte-identically (``archscan report``) and
every figure a reporter shows is in the JSON. As in dependency-cruiser's reporter map,
adding a format is one module with a ``render(document, options)`` function and one
entry below; the module is imported only when the format is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from archscan.forks import Forked

Document = dict[str, Any]


@dataclass(frozen=True)
class RenderOptions:
    templates: Path | None = None  # a branded copy of report_templates/ (overrides by name)
    # Compiled templates are kept in cache_dir/templates (None: compiled on every run).
    cache_dir: Path | None = None


@dataclass(frozen=True)
class Reporter:
    name: str
    file_name: str
    target: str  # "module:function" rendering (document, options) -> str | bytes
    summary: str

    def render(self, document: Document, options: RenderOptions) -> str | bytes:
        module, _, function = self.target.partition(":")
        render: Callable[[Document, RenderOptions], str | bytes] = getattr(
            importlib.import_module(module), function
        )
        return render(document, options)


REPORTERS: dict[str, Reporter] = {
    reporter.name: reporter
    for reporter in (
        Reporter("json", "archscan.json", "archscan.report.registry:render_json", "the contract"),
        Reporter("md", "report.md", "archscan.report.markdown:render", "Markdown summary"),
        Reporter("html", "report.html", "archscan.report.html:render", "self-contained HTML"),
        Reporter("pdf", "report.pdf", "archscan.report.pdf:render", "HTML printed by Chromium"),
    )
}


class FormatError(ValueError):
    """An unknown or unusable output format (a usage error)."""


def render_json(document: Document, options: RenderOptions) -> bytes:
    """The one serialisation of the document: analyze and report write the same bytes
    (``fastjson``: the bytes of ``json.dumps(indent=2)``, 20x faster on a large document),
    kept as bytes (ASCII): a 17 MB str would be encoded again to be written."""
    from archscan.report.json_report import json_bytes

    return json_bytes(document)


def parse_formats(value: str, allowed: Iterable[str] | None = None) -> tuple[str, ...]:
    """``json,md,html`` -> the chosen reporters' names, validated before any work."""
    names = tuple(allowed or REPORTERS)
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in names]
    if unknown or not chosen:
        raise FormatError(
            f"unknown format(s) {', '.join(unknown) or repr(value)}; choose from {', '.join(names)}"
        )
    if "pdf" in chosen:
        from archscan.report.pdf import find_chromium

        if find_chromium() is None:
            raise FormatError(
                "--format pdf needs a local Chromium (chromium, chromium-browser or "
                "google-chrome on PATH, or ARCHSCAN_CHROMIUM); none is installed. "
                "Use --format html and print it from a browser."
            )
    return chosen


def write_reports(
    document: Document,
    formats: Sequence[str],
    out: Path,
    options: RenderOptions,
    alongside: Callable[[], object] | None = None,
) -> list[Path]:
    """Render each chosen format into ``out``; returns the files written, in order.

    The HTML report, the slowest to render (0.4 s of saleor's 0.65 s), is rendered in a
    forked child while this process renders the others and runs ``alongside`` (work of
    the caller's that needs no report), when there is such other work and forking is
    safe (forks.can_fork); the files are the same either way (a failing child: see
    _forked_file)."""
    from archscan.outputs import prepare_out_dir

    prepare_out_dir(out)
    others = [name for name in formats if name != FORKED]
    child = None
    if FORKED in formats and (others or alongside):
        # imported here: the child then runs code already loaded, and never imports
        importlib.import_module(REPORTERS[FORKED].target.partition(":")[0])
        child = Forked.start(partial(_write_one, FORKED, document, options, out))
    try:
        written = {name: _write_one(name, document, options, out) for name in others}
        if alongside is not None:
            alongside()
        if FORKED in formats:
            written[FORKED] = _forked_file(child) or _write_one(FORKED, document, options, out)
    finally:
        if child is not None:
            child.stop()
    return [written[name] for name in formats]


def _forked_file(child: Forked[Path] | None) -> Path | None:
    """The file the child wrote; None when there is no child or it failed: then this
    process renders the report itself, so that an error (a branded template that
    raises) is raised as a run without the child would raise it."""
    if child is None:
        return None
    try:
        sent, path = child.result()
    except Exception:  # noqa: BLE001 - rendered again here, where it is raised as is
        return None
    return path if sent else None


FORKED = "html"  # the format rendered in a child process of its own, when it can be


def _write_one(name: str, document: Document, options: RenderOptions, out: Path) -> Path:
    from archscan.outputs import write_bytes_atomic, write_text_atomic

    reporter = REPORTERS[name]
    target = out / reporter.file_name
    content = reporter.render(document, options)
    if isinstance(content, bytes):
        return write_bytes_atomic(target, content)
    return write_text_atomic(target, content)
