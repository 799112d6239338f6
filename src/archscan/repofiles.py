"""Reading the analysed repository's own data files (package.json, composer.json,
tsconfig.json, ...): the one JSON reader for them.

Python's json parser recurses once per nesting level, so 1,100 nested brackets (2 KB)
raise RecursionError, which no ``except ValueError`` catches and which takes the whole
resolver stage with it. The nesting is measured first, in one linear pass, and a file
nested deeper than any real manifest is refused like any other invalid JSON.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 200  # real manifests and tsconfigs stay below 20


def json_depth(text: str) -> int:
    """The deepest bracket nesting of ``text``, strings skipped (escapes honoured)."""
    depth = deepest = 0
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == '"':
            index += 1
            while index < length and text[index] != '"':
                index += 2 if text[index] == "\\" else 1
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
        index += 1
    return deepest


def loads_json(text: str) -> Any:
    """Parse JSON from the repository; ValueError when invalid or nested too deeply."""
    text = text.lstrip("\ufeff")
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except RecursionError as exc:  # a smaller recursion limit than expected
        raise ValueError("JSON nested too deeply") from exc


def loads_yaml(text: str) -> Any:
    """Parse YAML from the repository (pnpm-workspace.yaml); ValueError when invalid or
    nested too deeply (PyYAML recurses per level too). Safe loader only: no objects."""
    import yaml

    if json_depth(text) > MAX_JSON_DEPTH:  # flow style: the same brackets
        raise ValueError(f"YAML nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc
    except RecursionError as exc:  # block style nested by indentation
        raise ValueError("YAML nested too deeply") from exc
