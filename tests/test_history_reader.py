"""The history reader and the [history] configuration, on real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from archscan.config import ConfigError, parse_config
from archscan.history.native import bot_matcher
from archscan.history.reader import (
    MAX_CHUNK,
    MIN_CHUNK,
    LogQuery,
    commit_ids,
    guided_chunks,
    line_changes,
    stream_commits,
    stream_commits_parallel,
)

ANN = "Ann <ann@example.com>"
ODD = 'we,ird "name"\nwith newline ü.txt'


@pytest.fixture
def repo(make_repo):  # type: ignore[no-untyped-def]
    repo = make_repo()
    repo.write("a.txt", "".join(f"{i}\n" for i in range(10)))
    repo.write(ODD, "x\n")
    repo.write("image.bin", bytes(range(256)))
    repo.commit("first SHOP-1", ANN, "2024-01-01T00:00:00+00:00")
    (repo.root / "sub").mkdir()
    repo.git("mv", "a.txt", "sub/a.txt")
    repo.write("image.bin", bytes(range(255, -1, -1)))
    repo.commit("move #12", ANN, "2024-01-02T00:00:00+00:00")
    repo.commit("empty", ANN, "2024-01-03T00:00:00+00:00")
    return repo


def test_name_pass_reads_renames_odd_paths_and_empty_commits(repo) -> None:  # type: ignore[no-untyped-def]
    commits = list(stream_commits(repo.root, LogQuery()))
    assert [c.message for c in commits] == ["empty", "move #12", "first SHOP-1"]
    assert commits[0].files == ()
    moved = {f.path: (f.status, f.old_path) for f in commits[1].files}
    assert moved["sub/a.txt"] == ("R", "a.txt")
    assert {f.path for f in commits[2].files} == {"a.txt", ODD, "image.bin"}
    assert commits[2].timestamp == 1704067200 and commits[2].author == "Ann"


def test_line_pass_counts_lines_and_binary_as_zero(repo) -> None:  # type: ignore[no-untyped-def]
    query = LogQuery()
    ids = commit_ids(repo.root, query)
    failed: list[str] = []
    chunks = list(line_changes(repo.root, ids, query, 2, failed))
    merged = {commit: files for chunk in chunks for commit, files in chunk.items()}
    first = {path: (added, deleted) for path, _old, added, deleted in merged[ids[2]]}
    assert first == {"a.txt": (10, 0), ODD: (1, 0), "image.bin": (0, 0)}
    assert merged[ids[1]] == [("image.bin", "", 0, 0), ("sub/a.txt", "a.txt", 0, 0)]
    assert failed == []


def test_parallel_name_pass_gives_the_same_commits_in_order(repo) -> None:  # type: ignore[no-untyped-def]
    query = LogQuery()
    ids = commit_ids(repo.root, query)
    assert list(stream_commits_parallel(repo.root, ids, query, 2)) == list(
        stream_commits(repo.root, query)
    )


def test_query_options_limit_the_commits(repo) -> None:  # type: ignore[no-untyped-def]
    assert len(commit_ids(repo.root, LogQuery(max_commits=2))) == 2
    assert len(commit_ids(repo.root, LogQuery(since="2024-01-02T00:00:00+00:00"))) == 2
    renames_off = list(stream_commits(repo.root, LogQuery(follow_renames=False)))
    assert {f.status for f in renames_off[1].files} == {"A", "D", "M"}


def test_bot_patterns_are_literal_except_wildcards() -> None:
    is_bot = bot_matcher(("*[bot]", "renovate*"))
    assert is_bot("dependabot[bot]", "x@y")
    assert is_bot("Someone", "renovate-bot@example.com")
    assert not is_bot("b", "o@t")  # "[bot]" is not a character class


def test_history_configuration_is_validated() -> None:
    config = parse_config({"history": {"coupling_by": "ticket", "min_revs": 2}})
    assert config.history.coupling_by == "ticket" and config.history.min_revs == 2
    with pytest.raises(ConfigError, match="'coupling_bi'"):
        parse_config({"history": {"coupling_bi": "commit"}})
    with pytest.raises(ConfigError, match="coupling_by"):
        parse_config({"history": {"coupling_by": "weekly"}})
    with pytest.raises(ConfigError, match="ticket_pattern"):
        parse_config({"history": {"ticket_pattern": "("}})
    with pytest.raises(ConfigError, match="min_revs"):
        parse_config({"history": {"min_revs": -1}})


def test_a_sub_folder_gets_its_own_history(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from archscan.config import load_config
    from archscan.pipeline import RunOptions, run

    sub = repo.root / "sub"
    analysis = run(sub, load_config(sub), RunOptions(cache_dir=tmp_path / "c", jobs=1))
    assert analysis.history is not None
    assert [f.path for f in analysis.history.files] == ["a.txt"]


def test_guided_chunks_cover_every_id_in_order_large_first_small_last() -> None:
    ids = [f"{i:040x}" for i in range(10_000)]
    chunks = guided_chunks(ids, 2)
    assert [commit for chunk in chunks for commit in chunk] == ids
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[0] == MAX_CHUNK and sizes == sorted(sizes, reverse=True)
    assert all(size == MIN_CHUNK for size in sizes[-3:-1]) and sizes[-1] <= MIN_CHUNK
    assert guided_chunks(ids[:150], 2) == [ids[:150]] and guided_chunks([], 2) == []
