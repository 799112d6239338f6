"""archscan report, the --from views and the terminal fixes, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from report_support import archscan, fixed_document, make_hostile_repo
from test_cli import make_shop


def test_report_rerenders_a_saved_analysis_byte_identically(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    out = tmp_path / "out"
    analysed = archscan(
        "analyze", str(shop), "--out", str(out), "--format", "json,md,html", "--quiet"
    )
    assert analysed.returncode == 0, analysed.stderr
    again = tmp_path / "again"
    result = archscan(
        "report", str(out / "archscan.json"), "--format", "html,md,json", "--out", str(again)
    )
    assert result.returncode == 0, result.stderr
    for name in ("report.html", "report.md", "archscan.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert f"wrote {again / 'report.html'}" in result.stdout


def test_report_with_a_branded_template_copy(tmp_path: Path) -> None:
    saved = tmp_path / "archscan.json"
    saved.write_text(json.dumps(fixed_document()), encoding="utf-8")
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "report.css").write_text(":root { --accent: #ff0066; } /* ACME Consulting */\n")
    result = archscan("report", str(saved), "--format", "html", "--templates", str(brand))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "report.html").read_text()
    assert "ACME Consulting" in html and 'id="verdict"' in html  # rest from the shipped set
    missing = archscan("report", str(saved), "--templates", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr


def test_report_rejects_what_is_not_an_analysis(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    result = archscan("report", str(bad))
    assert result.returncode == 2 and "not an archscan.json" in result.stderr
    result = archscan("report", str(bad), "--format", "html,bogus")
    assert result.returncode == 2 and "unknown format(s) bogus" in result.stderr
    assert "choose from json, md, html, pdf" in result.stderr


def _saved(tmp_path: Path) -> Path:
    saved = tmp_path / "archscan.json"
    saved.write_text(json.dumps(fixed_document()), encoding="utf-8")
    return saved


def test_views_from_a_saved_analysis_as_csv_and_json(tmp_path: Path) -> None:
    saved = _saved(tmp_path)
    hot = archscan("hotspots", "--from", str(saved), "--format", "csv", "--top", "3")
    assert hot.returncode == 0, hot.stderr
    rows = list(csv.reader(io.StringIO(hot.stdout)))
    assert rows[0] == ["rank", "path", "component", "revisions", "complexity", "sloc", "score"]
    assert [r[1] for r in rows[1:]] == [
        "shop/orders/service.py",
        "shop/billing/invoicing.py",
        "shop/catalog/search.py",
    ]
    pairs = json.loads(archscan("coupling", "--from", str(saved), "--format", "json").stdout)
    assert pairs[0]["entity"] == "shop/billing/invoicing.py"
    assert pairs[0]["cross-boundary"] is True
    # invoicing.py imports orders/service.py? the static dependency is reported either way
    assert isinstance(pairs[0]["static-dependency"], bool)
    excluded = archscan(
        "hotspots", "--from", str(saved), "--format", "csv", "--exclude", "shop/orders/**"
    )
    assert "shop/orders/" not in excluded.stdout and "shop/billing/invoicing.py" in excluded.stdout


def test_since_with_from_filters_by_last_change(tmp_path: Path) -> None:
    document = fixed_document()
    last = {f["path"]: f["last_change"] for f in document["history"]["files"]}
    cut = sorted(set(last.values()))[-1]  # only files changed on the newest day
    saved = _saved(tmp_path)
    result = archscan("hotspots", "--from", str(saved), "--since", cut, "--format", "json")
    assert result.returncode == 0, result.stderr
    paths = {row["path"] for row in json.loads(result.stdout)}
    assert paths and paths == {p for p, d in last.items() if d >= cut} & paths
    assert all(last[p] >= cut for p in paths)
    bad = archscan("hotspots", "--from", str(saved), "--since", "2 weeks ago")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_owners_ranked_by_risk_without_non_production_roles(tmp_path: Path) -> None:
    document = fixed_document()
    for file in document["files"]:
        if file["path"] == "shop/orders/service.py":
            file["role"] = "generated"
    saved = tmp_path / "archscan.json"
    saved.write_text(json.dumps(document))
    rows = json.loads(archscan("owners", "--from", str(saved), "--format", "json").stdout)
    paths = [r["path"] for r in rows]
    assert "shop/orders/service.py" not in paths and "tests/test_money.py" not in paths
    risks = [r["risk"] for r in rows]
    assert risks == sorted(risks, reverse=True) and risks[0] > 0
    assert paths[0] == "shop/common/db.py"  # 15 SLOC owned 100% by one author


def test_options_are_checked_before_any_work(tmp_path: Path) -> None:
    missing = tmp_path / "does-not-exist"
    bad_sort = archscan("owners", str(missing), "--sort", "nonsense")
    assert bad_sort.returncode == 2
    assert "unknown sort column 'nonsense'" in bad_sort.stderr and "risk" in bad_sort.stderr
    assert "does not exist" not in bad_sort.stderr  # rejected before the path is even read
    jobs = archscan("analyze", str(missing), "--jobs", "-3")
    assert jobs.returncode == 2 and "--jobs" in jobs.stderr


def test_help_reads_like_git() -> None:
    analyze = archscan("analyze", "--help").stdout
    owners = archscan("owners", "--help").stdout
    for helped in (analyze, owners):
        assert "<bool>" not in helped and "{" not in helped and "<" not in helped
    assert "Usage: python -m archscan owners [OPTIONS] [PATH]" in owners
    assert "path, main-dev, ownership" in owners  # --sort lists its columns
    assert "Usage: python -m archscan analyze [OPTIONS] PATH" in analyze
    assert re.search(r"--out\s+-o\s+DIR\s", analyze)


def test_default_output_goes_outside_the_repository(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "shop")
    cache = tmp_path / "xdg-cache"
    result = archscan(
        "analyze", ".", "--format", "json", cwd=shop, env={"XDG_CACHE_HOME": str(cache)}
    )
    assert result.returncode == 0, result.stderr
    written = [line for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert len(written) == 1
    target = Path(written[0][len("wrote ") :])
    assert target.is_file() and cache in target.parents and shop not in target.parents
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = archscan("analyze", str(shop), "--format", "md", "--quiet", cwd=outside)
    assert result.returncode == 0 and (outside / "archscan-report" / "report.md").is_file()


def test_hostile_names_reach_the_terminal_inert(tmp_path: Path) -> None:
    repo = make_hostile_repo(tmp_path / "hostile")
    result = archscan("analyze", str(repo.root), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
    owners = archscan("owners", "--from", str(tmp_path / "out" / "archscan.json"))
    assert owners.returncode == 0, owners.stderr
    assert "\x1b" not in owners.stdout
    assert "[/]/markup.py" in owners.stdout  # markup-looking names printed as text
    assert "escred.py" in owners.stdout  # whole escape sequences removed, the name stays
    assert "{{7*7}} Red" in owners.stdout


def test_full_paths_when_not_a_terminal(tmp_path: Path) -> None:
    document = fixed_document()
    deep = "src/main/java/org/example/very/deep/package/structure/that/goes/on/Service.java"
    document["hotspots"][0]["path"] = deep
    saved = tmp_path / "archscan.json"
    saved.write_text(json.dumps(document))
    result = archscan("hotspots", "--from", str(saved), env={"COLUMNS": "60"})
    assert result.returncode == 0, result.stderr
    assert deep in result.stdout
