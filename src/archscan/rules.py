"""Rule packs: named YAML files of thresholds shipped in ``rules/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from archscan.config import ConfigError, parse_config
from archscan.resources import data_dir


@dataclass(frozen=True)
class RulePack:
    name: str
    description: str
    thresholds: dict[str, float]


def available_packs() -> list[str]:
    return sorted(p.stem for p in data_dir("rules").glob("*.yaml"))


def load_rule_pack(name: str, directory: Path | None = None) -> RulePack:
    """Load and validate a pack (the thresholds use the configuration's validation)."""
    path = (directory or data_dir("rules")) / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"no rule pack named {name!r} ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"rule pack {name!r} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("thresholds"), dict):
        raise ConfigError(f"rule pack {name!r} needs a 'thresholds' mapping")
    config = parse_config({"thresholds": raw["thresholds"]}, f"rule pack {name}")
    return RulePack(
        name=str(raw.get("name", name)),
        description=str(raw.get("description", "")),
        thresholds=dict(config.thresholds),
    )
