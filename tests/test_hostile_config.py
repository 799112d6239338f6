"""A hostile repository's own configuration files: they may name only files inside the
repository, and a broken one is ignored with a warning (never a crash)."""

from __future__ import annotations

from pathlib import Path

from archscan.config import load_config
from hostile_helpers import analyse_repo, analyse_with, json_text

ALICE = "Alice <alice@example.com>"


def _team_repo(make_repo, team_map: str, name: str = "repo"):  # type: ignore[no-untyped-def]
    repo = make_repo(name)
    repo.write(
        "archscan.toml",
        f'[components]\napi = ["api/**"]\n[history]\nteam_map = "{team_map}"\n',
    )
    repo.write("api/app.py", "a = 1\n")
    repo.commit("one", ALICE)
    return repo


def test_a_repository_config_cannot_read_a_team_map_outside_it(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside" / "teams.csv"
    outside.parent.mkdir()
    outside.write_text("author,team\nAlice,SecretTeam\n")
    for name, value in (("absolute", str(outside)), ("relative", "../outside/teams.csv")):
        repo = _team_repo(make_repo, value, name)
        analysis = analyse_repo(repo.root)
        assert "SecretTeam" not in json_text(analysis)
        assert any(w.kind == "team-map" and "outside" in w.message for w in analysis.warnings)


def test_a_team_map_inside_the_repository_and_the_users_own_are_read(
    make_repo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    repo = _team_repo(make_repo, "teams.csv")
    repo.write("teams.csv", "author,team\nAlice,InsideTeam\n")
    repo.commit("teams", ALICE, "2024-01-02T12:00:00+00:00")
    assert "InsideTeam" in json_text(analyse_repo(repo.root))
    # --config is the user's choice: an absolute path outside the repository is fine
    users = tmp_path / "users-teams.csv"
    users.write_text("author,team\nAlice,UsersTeam\n")
    explicit = tmp_path / "mine.toml"
    explicit.write_text(f'[components]\napi = ["api/**"]\n[history]\nteam_map = "{users}"\n')
    config = load_config(repo.root, explicit)
    assert "UsersTeam" in json_text(analyse_with(repo.root, config))


def test_a_pyproject_that_is_not_utf8_is_ignored_with_a_warning(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("pyproject.toml", b'[project]\nname = "caf\xe9"\n[tool.archscan]\nexclude = ["x"]\n')
    repo.write("app.py", "import os\n")
    repo.commit("one", ALICE)

    config = load_config(repo.root)
    analysis = analyse_with(repo.root, config)

    assert config.exclude == ()
    assert "app.py" in {f.path for f in analysis.files}
    (warning,) = [w for w in analysis.warnings if w.kind == "config"]
    assert warning.path == "pyproject.toml" and "UTF-8" in warning.message
