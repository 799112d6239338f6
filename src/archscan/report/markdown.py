"""report.md: a readable summary rendered with jinja2 from report_templates/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from archscan.data_access.report import access_matrix
from archscan.outputs import display, write_text_atomic
from archscan.resources import data_dir


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("report_templates"))),
        autoescape=False,  # Markdown; the HTML report uses an autoescaping environment
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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


def render_markdown(data: dict[str, Any], top: int = 15) -> str:
    """Render from the JSON dict, so every figure in the report is in the JSON too."""
    env = environment()
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
        most_complex=sorted(files, key=lambda f: (-f["complexity"], f["path"]))[:top],
        most_depended=sorted(
            (f for f in files if f["fan_in"] is not None), key=lambda f: (-f["fan_in"], f["path"])
        )[:top],
        most_coupled=sorted(data["packages"], key=lambda p: (-(p["ca"] + p["ce"]), p["name"]))[
            :top
        ],
        data_matrix=access_matrix(data.get("data_access")),
        mermaid_id=_mermaid_id,
        mermaid_label=_mermaid_label,
    )
    return display(text)


def write_markdown(data: dict[str, Any], path: Path) -> Path:
    return write_text_atomic(path, render_markdown(data))
