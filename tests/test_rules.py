from __future__ import annotations

from pathlib import Path

import pytest

from archscan.config import THRESHOLD_KEYS, ConfigError
from archscan.rules import available_packs, load_rule_pack


def test_shipped_pack_is_valid_and_complete() -> None:
    assert "ci-defaults" in available_packs()
    pack = load_rule_pack("ci-defaults")
    history = load_rule_pack("history")
    # Every threshold the registry declares has a shipped limit in some pack.
    assert set(pack.thresholds) | set(history.thresholds) == set(THRESHOLD_KEYS)
    assert pack.thresholds["max_cycles"] == 0
    assert all(spec.severity == "warning" for spec in pack.specs if spec.rule != "no-new-cycle")


def test_a_pack_with_an_unknown_threshold_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("thresholds:\n  max_cycels: 1\n")
    with pytest.raises(ConfigError, match="max_cycels"):
        load_rule_pack("bad", tmp_path)
