"""SARIF 2.1.0 for ``archscan check`` (code scanning): one result per new violation.

Stable ``ruleId`` (the rule id), repository-relative ``artifactLocation.uri`` under
``uriBaseId`` SRCROOT, ``region.startLine``, ``partialFingerprints`` from the logical
fingerprint (never line numbers), at most 25,000 results (GitHub's limit per run).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from archscan import __version__
from archscan.check import CheckResult
from archscan.rules import RULES, Violation

MAX_RESULTS = 25_000
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "archscanFingerprint/v1"
_LEVEL = {"error": "error", "warning": "warning"}


def _rule_descriptor(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": rule.description},
        "properties": {"reads": list(rule.reads)},
    }


def _result(v: Violation, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {
        "artifactLocation": {"uri": quote(v.file), "uriBaseId": "SRCROOT"},
    }
    if v.line > 0:
        location["region"] = {"startLine": v.line}
    return {
        "ruleId": v.rule,
        "ruleIndex": index[v.rule],
        "level": _LEVEL[v.severity],
        "message": {"text": v.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: v.fingerprint},
        "baselineState": "new",
        "properties": {"ruleName": v.name},
    }


def sarif_document(result: CheckResult) -> dict[str, Any]:
    rule_ids = sorted({s.rule for s in result.specs} | {v.rule for v in result.new})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    new = result.new
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if len(new) > MAX_RESULTS:
        left_out = len(new) - MAX_RESULTS
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {"text": f"{left_out} more results left out (SARIF limit)"},
            }
        ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archscan",
                        "version": __version__,
                        "rules": [_rule_descriptor(r) for r in rule_ids],
                    }
                },
                "invocations": [invocation],
                "results": [_result(v, index) for v in new[:MAX_RESULTS]],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render_sarif(result: CheckResult) -> str:
    return json.dumps(sarif_document(result), indent=2, ensure_ascii=True) + "\n"
