"""report.md: a readable summary rendered with jinja2 from report_templates/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from archscan.report import views
from archscan.report.registry import RenderOptions
from archscan.resources import data_dir


def template_loader(templates: Path | None) -> jinja2.BaseLoader:
    """The shipped templates, overridden file by file by a branded copy (--templates)."""
    shipped = jinja2.FileSystemLoader(str(data_dir("report_templates")))
    if templates is None:
        return shipped
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates)), shipped])


def environment(templates: Path | None = None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=template_loader(templates),
        autoescape=False,  # Markdown; the HTML report uses an autoescaping environment
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _md(value: object) -> str:
    """Make a value safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ").replace("`", "'")


def render(document: dict[str, Any], options: RenderOptions) -> str:
    """The ``md`` reporter."""
    return render_markdown(document, templates=options.templates)


def render_markdown(data: dict[str, Any], top: int = 15, templates: Path | None = None) -> str:
    """Render from the JSON dict, so every figure in the report is in the JSON too."""
    env = environment(templates)
    env.filters["md"] = _md
    template = env.get_template("report.md.j2")
    files = data["files"]
    return template.render(
        data=data,
        top=top,
        most_complex=views.most_complex(files, top),
        most_depended=views.most_depended(files, top),
        most_coupled=views.most_coupled(data["packages"], top),
    )


def write_markdown(data: dict[str, Any], path: Path) -> Path:
    path.write_text(render_markdown(data), encoding="utf-8")
    return path
