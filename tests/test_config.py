"""Configuration loading and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from archscan.config import ConfigError, load_config, parse_config
from archscan.globs import matches


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.archscan]\nexclude = ["legacy/**"]\nmax_file_size = 2048\n'
        '[tool.archscan.components]\nbilling = ["src/billing/**"]\n'
        "[tool.archscan.thresholds]\nmax_cycles = 0\n"
        '[tool.archscan.python]\nsource_roots = ["src"]\n'
    )
    config = load_config(tmp_path)
    assert config.exclude == ("legacy/**",)
    assert config.max_file_size == 2048
    assert config.components == {"billing": ("src/billing/**",)}
    assert config.thresholds == {"max_cycles": 0.0}
    assert config.python.source_roots == ("src",)


def test_archscan_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.archscan]\nexclude = ["a"]\n')
    (tmp_path / "archscan.toml").write_text('exclude = ["b"]\n')
    assert load_config(tmp_path).exclude == ("b",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"exclud": []}, "'exclud'"),
        ({"thresholds": {"max_cycle": 1}}, "'max_cycle'"),
        ({"python": {"roots": []}}, "'roots'"),
        ({"max_file_size": -1}, "positive integer"),
        ({"include": [1]}, "list of strings"),
        ({"thresholds": {"max_cycles": "no"}}, "must be a number"),
    ],
)
def test_invalid_configuration_is_reported_by_name(table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(table)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("include = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path, bad)


def test_a_broken_client_pyproject_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[[[")
    assert load_config(tmp_path).source == ""


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("a/node_modules/x.js", "node_modules", True),
        ("src/app.min.js", "*.min.js", True),
        ("src/billing/x/y.py", "src/billing/**", True),
        ("other/src/billing/y.py", "src/billing/**", False),
        ("src/billing.py", "src/billing", False),
        ("docs/a.md", "**/*.md", True),
        ("a.md", "**/*.md", True),
        ("build/lib/x.py", "build", True),
        ("rebuild/x.py", "build", False),
    ],
)
def test_globs(path: str, pattern: str, expected: bool) -> None:
    assert (matches(path, [pattern]) is not None) is expected
