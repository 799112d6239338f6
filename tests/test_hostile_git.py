"""A hostile repository's git settings: no program it names runs, nothing outside it is
read, nothing inside it is written, and its (or the user's) settings do not change the
numbers. Every repository here is real, built in tmp_path; the programs are real scripts
that leave a marker file when git runs them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from archscan import gitio
from hostile_helpers import analyse_repo, json_text, marker_program

ALICE = "Alice <alice@example.com>"


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _partial_clone(make_repo, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A blobless clone: the blobs of older commits are missing, so diffing them makes
    git fetch them lazily from the promisor remote."""
    origin = make_repo("origin")
    origin.git("config", "uploadpack.allowFilter", "true")
    for n in range(3):
        origin.write("app.py", f"value = {n}\n" * (n + 1))
        origin.commit(f"change {n}", ALICE, f"2024-01-0{n + 1}T12:00:00+00:00")
    clone = tmp_path / "clone"
    _git(
        tmp_path,
        "clone",
        "-q",
        "--no-local",
        "--filter=blob:none",
        origin.root.as_uri(),
        str(clone),
    )
    return clone


@pytest.mark.parametrize("transport", ["ext", "ssh"])
def test_a_partial_clone_never_fetches_so_its_transport_program_never_runs(
    make_repo, tmp_path: Path, transport: str
) -> None:  # type: ignore[no-untyped-def]
    clone = _partial_clone(make_repo, tmp_path)
    program, marker = marker_program(tmp_path / "evil", transport)
    if transport == "ext":
        _git(clone, "config", "remote.origin.url", f"ext::{program}")
        _git(clone, "config", "protocol.ext.allow", "always")
    else:
        _git(clone, "config", "remote.origin.url", "ssh://attacker.invalid/repo.git")
        _git(clone, "config", "core.sshCommand", str(program))
        _git(clone, "config", "protocol.ssh.allow", "always")
    config_before = (clone / ".git" / "config").read_bytes()

    analysis = analyse_repo(clone, jobs=2)

    assert not marker.exists(), "git ran the repository's transport program"
    assert (clone / ".git" / "config").read_bytes() == config_before
    assert analysis.history is not None and analysis.history.commits == 3
    kinds = {w.kind for w in analysis.warnings}
    assert "history-missing-objects" in kinds  # the line counts that need a fetch are gone


def test_no_program_the_repository_configures_is_run(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    evil = tmp_path / "evil"
    names = ("gpg", "textconv", "external", "fsmonitor", "pager", "hook")
    programs = {name: marker_program(evil, name) for name in names}
    repo.write(".gitattributes", "*.py diff=evil\n")
    repo.write("app.py", "a = 1\n")
    repo.commit("one", ALICE)
    repo.write("app.py", "a = 2\n")
    repo.commit("two", ALICE, "2024-01-02T12:00:00+00:00")
    _sign_head(repo.root)
    settings = {
        "log.showSignature": "true",
        "gpg.program": str(programs["gpg"][0]),
        "diff.evil.textconv": str(programs["textconv"][0]),
        "diff.evil.command": str(programs["external"][0]),
        "diff.external": str(programs["external"][0]),
        "core.fsmonitor": str(programs["fsmonitor"][0]),
        "core.pager": str(programs["pager"][0]),
        "core.hooksPath": str(evil),
    }
    for key, value in settings.items():
        repo.git("config", key, value)
    (evil / "post-index-change").symlink_to(programs["hook"][0])
    # the oracle: plain git does run what the repository names
    plain = ["git", "-C", str(repo.root), "log", "-p", "-1"]
    subprocess.run(plain, capture_output=True, check=True)
    assert programs["textconv"][1].exists() and programs["gpg"][1].exists()
    for _program, marker in programs.values():
        marker.unlink(missing_ok=True)
    before = repo.snapshot()

    analysis = analyse_repo(repo.root)

    ran = sorted(name for name, (_p, marker) in programs.items() if marker.exists())
    assert ran == []
    assert repo.snapshot() == before
    assert analysis.history is not None and analysis.history.commits == 2


def _sign_head(root: Path) -> None:
    """Rewrite HEAD as a commit carrying a (fake) PGP signature header."""
    raw = subprocess.run(
        ["git", "-C", str(root), "cat-file", "commit", "HEAD"], capture_output=True, check=True
    ).stdout
    header, _, message = raw.partition(b"\n\n")
    signature = b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----"
    signed = header + b"\n" + signature + b"\n\n" + message
    commit = (
        subprocess.run(
            ["git", "-C", str(root), "hash-object", "-t", "commit", "-w", "--stdin"],
            input=signed,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    _git(root, "update-ref", "HEAD", commit)


def test_a_configured_branch_is_never_an_option(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    written = tmp_path / "written-by-git.txt"
    repo = make_repo()
    repo.write("archscan.toml", f'[history]\nbranch = "--output={written}"\n')
    repo.write("app.py", "a = 1\n")
    repo.commit("one", ALICE)

    analysis = analyse_repo(repo.root)

    assert not written.exists()
    assert analysis.history is None
    assert any(w.kind == "no-history" and "--output" in w.message for w in analysis.warnings)


def test_a_configured_branch_is_resolved_to_its_commit(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("app.py", "a = 1\n")
    first = repo.commit("one", ALICE)
    repo.git("branch", "old")
    repo.write("app.py", "a = 2\n")
    repo.commit("two", ALICE, "2024-01-02T12:00:00+00:00")
    repo.write("archscan.toml", '[history]\nbranch = "old"\n')
    repo.commit("three", ALICE, "2024-01-03T12:00:00+00:00")
    assert gitio.resolve_commit(repo.root, "old") == first
    assert gitio.resolve_commit(repo.root, "-old") is None
    analysis = analyse_repo(repo.root)
    assert analysis.history is not None and analysis.history.commits == 1


def test_a_mailmap_outside_the_repository_is_not_read(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside-mailmap"
    outside.write_text("Secret Person <secret@outside> <alice@example.com>\n")
    repo = make_repo()
    repo.write(".mailmap", "Robert <bob@example.com> <bobby@example.com>\n")
    repo.write("app.py", "a = 1\n")
    repo.commit("one", ALICE)
    repo.write("app.py", "a = 2\n" * 9)
    repo.commit("two", "Bobby <bobby@example.com>", "2024-01-02T12:00:00+00:00")
    repo.git("config", "mailmap.file", str(outside))
    repo.git("config", "mailmap.blob", "HEAD:.mailmap-elsewhere")

    text = json_text(analyse_repo(repo.root))

    assert "Secret" not in text and "secret@outside" not in text
    assert '"main_developer": "Robert"' in text  # the repository's own .mailmap applies


HOSTILE_SETTINGS = {
    "log.showRoot": "false",
    "i18n.logOutputEncoding": "UTF-16",
    "core.bigFileThreshold": "1",
    "diff.algorithm": "histogram",
    "log.follow": "true",
    "diff.relative": "true",
    "diff.noprefix": "true",
    "diff.mnemonicPrefix": "true",
    "color.ui": "always",
    "log.decorate": "full",
    "core.quotePath": "true",
    "diff.renames": "copies",
    "log.mailmap": "false",
}


def _history_repo(make_repo):  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("src/app.py", "".join(f"line{i} = {i}\n" for i in range(30)))
    repo.write("src/ünï cödé.py", "x = 1\n")
    repo.commit("root commit", ALICE)
    repo.write("src/app.py", "".join(f"line{i} = {i * 2}\n" for i in range(0, 30, 2)))
    repo.write("src/other.py", "y = 1\n")
    repo.commit("two", ALICE, "2024-01-02T12:00:00+00:00")
    repo.git("mv", "src/other.py", "src/moved.py")
    repo.commit("three", "Bob <bob@example.com>", "2024-01-03T12:00:00+00:00")
    return repo


def _history_json(root: Path) -> str:
    analysis = analyse_repo(root)
    assert analysis.history is not None
    return json_text(analysis).replace(str(root), "ROOT")


@pytest.mark.parametrize("where", ["global", "repository"])
def test_git_settings_do_not_change_the_numbers(
    make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:  # type: ignore[no-untyped-def]
    repo = _history_repo(make_repo)
    clean = _history_json(repo.root)
    if where == "global":
        hostile = tmp_path / "hostile.gitconfig"
        hostile.write_text(
            "".join(
                f"[{k.rsplit('.', 1)[0]}]\n\t{k.rsplit('.', 1)[1]} = {v}\n"
                for k, v in HOSTILE_SETTINGS.items()
            )
        )
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(hostile))
        monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
        monkeypatch.setenv("GIT_EXTERNAL_DIFF", "false")
    else:
        for key, value in HOSTILE_SETTINGS.items():
            repo.git("config", key, value)
    assert _history_json(repo.root) == clean
    data = analyse_repo(repo.root).history
    assert data is not None and data.commits == 3  # the root commit counts


def test_the_rename_limit_is_pinned(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A repository's ``diff.renameLimit 0`` (unlimited: minutes on a 20,000-file rename)
    is overridden by archscan's bounded limit; lowered here to keep the commit small."""
    repo = make_repo()
    for n in range(12):
        repo.write(f"old/m{n}.py", "".join(f"v{i} = {i + n}\n" for i in range(20)))
    repo.commit("add", ALICE)
    for n in range(12):
        repo.remove(f"old/m{n}.py")
        repo.write(f"new/n{n}.py", "".join(f"v{i} = {i + n}\n" for i in range(20)) + "w = 1\n")
    repo.commit("move and edit", ALICE, "2024-01-02T12:00:00+00:00")
    repo.git("config", "diff.renameLimit", "0")

    def revisions() -> int:
        history = analyse_repo(repo.root).history
        assert history is not None
        return max(f.revisions for f in history.files if f.path == "new/n0.py")

    assert revisions() == 2  # within the limit: the rename is followed
    monkeypatch.setattr(gitio, "RENAME_LIMIT", 5)
    assert revisions() == 1  # 12 x 12 candidates exceed 5: no inexact rename detection


def test_git_runs_with_tuned_malloc_unless_the_user_tuned_it(
    make_repo, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The line pass's git processes get glibc's malloc thresholds fixed high (fewer page
    faults); a GLIBC_TUNABLES the user set wins, and the numbers are the same either way."""
    repo = _history_repo(make_repo)
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    tuned = gitio.git_env(repo.root)["GLIBC_TUNABLES"]
    assert "glibc.malloc.mmap_threshold=" in tuned and "glibc.malloc.trim_threshold=" in tuned
    with_tuning = _history_json(repo.root)
    monkeypatch.setenv("GLIBC_TUNABLES", "")
    assert gitio.git_env(repo.root)["GLIBC_TUNABLES"] == ""
    assert _history_json(repo.root) == with_tuning
