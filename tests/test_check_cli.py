"""`archscan check` / `archscan baseline` as CI runs them: real processes on real git
repositories, exit codes, baselines, pull-request mode and every output format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from archscan.baseline import load_baseline
from archscan.cli import app
from archscan.config import ConfigError
from archscan.gitio import GitError
from archscan.pipeline import InputError
from conftest import GitRepo

ROOT = Path(__file__).resolve().parent.parent
NODE_TOOLS = Path(os.environ.get("ARCHSCAN_NODE_TOOLS", ROOT / ".ci-tools" / "node"))
# The official schema, as @microsoft/jest-sarif ships it (.ci/run installs it).
SARIF_SCHEMA = NODE_TOOLS / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"

CONFIG = """\
[components]
api = ["app/api/**"]
core = ["app/core/**"]
db = ["app/db/**"]
billing = ["app/billing/**"]
shipping = ["app/shipping/**"]

[[rules]]
rule = "layers"
name = "layers"
layers = ["api", "core", "db"]

[[rules]]
rule = "independence"
name = "independent-teams"
members = ["billing", "shipping"]
"""

FILES = {
    "archscan.toml": CONFIG,
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "from app.core import service\n",
    "app/core/__init__.py": "",
    "app/core/service.py": "from app.db import store\n",
    "app/db/__init__.py": "",
    "app/db/store.py": "X = 1\n",
    "app/billing/__init__.py": "",
    "app/billing/invoice.py": "import os\n\nfrom app.shipping import parcel\n",
    "app/shipping/__init__.py": "",
    "app/shipping/parcel.py": "Y = 2\n",
}


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def archscan_process(*args: str) -> Ran:
    """The installed entry point in its own process (exit codes as CI sees them)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    done = subprocess.run(
        [sys.executable, "-m", "archscan", *args], capture_output=True, text=True, env=env
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def archscan(*args: str, env: dict[str, str] | None = None) -> Ran:
    """The same commands in this process (a process each would cost a second)."""
    runner = CliRunner()
    environment: dict[str, str | None] = {"GITHUB_ACTIONS": None, "COLUMNS": "200"}
    result = runner.invoke(app, [*args, "--jobs", "1"], env={**environment, **(env or {})})
    error = result.exception
    if isinstance(error, (ConfigError, InputError, GitError)):
        # what cli.main() turns these into (tested through a real process below)
        return Ran(2, result.stdout, f"archscan: error: {error}")
    if error is not None and not isinstance(error, SystemExit):
        raise error
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def shop(make_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = make_repo("app")
    for path, text in FILES.items():
        repo.write(path, text)
    repo.commit("start")
    return repo


def check(repo: GitRepo, cache: Path, *args: str, **kw: dict[str, str]):  # type: ignore[no-untyped-def]
    return archscan("check", str(repo.root), "--cache-dir", str(cache), *args, **kw)  # type: ignore[arg-type]


def test_baseline_adoption_new_violation_fixed_entry(shop: GitRepo, cache_dir: Path) -> None:
    first = check(shop, cache_dir)
    assert first.returncode == 1, first.stderr
    assert "app/billing/invoice.py:3" in first.stdout and "independent-teams" in first.stdout

    written = archscan(
        "baseline", str(shop.root), "--output", str(shop.root / "archscan-baseline.json")
    )
    assert written.returncode == 0, written.stderr
    known = load_baseline(shop.root / "archscan-baseline.json").entries
    assert "independent-teams" in [e.name for e in known]
    shop.commit("baseline")
    before = shop.snapshot()
    clean = check(shop, cache_dir)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"0 new error(s), 0 new warning(s); {len(known)} known" in clean.stdout
    assert shop.snapshot() == before  # check never writes into the repository

    shop.write("app/db/bad.py", "import os\n\nfrom app.api import views\n")
    shop.commit("layer violation")
    broken = check(shop, cache_dir)
    assert broken.returncode == 1
    assert "app/db/bad.py:3" in broken.stdout and "layer db is below api" in broken.stdout

    shop.remove("app/db/bad.py")
    shop.commit("revert")
    assert check(shop, cache_dir).returncode == 0

    shop.write("app/billing/invoice.py", "import os\n")
    shop.commit("fix the known one")
    fixed = check(shop, cache_dir)
    assert fixed.returncode == 0
    assert "fixed app/billing/invoice.py independent-teams" in fixed.stdout
    strict = check(shop, cache_dir, "--strict-baseline")
    assert strict.returncode == 1


def test_baseline_problems_are_said(shop: GitRepo, cache_dir: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"archscan_baseline": 1, "violations": [')
    bad = check(shop, cache_dir, "--baseline", str(corrupt))
    assert bad.returncode == 2 and "corrupted" in bad.stderr and "Traceback" not in bad.stderr

    other = archscan("baseline", str(shop.root))
    data = json.loads(other.stdout)
    data["repository"]["root_commits"] = ["0" * 40]
    data["archscan_version"] = "0.0.1"
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps(data))
    said = check(shop, cache_dir, "--baseline", str(foreign))
    assert said.returncode == 0  # the entries still match
    assert "another repository" in said.stdout and "archscan 0.0.1" in said.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[rules]]\nrule = "forbiden"\n', "unknown rule 'forbiden'"),
        (
            '[[rules]]\nrule = "forbidden"\nsource = ["api"]\nforbidden = ["db"]\nlevl = 1\n',
            "'levl'",
        ),
        ('[[rules]]\nrule = "forbidden"\nsource = ["nope"]\nforbidden = ["db"]\n', "nope"),
        ("[thresholds]\nmax_cycles = 'none'\n", "max_cycles"),
    ],
)
def test_bad_configuration_exits_2_naming_it(
    shop: GitRepo, cache_dir: Path, extra: str, message: str
) -> None:
    shop.write("archscan.toml", CONFIG + extra)
    result = check(shop, cache_dir)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_entry_point_exits_2_on_bad_configuration(shop: GitRepo, cache_dir: Path) -> None:
    shop.write("archscan.toml", CONFIG + '[[rules]]\nrule = "forbiden"\n')
    result = archscan_process("check", str(shop.root), "--cache-dir", str(cache_dir))
    assert result.returncode == 2
    assert result.stderr.startswith("archscan: error:") and "forbiden" in result.stderr


def test_usage_errors(shop: GitRepo, cache_dir: Path) -> None:
    assert check(shop, cache_dir, "--format", "xml").returncode == 2
    inside = check(shop, cache_dir, "--format", "json", "--output", str(shop.root / "out.json"))
    assert inside.returncode == 2 and "inside the analysed repository" in inside.stderr
    missing = check(shop, cache_dir, "--diff-base", "no-such-branch")
    assert missing.returncode == 2 and "no such commit" in missing.stderr
    option = check(shop, cache_dir, "--diff-base", "--output=x")
    assert option.returncode == 2


def test_diff_base_reports_only_what_the_change_introduces(
    shop: GitRepo, cache_dir: Path, tmp_path: Path
) -> None:
    shop.write("app/db/bad.py", "from app.api import views\n")
    shop.commit("layer violation")
    result = check(shop, cache_dir, "--diff-base", "HEAD~1", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    new = [v for v in data["violations"] if v["status"] == "new"]
    assert [(v["file"], v["line"], v["name"]) for v in new] == [("app/db/bad.py", 1, "layers")]
    outside = [v["name"] for v in data["violations"] if v["status"] == "outside-diff"]
    assert "independent-teams" in outside  # billing -> shipping, untouched by the change
    assert check(shop, cache_dir, "--diff-base", "HEAD").returncode == 0

    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{shop.root}", str(shallow)], check=True
    )
    cut = archscan_process("check", str(shallow), "--diff-base", "HEAD~1")
    assert cut.returncode == 2 and "shallow clone" in cut.stderr and "fetch-depth: 0" in cut.stderr


def test_init_for_a_legacy_repository(make_repo: Callable[..., GitRepo], cache_dir: Path) -> None:
    repo = make_repo("legacy")
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "from pkg import b\n")
    repo.write("pkg/b.py", "from pkg import a\n")
    repo.write("pkg/c.py", "X = 1\n")
    repo.commit("cycle")
    init = check(repo, cache_dir, "--init")
    assert init.returncode == 0, init.stderr
    assert (repo.root / "archscan.toml").is_file()
    entries = load_baseline(repo.root / "archscan-baseline.json").entries
    assert {e.rule for e in entries} == {"no-new-cycle"}
    assert "max_cycles = 1" in (repo.root / "archscan.toml").read_text()
    repo.commit("adopt archscan")
    assert check(repo, cache_dir).returncode == 0
    again = check(repo, cache_dir, "--init")
    assert again.returncode == 2 and "exists" in again.stderr
    repo.write("pkg/c.py", "from pkg import a\n")
    repo.write("pkg/a.py", "from pkg import b\nfrom pkg import c\n")
    repo.commit("a second cycle through c")
    worse = check(repo, cache_dir)
    assert worse.returncode == 1
    assert "pkg/c.py:1 no-new-cycle" in worse.stdout and "max-propagation-cost" in worse.stdout


def test_sarif_validates_against_the_official_schema(shop: GitRepo, cache_dir: Path) -> None:
    result = check(shop, cache_dir, "--format", "sarif")
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    run = sarif["runs"][0]
    (found,) = [r for r in run["results"] if r["level"] == "error"]
    assert found["ruleId"] == "independence"
    location = found["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/billing/invoice.py"
    assert location["region"]["startLine"] == 3
    assert found["partialFingerprints"]["archscanFingerprint/v1"]
    assert run["tool"]["driver"]["rules"][found["ruleIndex"]]["id"] == "independence"
    if not SARIF_SCHEMA.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must install the SARIF schema ({SARIF_SCHEMA}): see .ci/run")
        pytest.skip(f"official SARIF schema not installed ({SARIF_SCHEMA}); .ci/run installs it")
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)


def test_json_and_junit_outputs(shop: GitRepo, cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.json"
    assert check(shop, cache_dir, "--format", "json", "--output", str(out)).returncode == 1
    schema = json.loads((ROOT / "src/archscan/report/check.schema.json").read_text())
    data = json.loads(out.read_text())
    jsonschema.validate(data, schema)
    errors = [v for v in data["violations"] if v["severity"] == "error"]
    assert data["exit_code"] == 1 and [v["name"] for v in errors] == ["independent-teams"]
    junit = check(shop, cache_dir, "--format", "junit")
    suite = ET.fromstring(junit.stdout).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and "app/billing/invoice.py" in (failure.text or "")


def test_github_annotations_are_capped_and_the_text_report_follows(
    shop: GitRepo, cache_dir: Path
) -> None:
    for i in range(12):
        shop.write(f"app/core/m{i}.py", "from app.db import store\n")
    shop.write(
        "archscan.toml",
        CONFIG
        + '[[rules]]\nrule = "max-fan-out"\nname = "fan-out-zero"\nmax = 0\n'
        + '[[rules]]\nrule = "max-file-complexity"\nname = "warn-all"\nmax = 0\n'
        + 'severity = "warning"\n',
    )
    shop.commit("many")
    result = check(shop, cache_dir, env={"GITHUB_ACTIONS": "true"})
    lines = result.stdout.splitlines()
    assert sum(1 for line in lines if line.startswith("::error ")) == 10
    assert sum(1 for line in lines if line.startswith("::warning ")) == 10
    assert any(line.startswith("... ") and "more errors" in line for line in lines)
    assert "::error file=app/billing/invoice.py,line=3,title=archscan independent-teams::" in (
        result.stdout
    )
    assert "archscan check FAILED" in result.stdout  # the full report is always printed


def test_terminal_output_is_escaped(shop: GitRepo, cache_dir: Path) -> None:
    shop.write("app/db/[red]evil\x1b[2J.py", "from app.api import views\n")
    shop.commit("evil name")
    result = check(shop, cache_dir)
    assert result.returncode == 1
    assert "[red]evil?[2J.py" in result.stdout
    assert "\x1b" not in result.stdout
