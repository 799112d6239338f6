"""ProjectView.read_text, the one way stages and resolvers read the repository: only
discovered files, never through a link out of the root (the folder check is cached
per folder, so each case below is asked twice, and after a sibling was read)."""

from __future__ import annotations

from pathlib import Path

from archscan.languages.base import ProjectView
from archscan.records import SourceFile


def _view(root: Path, paths: list[str]) -> ProjectView:
    return ProjectView(root, [SourceFile(p, None, 0) for p in paths], {})


def test_reads_discovered_files_and_refuses_links_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("SECRET = 1\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "app" / "deep").mkdir(parents=True)
    (root / "app" / "ok.py").write_text("OK = 1\n", encoding="utf-8")
    (root / "app" / "deep" / "ok.py").write_text("DEEP = 1\n", encoding="utf-8")
    (root / "top.py").write_text("TOP = 1\n", encoding="utf-8")
    (root / "app" / "out").symlink_to(outside)  # a folder linking out of the root
    (root / "app" / "in").symlink_to(root / "app" / "deep")  # one linking inside it
    (root / "app" / "file.py").symlink_to(root / "top.py")  # a file that is a link
    paths = ["app/ok.py", "app/deep/ok.py", "top.py", "app/out/secret.py", "app/in/ok.py"]
    view = _view(root, [*paths, "app/file.py", "app/missing.py"])
    for _ in range(2):
        assert view.read_text("app/ok.py") == "OK = 1\n"
        assert view.read_text("app/deep/ok.py") == "DEEP = 1\n"
        assert view.read_text("top.py") == "TOP = 1\n"
        assert view.read_text("app/out/secret.py") is None
        assert view.read_text("app/in/ok.py") == "DEEP = 1\n"  # still inside the root
        assert view.read_text("app/file.py") is None
        assert view.read_text("app/missing.py") is None
        assert view.read_text("outside/secret.py") is None  # not discovered
    assert "app/out/secret.py" in view.reads


def test_a_root_given_through_a_link_reads_as_usual(tmp_path: Path) -> None:
    (tmp_path / "real" / "pkg").mkdir(parents=True)
    (tmp_path / "real" / "pkg" / "a.py").write_bytes(b"caf\xe9 = 1\n")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    view = _view(tmp_path / "alias", ["pkg/a.py"])
    assert view.read_text("pkg/a.py") == "caf\ufffd = 1\n"
