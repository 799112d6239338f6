"""The outputs of ``archscan check``: text (rich), JSON, JUnit XML, GitHub annotations.

SARIF is in sarif.py. Every text meant for a terminal or a CI log goes through
:func:`plain` (control characters stripped) and, for rich, :func:`markup_safe`.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

from rich.console import Console
from rich.markup import escape

from archscan import __version__
from archscan.check import BASELINED, OUTSIDE_DIFF, STATUSES, UNREFERENCED, CheckResult
from archscan.outputs import display
from archscan.rules import Violation

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
GITHUB_LIMIT = 10  # annotations per severity (GitHub shows at most 10 of each per step)
CHECK_FORMAT = 1


def plain(text: str) -> str:
    """One line without control characters (a repository's file names are untrusted);
    file-name bytes that are not UTF-8 shown as \\xNN."""
    return _CONTROL.sub("?", display(text).replace("\n", " ").replace("\t", " "))


def markup_safe(text: str) -> str:
    return escape(plain(text))


def _where(v: Violation) -> str:
    return f"{v.file}:{v.line}" if v.line else v.file


# --- text -----------------------------------------------------------------------


def _counts(result: CheckResult) -> Counter[str]:
    return Counter(f.status for f in result.findings)


def print_text(result: CheckResult, console: Console) -> None:
    counts = _counts(result)
    new = result.new
    for v in new:
        style = "red" if v.severity == "error" else "yellow"
        console.print(
            f"[{style}]{v.severity}[/{style}] {markup_safe(_where(v))} "
            f"[bold]{markup_safe(v.name)}[/bold]: {markup_safe(v.message)}"
        )
    for entry in result.fixed:
        console.print(
            f"[green]fixed[/green] {markup_safe(entry.file)} [bold]{markup_safe(entry.name)}"
            f"[/bold]: {markup_safe(entry.message)} (remove it: `archscan baseline`)"
        )
    for entry in result.stale:
        console.print(
            f"[yellow]stale[/yellow] {markup_safe(entry.file)} [bold]"
            f"{markup_safe(entry.name)}[/bold]: rule or file gone (`archscan baseline`)"
        )
    for note in result.notes:
        console.print(f"[dim]note: {markup_safe(note)}[/dim]")
    errors = sum(1 for v in new if v.severity == "error")
    summary = (
        f"{errors} new error(s), {len(new) - errors} new warning(s); "
        f"{counts[BASELINED]} known in the baseline"
    )
    if result.diff_base:
        summary += f", {counts[OUTSIDE_DIFF]} outside the change"
    if counts[UNREFERENCED]:
        summary += f", {counts[UNREFERENCED]} existing cycle edge(s) not compared"
    summary += f"; {len(result.fixed)} fixed, {len(result.stale)} stale baseline entries"
    verdict = "[red]FAILED[/red]" if result.exit_code else "[green]passed[/green]"
    console.print(f"archscan check {verdict}: {summary}")


# --- JSON -----------------------------------------------------------------------


def _violation(v: Violation, status: str) -> dict[str, Any]:
    return {
        "fingerprint": v.fingerprint,
        "rule": v.rule,
        "name": v.name,
        "severity": v.severity,
        "status": status,
        "file": v.file,
        "line": v.line,
        "source": v.source,
        "target": v.target,
        "message": v.message,
    }


def check_to_dict(result: CheckResult) -> dict[str, Any]:
    counts = _counts(result)
    entry_keys = ("fingerprint", "rule", "name", "file", "message")
    return {
        "archscan_check": CHECK_FORMAT,
        "archscan_version": __version__,
        "exit_code": result.exit_code,
        "summary": {
            **{status.replace("-", "_"): counts[status] for status in STATUSES},
            "fixed": len(result.fixed),
            "stale": len(result.stale),
        },
        "rules": [{"name": s.name, "rule": s.rule, "severity": s.severity} for s in result.specs],
        "violations": [_violation(f.violation, f.status) for f in result.findings],
        "fixed": [{k: getattr(e, k) for k in entry_keys} for e in result.fixed],
        "stale": [{k: getattr(e, k) for k in entry_keys} for e in result.stale],
        "notes": list(result.notes),
    }


def render_json(result: CheckResult) -> str:
    return json.dumps(check_to_dict(result), indent=2, ensure_ascii=True) + "\n"


# --- JUnit XML ------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return _CONTROL.sub("?", text)


def render_junit(result: CheckResult) -> str:
    """One test case per new violation (failed) and per rule without any (passed)."""
    new = result.new
    suite = ET.Element(
        "testsuite",
        name="archscan check",
        tests="0",
        failures=str(sum(1 for v in new if v.severity == "error")),
        errors="0",
        skipped="0",
    )
    failing_rules = {v.name for v in new}
    cases = 0
    for v in new:
        case = ET.SubElement(
            suite, "testcase", classname=f"archscan.{_xml_text(v.name)}", name=_xml_text(_where(v))
        )
        case.set("file", _xml_text(v.file))
        tag = "failure" if v.severity == "error" else "system-out"
        node = ET.SubElement(case, tag)
        if tag == "failure":
            node.set("message", _xml_text(v.message))
            node.set("type", v.rule)
        node.text = _xml_text(f"{_where(v)}: {v.message} (fingerprint {v.fingerprint})")
        cases += 1
    for spec in result.specs:
        if spec.name not in failing_rules:
            classname = f"archscan.{_xml_text(spec.name)}"
            ET.SubElement(suite, "testcase", classname=classname, name="no new violations")
            cases += 1
    suite.set("tests", str(cases))
    root = ET.Element("testsuites", name="archscan")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- GitHub Actions annotations -------------------------------------------------


def _gh_data(text: str) -> str:
    return plain(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """Workflow commands: at most 10 errors and 10 warnings, then '... N more'."""
    lines = []
    for severity in ("error", "warning"):
        chosen = [v for v in result.new if v.severity == severity]
        for v in chosen[:GITHUB_LIMIT]:
            props = f"file={_gh_property(v.file)}"
            if v.line:
                props += f",line={v.line}"
            props += f",title={_gh_property('archscan ' + v.name)}"
            lines.append(f"::{severity} {props}::{_gh_data(v.message)}")
        if len(chosen) > GITHUB_LIMIT:
            lines.append(f"... {len(chosen) - GITHUB_LIMIT} more {severity}s (see the full report)")
    return "\n".join(lines) + ("\n" if lines else "")
