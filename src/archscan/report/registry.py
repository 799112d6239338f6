"""The reporters: one registry from format name to output file and render function.

Every reporter renders the ``archscan.json`` DOCUMENT (a dict), never the in-memory
analysis, so a saved analysis re-renders byte-identically (``archscan report``) and
every figure a reporter shows is in the JSON. As in dependency-cruiser's reporter map,
adding a format is one module with a ``render(document, options)`` function and one
entry below; the module is imported only when the format is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def render_json(document: Document, options: RenderOptions) -> str:
    """The one serialisation of the document: analyze and report write the same bytes
    (``fastjson``: the bytes of ``json.dumps(indent=2)``, 20x faster on a large document)."""
    from archscan.report.json_report import dumps_data

    return dumps_data(document)


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
    rendered: Mapping[str, str | bytes] | None = None,
) -> list[Path]:
    """Render each chosen format into ``out``; returns the files written, in order.
    ``rendered``: formats already rendered from this document (analyze has the JSON
    text it parsed the document from: the same bytes ``render_json`` would write)."""
    from archscan.outputs import prepare_out_dir, write_bytes_atomic, write_text_atomic

    prepare_out_dir(out)
    written = []
    for name in formats:
        reporter = REPORTERS[name]
        target = out / reporter.file_name
        content = (rendered or {}).get(name)
        if content is None:
            content = reporter.render(document, options)
        if isinstance(content, bytes):
            written.append(write_bytes_atomic(target, content))
        else:
            written.append(write_text_atomic(target, content))
    return written
