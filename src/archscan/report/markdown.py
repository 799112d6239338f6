"""report.md: a readable summary rendered with jinja2 from report_templates/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from archscan.data_access.report import access_matrix
from archscan.outputs import display, write_text_atomic
from archscan.report import views
from archscan.report.registry import RenderOptions
from archscan.resources import data_dir


def template_loader(templates: Path | None) -> jinja2.BaseLoader:
    """The shipped templates, overridden file by file by a branded copy (--templates)."""
    shipped = jinja2.FileSystemLoader(str(data_dir("report_templates")))
    if templates is None:
        return shipped
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates)), shipped])


def bytecode_cache(cache_dir: Path | None, kind: str) -> jinja2.BytecodeCache | None:
    """Compiled templates by name and source checksum (compiling the Markdown and HTML
    templates costs ~0.2 s of CPU a run; loading them, milliseconds). One folder per
    environment (``kind``): compiled code depends on the environment's options. Jinja
    writes atomically and treats an unreadable or foreign file as a miss."""
    if cache_dir is None:
        return None
    folder = cache_dir / "templates" / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def environment(templates: Path | None = None, cache_dir: Path | None = None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=template_loader(templates),
        autoescape=False,  # Markdown; the HTML report uses an autoescaping environment
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(cache_dir, "md"),
    )


def _md(value: object) -> str:
    """Make a value safe inside a Markdown table cell."""
    return display(str(value)).replace("|", "\\|").replace("\n", " ").replace("`", "'")


def _mermaid_id(name: str) -> str:
    """A node id Mermaid accepts for any component or topic name."""
    return "n_" + "".join(c if c.isalnum() else "_" for c in name)


def _mermaid_label(name: str) -> str:
    """A quoted Mermaid label: no quotes, brackets, pipes or backticks from the repo."""
    return "".join(c if c.isalnum() or c in " ._-/:@" else "_" for c in name)


def render(document: dict[str, Any], options: RenderOptions) -> str:
    """The ``md`` reporter."""
    return render_markdown(document, templates=options.templates, cache_dir=options.cache_dir)


def render_markdown(
    data: dict[str, Any],
    top: int = 15,
    templates: Path | None = None,
    cache_dir: Path | None = None,
) -> str:
    """Render from the JSON dict, so every figure in the report is in the JSON too."""
    env = environment(templates, cache_dir)
    env.filters["md"] = _md
    template = env.get_template("report.md.j2")
    # Rankings cover the architecture view (production code by default), like the
    # components, cycles and history views; the other roles are counted on their own.
    view_roles = set(data["views"]["roles"])
    files = [f for f in data["files"] if f["role"] in view_roles and f["language"]]
    runtime = [c for c in data["cycles"] if c["edge_set"] == "runtime"]
    every = [c for c in data["cycles"] if c["edge_set"] == "all"]
    text = template.render(
        runtime_cycles=runtime,
        largest_runtime=max((c["size"] for c in runtime if c["level"] == "file"), default=0),
        largest_all=max((c["size"] for c in every if c["level"] == "file"), default=0),
        all_file_cycles=sum(1 for c in every if c["level"] == "file"),
        data=data,
        top=top,
        most_complex=views.most_complex(files, top),
        most_depended=views.most_depended(files, top),
        most_coupled=views.most_coupled(data["packages"], top),
        data_matrix=access_matrix(data.get("data_access")),
        mermaid_id=_mermaid_id,
        mermaid_label=_mermaid_label,
    )
    return display(text)


def write_markdown(data: dict[str, Any], path: Path) -> Path:
    return write_text_atomic(path, render_markdown(data))
