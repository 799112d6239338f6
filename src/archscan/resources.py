"""Where the shipped data lives: rule packs and report templates.

In a wheel they are inside the package (``archscan/_data``); in a source checkout they
are the top-level ``rules/`` and ``report_templates/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``rules`` or ``report_templates``, wherever this installation keeps them."""
    shipped = _PACKAGE / "_data" / name
    if shipped.is_dir():
        return shipped
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"archscan installation is missing its {name}/ folder")


def schema_path() -> Path:
    return _PACKAGE / "report" / "archscan.schema.json"
