"""Bots are matched by name and by e-mail; configured patterns extend the defaults."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from archscan.config import DEFAULT_BOTS, parse_config
from archscan.history.native import bot_matcher
from archscan.report.json_report import analysis_to_dict
from archscan.report.markdown import render_markdown
from conftest import GitRepo
from helpers import analyse

BOTS = [
    ("Mend Renovate", "bot@renovateapp.com"),
    ("WhiteSource Renovate", "bot@renovateapp.com"),
    ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    ("github-actions", "41898282+github-actions[bot]@users.noreply.github.com"),
    ("pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com"),
    ("ImgBot", "imgbot@users.noreply.github.com"),
    ("Transifex Bot", "tx@example.com"),
    ("semantic-release-bot", "semantic-release-bot@martynus.net"),
    ("Release", "release-bot@example.com"),
]
HUMANS = [
    ("Ann Abbot", "ann.abbot@example.com"),
    ("Talbot", "talbot@example.com"),
    ("Robert Bottle", "rbottle@example.com"),
    ("Renée", "renee@example.com"),
]


@pytest.mark.parametrize(("name", "email"), BOTS)
def test_bots_by_name_or_e_mail(name: str, email: str) -> None:
    assert bot_matcher(DEFAULT_BOTS)(name, email)


@pytest.mark.parametrize(("name", "email"), HUMANS)
def test_people_are_not_bots(name: str, email: str) -> None:
    assert not bot_matcher(DEFAULT_BOTS)(name, email)


def test_bot_commits_are_left_out_counted_and_reported(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo()
    repo.write("app.py", "x = 0\n")
    repo.commit("init", "Ann <ann@example.com>", "2024-01-01T12:00:00+00:00")
    for n, author in enumerate(
        ["Mend Renovate <bot@renovateapp.com>", "Nightly <ci@example.com>"], start=2
    ):
        repo.write("app.py", f"x = {n}\n")
        repo.commit("bump", author, f"2024-01-0{n}T12:00:00+00:00")
    default = analysis_to_dict(analyse(repo.root))
    assert default["history"]["bot_commits"] == 1 and default["history"]["commits"] == 2
    assert "(1 bot commits left out)" in render_markdown(default)
    # extra_bots adds to the defaults (renovate stays a bot); bots replaces them.
    extended = parse_config({"history": {"extra_bots": ["ci@example.com"]}})
    data = analysis_to_dict(analyse(repo.root, extended))
    assert data["history"]["bot_commits"] == 2 and data["history"]["commits"] == 1
    replaced = parse_config({"history": {"bots": ["ci@*"]}})
    assert analysis_to_dict(analyse(repo.root, replaced))["history"]["bot_commits"] == 1
