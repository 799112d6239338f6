"""``archscan check --init``: a starting configuration for a legacy repository.

Each threshold starts at the larger of the pack's limit and today's worst value, as an
error: nothing fails today, and nothing may get worse than the worst of today. What is
already broken (cycles, ...) goes into the baseline written beside it.
"""

from __future__ import annotations

import math
import typing
from dataclasses import replace

from archscan.config import Config, parse_config
from archscan.records import Analysis
from archscan.rules import RULES, load_rule_pack

_HEADER = """\
# Written by `archscan check --init` (see docs/check.md). Commit it with
# archscan-baseline.json. The limits start at today's worst values (or the pack's
# limit when that is higher), as errors: the code may get better, not worse. Lower
# them as it improves, and `archscan baseline --output archscan-baseline.json` to
# record what is fixed.

[check]
packs = {packs}
baseline = "{baseline}"

[thresholds]
"""

_FOOTER = """
# Boundaries: name the components, then rules between them, for example
# [components]
# api = ["src/api/**"]
# core = ["src/core/**"]
# [[rules]]
# rule = "forbidden"
# source = ["core"]
# forbidden = ["api"]
"""


def _limit(value: float, floor: float, integer: bool) -> float:
    if integer:
        return float(max(math.ceil(value), math.ceil(floor)))
    return max(math.ceil(value * 100) / 100, floor)


def starting_configuration(analysis: Analysis, config: Config) -> tuple[str, Config]:
    defaults: dict[str, float] = {}
    for pack in config.check.packs:
        defaults.update(load_rule_pack(pack).thresholds)
    lines = []
    for rule in RULES.values():
        if not rule.threshold or rule.threshold not in defaults:
            continue
        worst = rule().worst(analysis)
        floor = defaults[rule.threshold]
        integer = typing.get_type_hints(rule.Options).get("max") is int
        limit = floor if worst is None else _limit(worst, floor, integer)
        shown = str(int(limit)) if integer else repr(limit)
        lines.append(f"{rule.threshold} = {shown}")
    packs = "[" + ", ".join(f'"{p}"' for p in config.check.packs) + "]"
    text = _HEADER.format(packs=packs, baseline=config.check.baseline) + "\n".join(lines)
    text += "\n" + _FOOTER
    thresholds = {line.split(" = ")[0]: float(line.split(" = ")[1]) for line in lines}
    started = parse_config(
        {
            "check": {"packs": list(config.check.packs), "baseline": config.check.baseline},
            "thresholds": thresholds,
        },
        "archscan.toml",
    )
    # The analysis' own settings (components, ...) stay as they were.
    return text, replace(
        config, thresholds=started.thresholds, check=started.check, source="archscan.toml"
    )
