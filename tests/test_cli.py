"""The command line, run as a user runs it: a real process on a real repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from archscan import __version__

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def archscan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archscan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "160"},
    )


def make_shop(target: Path) -> Path:
    subprocess.run([sys.executable, str(EXAMPLES / "make_shop.py"), str(target)], check=True)
    return target


def test_version_and_help() -> None:
    assert archscan("--version").stdout.strip() == f"archscan {__version__}"
    helped = archscan("analyze", "--help")
    assert helped.returncode == 0
    for option in ("--out", "--format", "--config", "--include", "--exclude", "--no-history"):
        assert option in helped.stdout


def test_analyze_the_example_shop(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    before = sorted(p.relative_to(shop) for p in shop.rglob("*"))
    result = archscan(
        "analyze", str(shop), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")
    )
    assert result.returncode == 0, result.stderr
    assert "archscan summary" in result.stdout
    assert sorted(p.relative_to(shop) for p in shop.rglob("*")) == before
    data = json.loads((tmp_path / "out" / "archscan.json").read_text())
    assert data["summary"]["files"] == 21
    components = {c["name"]: c for c in data["components"]}
    assert set(components) == {
        "catalog",
        "orders",
        "billing",
        "shipping",
        "customers",
        "api",
        "platform",
    }  # the architecture view is production code: tests/test_money.py is left out
    by_path = {f["path"]: f for f in data["files"]}
    assert by_path["tests/test_money.py"]["role"] == "test"
    assert by_path["tests/test_money.py"]["component"] == "(unassigned)"
    assert components["platform"]["abstractness"] == 1.0
    # orders <-> billing is a cycle between components only through the deferred import:
    # none on the runtime (import-time) edges, one on all edges.
    component_cycles = [c for c in data["cycles"] if c["level"] == "component"]
    assert [(c["edge_set"], c["members"]) for c in component_cycles] == [
        ("all", ["billing", "orders"])
    ]
    report = (tmp_path / "out" / "report.md").read_text()
    assert "## Components" in report and "| orders |" in report
    # History: the orders/billing co-change is the cross-boundary coupling to report.
    assert "Top hotspot" in result.stdout and "shop/orders/service.py" in result.stdout
    assert "## Change history" in report
    assert "| `shop/billing/invoicing.py` | `shop/orders/service.py` |" in report
    pair = data["temporal_coupling"][0]
    assert pair["cross_boundary"] and pair["shared_revisions"] == 7


def test_output_inside_the_repository_is_refused(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    result = archscan("analyze", str(shop), "--out", str(shop / "report"))
    assert result.returncode == 2
    assert "refusing to write into the analysed repository" in result.stderr
    assert not (shop / "report").exists()


def test_unknown_config_key_and_bad_format_are_usage_errors(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    config = tmp_path / "archscan.toml"
    config.write_text('include = ["shop/**"]\nthreshold = 3\n')
    result = archscan("analyze", str(shop), "--config", str(config), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "unknown key(s)" in result.stderr and "'threshold'" in result.stderr
    result = archscan("analyze", str(shop), "--format", "docx", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "unknown format" in result.stderr


def test_json_only_with_include_and_exclude(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    result = archscan(
        "analyze",
        str(shop),
        "--format",
        "json",
        "--include",
        "shop/**",
        "--exclude",
        "shop/api/**",
        "--quiet",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "out" / "report.md").exists()
    data = json.loads((tmp_path / "out" / "archscan.json").read_text())
    paths = {f["path"] for f in data["files"]}
    assert paths and all(p.startswith("shop/") and not p.startswith("shop/api/") for p in paths)
    assert data["summary"]["skipped"]["excluded"] == 2


def test_unknown_option_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    result = archscan("analyze", str(tmp_path), "--bogus")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


def test_history_views_and_code_maat_mode(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    cache = str(tmp_path / "cache")
    hot = archscan("hotspots", str(shop), "--top", "2", "--cache-dir", cache)
    assert hot.returncode == 0, hot.stderr
    assert "hotspots of shop (19 commits, production code)" in hot.stdout
    rows = [line for line in hot.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 2 and "orders" in rows[0] and "36" in rows[0]
    owners = archscan("owners", str(shop), "--sort", "path", "--cache-dir", cache)
    assert owners.returncode == 0 and "Alice Martin" in owners.stdout
    bad = archscan("coupling", str(shop), "--sort", "nonsense", "--cache-dir", cache)
    assert bad.returncode == 2 and "nonsense" in bad.stderr

    log = tmp_path / "git2.log"
    log.write_text(
        subprocess.run(
            [
                "git",
                "-C",
                str(shop),
                "log",
                "--all",
                "--numstat",
                "--date=short",
                "--pretty=format:--%h--%ad--%aN",
                "--no-renames",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    csv = archscan(
        "history", "--log", str(log), "-a", "coupling", "--min-revs", "1", "--min-shared-revs", "1"
    )
    assert csv.returncode == 0, csv.stderr
    lines = csv.stdout.splitlines()
    assert lines[0] == "entity,coupled,degree,average-revs"
    assert "shop/billing/invoicing.py,shop/orders/service.py,82,9" in lines


def test_the_command_line_builds_only_the_command_it_runs() -> None:
    """In-process: the one-command application against the whole one, for every command:
    the same help and the same usage error."""
    import typer.main
    from typer.testing import CliRunner

    from archscan.cli import _app_for, app

    names = [
        c.name or typer.main.get_command_name(c.callback.__name__)  # type: ignore[union-attr]
        for c in app.registered_commands
    ]
    assert "analyze" in names and len(names) > 10
    runner = CliRunner()
    for name in names:
        lean = _app_for([name, "--help"])
        assert isinstance(lean, typer.Typer) and lean is not app
        assert [c.name for c in lean.registered_commands] in ([name], [None])
        for args in ([name, "--help"], [name, "--no-such-option"]):
            full, only = runner.invoke(app, args), runner.invoke(lean, args)
            assert (only.exit_code, only.output) == (full.exit_code, full.output), args
    # no command, an option first, a group, an unknown name: the whole application
    for args in ([], ["--debug", "analyze"], ["cache", "info"], ["analyse"]):
        assert _app_for(args) is app
