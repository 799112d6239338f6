"""CSV exactly as code-maat writes it (clojure.data.csv, values printed by Clojure's str)."""

from __future__ import annotations

from collections.abc import Iterator

from archscan.history.codemaat.model import Table

_QUOTE_IF = frozenset(',"\r\n')


def java_double(value: float) -> str:
    """Java's Double.toString for the values code-maat prints (ownership ratios)."""
    if value == 0:
        return "0.0"
    if 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text or "e" in text else text + ".0"
    mantissa, _, exponent = f"{value:e}".partition("e")
    digits = repr(float(mantissa))
    return f"{digits}E{int(exponent)}"


def cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = java_double(value) if isinstance(value, float) else str(value)
    if any(c in _QUOTE_IF for c in text):
        return '"' + text.replace('"', '""') + '"'
    return text


def lines(table: Table) -> Iterator[str]:
    yield ",".join(cell(name) for name in table.columns) + "\n"
    for row in table.rows:
        yield ",".join(cell(value) for value in row) + "\n"


def render(table: Table) -> str:
    return "".join(lines(table))
