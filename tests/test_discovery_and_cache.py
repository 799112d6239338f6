"""Discovery (languages, shebangs, skips) and the blob-keyed parse cache."""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path

from archscan.cache import BASES_KEPT, FactsCache, blob_id, pack_base, unpack_base
from archscan.config import Config
from archscan.discover import discover
from archscan.languages.generic import count_sloc
from archscan.parse import _with_blob, parse_files, parse_source
from archscan.records import PACKED_FIELDS, Definition, FileFacts, Import, SourceFile, packed_key


def test_languages_by_extension_and_shebang(make_repo) -> None:
    repo = make_repo()
    repo.write("bin/tool", "#!/usr/bin/env python3\nimport os\n")
    repo.write("bin/run", "#!/bin/bash\necho hi\n")
    repo.write("bin/data", "just text\n")
    repo.write("lib/x.rs", "fn main() {}\n")
    repo.write("web/app.min.js", "var a=1;")
    repo.write("node_modules/dep/index.js", "module.exports = 1\n")
    repo.commit()
    found = discover(repo.root, Config())
    languages = {f.path: f.language for f in found.files}
    assert languages == {
        "bin/tool": "python",
        "bin/run": "shell",
        "bin/data": None,
        "lib/x.rs": "rust",
    }
    assert {s.path: s.reason for s in found.skipped} == {
        "web/app.min.js": "vendored",
        "node_modules/dep/index.js": "vendored",
    }


def test_generic_sloc_counter() -> None:
    code = "// comment\nint a;\n/* block\n still */ int b;\n\n  /* one */\nx(); // trailing\n"
    assert count_sloc("c", code) == 3
    assert count_sloc("shell", "#!/bin/sh\n# c\necho 1\n\n") == 1
    assert count_sloc("sql", "-- c\nSELECT 1;\n") == 1


def test_blob_id_equals_git_hash_object(make_repo) -> None:
    repo = make_repo()
    repo.write("a.py", "print('x')\n")
    assert blob_id(b"print('x')\n") == repo.git("hash-object", "a.py").strip()


def test_a_rerun_after_one_commit_parses_only_the_changed_file(make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    for i in range(5):
        repo.write(f"m{i}.py", f"import m{(i + 1) % 5}\n")
    repo.commit()
    cache = FactsCache(tmp_path / "cache")
    files = discover(repo.root, Config()).files
    first = parse_files(repo.root, files, cache, jobs=1)
    assert (first.parsed, first.cache_hits) == (5, 0)
    repo.write("m2.py", "import m0\n")
    repo.commit()
    files = discover(repo.root, Config()).files
    second = parse_files(repo.root, files, cache, jobs=1)
    assert (second.parsed, second.cache_hits) == (1, 4)
    assert second.facts["m2.py"].imports[0].target == "m0"
    cache.close()


def test_known_blobs_are_trusted_and_only_files_without_cached_facts_are_read(
    make_repo, tmp_path: Path
) -> None:
    """With the blob ids the run cache's stat check established, parsing takes a file's
    facts from the cache without reading it (as git's index trusts a stat), and reads a
    file only when no facts are cached for its blob."""
    repo = make_repo()
    repo.write("a.py", "import b\n")
    repo.write("b.py", "import a\n")
    repo.write("notes.txt", "text\n")
    repo.commit()
    cache = FactsCache(tmp_path / "cache")
    files = discover(repo.root, Config()).files
    first = parse_files(repo.root, files, cache, jobs=1)
    blobs = {f.path: f.blob_id for f in first.files}
    (repo.root / "a.py").write_text("import os\n")  # after the stat check: not read
    repo.write("c.py", "import b\n")
    repo.commit()
    files = discover(repo.root, Config()).files
    known = {**blobs, "c.py": blob_id(b"import b\n")}  # known, but never parsed
    second = parse_files(repo.root, files, cache, jobs=1, known=known)
    assert (second.parsed, second.cache_hits) == (1, 2)
    assert second.facts["a.py"].imports[0].target == "b"  # the known blob's facts
    assert second.facts["c.py"].imports[0].target == "b"  # read and parsed
    assert {f.path: f.blob_id for f in second.files} == known
    assert [f.path for f in second.files] == [f.path for f in files]
    cache.close()


def _bases(cache: Path) -> dict[str, dict[str, FileFacts]]:
    """root -> its base (path -> facts), read with SQLite itself."""
    with sqlite3.connect(cache / "facts.sqlite") as db:
        rows = db.execute("SELECT root, value FROM bases").fetchall()
    return {root: {f.path: f for f in unpack_base(value).values()} for root, value in rows}


def _forget_entries(cache: Path) -> None:
    with sqlite3.connect(cache / "facts.sqlite") as db:
        db.execute("DELETE FROM facts")


def test_a_rerun_takes_the_facts_from_the_base_and_only_the_changed_ones_entry_by_entry(
    make_repo, tmp_path: Path
) -> None:
    """The base holds what the last run used, as one pickle: with every entry deleted,
    a re-run still finds the unchanged files' facts there; a commit touching one file
    leaves the base as it was (that file's facts are an entry), until enough drifted."""
    repo, files = _modules(make_repo, lambda i: f"import pkg.m{(i + 1) % 200}\n")
    directory = tmp_path / "cache"
    cache = FactsCache(directory)
    parse_files(repo.root, files, cache, jobs=1)
    cache.close()
    assert list(_bases(directory)) == [str(repo.root)]
    assert len(_bases(directory)[str(repo.root)]) == 200
    _forget_entries(directory)
    repo.write("pkg/m7.py", "import pkg.m0\n")
    repo.commit()
    files = discover(repo.root, Config()).files
    cache = FactsCache(directory)
    again = parse_files(repo.root, files, cache, jobs=1)
    assert (again.parsed, again.cache_hits) == (1, 199)
    assert again.facts == parse_files(repo.root, files, None, jobs=1).facts
    assert again.facts["pkg/m7.py"].imports[0].target == "pkg.m0"
    # one file drifted: the base is not rewritten (m7's old facts stay in it, unused)
    assert _bases(directory)[str(repo.root)]["pkg/m7.py"].imports[0].target == "pkg.m8"
    for i in range(70):  # past the drift bound (64 files): rewritten with the new facts
        repo.write(f"pkg/m{i}.py", f"import pkg.m{(i + 2) % 200}\n")
    repo.commit()
    files = discover(repo.root, Config()).files
    drifted = parse_files(repo.root, files, cache, jobs=1)
    cache.close()
    assert (drifted.parsed, drifted.cache_hits) == (70, 130)
    _forget_entries(directory)
    cache = FactsCache(directory)
    last = parse_files(repo.root, files, cache, jobs=1)
    cache.close()
    assert (last.parsed, last.cache_hits) == (0, 200)
    assert last.facts == drifted.facts == _bases(directory)[str(repo.root)]


def test_a_damaged_base_is_read_entry_by_entry_and_bases_are_bounded(
    make_repo, tmp_path: Path
) -> None:
    repo, files = _modules(make_repo, lambda i: f"x = {i}\n")
    directory = tmp_path / "cache"
    cache = FactsCache(directory)
    parse_files(repo.root, files, cache, jobs=1)
    cache.close()
    with sqlite3.connect(directory / "facts.sqlite") as db:
        db.execute("UPDATE bases SET value = ?", (b"not a pickle",))
    cache = FactsCache(directory)
    again = parse_files(repo.root, files, cache, jobs=1)
    assert (again.parsed, again.cache_hits) == (0, 200)  # every entry, one by one
    assert cache.warnings == []
    facts = {cache.key(f.path, f.blob_id or ""): again.facts[f.path] for f in again.files}
    for n in range(BASES_KEPT + 3):  # the base of each of many roots: the newest kept
        cache.get_many([], base=f"/elsewhere/{n}")
        assert cache.keep_base(f"/elsewhere/{n}", facts)
    cache.close()
    kept = _bases(directory)
    assert len(kept) == BASES_KEPT
    assert f"/elsewhere/{BASES_KEPT + 2}" in kept and str(repo.root) not in kept


def _stored_base(directory: Path) -> bytes:
    with sqlite3.connect(directory / "facts.sqlite") as db:
        value: bytes = db.execute("SELECT value FROM bases").fetchone()[0]
    return value


def test_a_base_packs_imports_and_definitions_until_they_are_read(
    make_repo, tmp_path: Path
) -> None:
    """Read from the base, a file's imports and definitions stay pickled until first
    read; the facts are equal to the parsed ones all the same, whichever field is read
    first, and pickle, hash, replace and pack again as ordinary facts."""
    repo, files = _modules(make_repo, lambda i: f"import pkg.m{(i + 1) % 200}\nclass C{i}: pass\n")
    directory = tmp_path / "cache"
    cache = FactsCache(directory)
    parsed = parse_files(repo.root, files, cache, jobs=1).facts
    cache.close()
    _forget_entries(directory)  # what the next run gives comes from the base
    cache = FactsCache(directory)
    again = parse_files(repo.root, files, cache, jobs=1)
    cache.close()
    assert (again.parsed, again.cache_hits) == (0, 200)
    first = again.facts["pkg/m0.py"]
    assert all(packed_key(name) in vars(first) for name in PACKED_FIELDS)
    assert first.imports == (Import("pkg.m1", 1),)
    assert packed_key("imports") not in vars(first) and packed_key("definitions") in vars(first)
    assert first.definitions == (Definition("C0", "class", 2),)
    assert hash(again.facts["pkg/m1.py"]) == hash(parsed["pkg/m1.py"])  # hashed packed
    assert pickle.loads(pickle.dumps(again.facts["pkg/m2.py"])) == parsed["pkg/m2.py"]
    assert replace(again.facts["pkg/m3.py"], sloc=9) == replace(parsed["pkg/m3.py"], sloc=9)
    assert unpack_base(pack_base(again.facts)) == again.facts == parsed
    assert FileFacts("a.py", "python", 1).imports == FileFacts.imports == ()


def test_a_base_of_another_format_or_with_a_bad_checksum_is_read_entry_by_entry(
    make_repo, tmp_path: Path
) -> None:
    repo, files = _modules(make_repo, lambda i: f"import pkg.m{(i + 1) % 200}\n")
    directory = tmp_path / "cache"
    cache = FactsCache(directory)
    parsed = parse_files(repo.root, files, cache, jobs=1).facts
    cache.close()
    value = _stored_base(directory)
    flipped = bytearray(value)
    flipped[len(value) // 2] ^= 0x20  # inside some file's packed imports, likely
    foreign = pickle.dumps(unpack_base(value), protocol=pickle.HIGHEST_PROTOCOL)  # v1
    assert unpack_base(bytes(flipped)) == unpack_base(foreign) == unpack_base(b"ab") == {}
    for damaged in (bytes(flipped), foreign):
        with sqlite3.connect(directory / "facts.sqlite") as db:
            db.execute("UPDATE bases SET value = ?", (damaged,))
        cache = FactsCache(directory)
        again = parse_files(repo.root, files, cache, jobs=1)
        cache.close()
        assert (again.parsed, again.cache_hits) == (0, 200)  # every entry, one by one
        assert again.facts == parsed and cache.warnings == []
        assert _stored_base(directory) != damaged  # all of it drifted: written anew


def _modules(make_repo, body: Callable[[int], str]):  # type: ignore[no-untyped-def]
    """A committed repository of 200 modules (past the parser's pool threshold)."""
    repo = make_repo()
    for i in range(200):
        repo.write(f"pkg/m{i}.py", body(i))
    repo.commit()
    return repo, discover(repo.root, Config()).files


def test_parallel_parsing_gives_the_same_facts(make_repo) -> None:
    repo, files = _modules(
        make_repo, lambda i: f"import pkg.m{(i * 7) % 200}\ndef f(x):\n    return x or {i}\n"
    )
    serial = parse_files(repo.root, files, None, jobs=1)
    parallel = parse_files(repo.root, files, None, jobs=2)
    assert serial.facts == parallel.facts


def test_facts_the_workers_pickled_are_what_the_cache_returns(make_repo, tmp_path: Path) -> None:
    repo, files = _modules(
        make_repo, lambda i: f"import pkg.m{(i * 3) % 200}\nclass C{i}:\n    pass\n"
    )
    cache = FactsCache(tmp_path / "cache")
    cold = parse_files(repo.root, files, cache, jobs=2)  # parsed in workers, stored
    assert cold.parsed == 200 and cold.cache_hits == 0
    warm = parse_files(repo.root, files, cache, jobs=2)
    assert warm.parsed == 0 and warm.cache_hits == 200
    assert warm.facts == cold.facts == parse_files(repo.root, files, None, jobs=1).facts
    cache.close()


def test_utf8_checked_only_where_it_can_fail() -> None:
    assert parse_source("a.py", "python", b"x = 1\n").errors == ()
    assert parse_source("b.py", "python", "x = 'caf\u00e9'\n".encode()).errors == ()
    assert parse_source("c.py", "python", b"x = 'caf\xe9'\n").errors == ("invalid UTF-8 at byte 8",)


def test_forked_is_called_once_when_no_process_will_be_forked_any_more(
    make_repo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The pipeline starts its history thread from this callback: the pool's workers
    must all exist by then (a fork after it would copy the running thread's locks)."""
    import multiprocessing

    repo, files = _modules(make_repo, lambda i: f"import pkg.m{(i * 5) % 200}\nx = {i}\n")
    cache = FactsCache(tmp_path / "cache")
    workers: list[int] = []

    def forked() -> None:
        workers.append(len(multiprocessing.active_children()))

    parse_files(repo.root, files, cache, jobs=2, forked=forked)
    assert workers == [2]  # once, with both workers already started
    workers.clear()
    parse_files(repo.root, files, cache, jobs=2, forked=forked)  # all cached: no pool
    assert workers == [0]
    cache.close()


def _blobs(root: Path, paths: list[str]) -> dict[str, str]:
    return {p: blob_id((root / p).read_bytes()) for p in paths}


def test_discovery_trusts_a_known_blob_and_does_not_read_its_file_again(
    make_repo, tmp_path: Path
) -> None:
    """What a run found of a file's first bytes (binary or text) is kept by path and
    blob id: a later run that knows the blob (the run cache's stat check) does not open
    the file. A name without a suffix is read all the same (a shebang says its
    language); a file whose blob id changed is read; without known blobs nothing is
    kept."""
    repo = make_repo()
    repo.write("app.py", "import os\n")
    repo.write("logo.dat", "GIF89a\0\0\0")
    repo.write("bin/tool", "#!/usr/bin/env python3\nimport os\n")
    repo.commit()
    cache = tmp_path / "cache"
    paths = ["app.py", "logo.dat", "bin/tool"]
    first = discover(repo.root, Config(), _blobs(repo.root, paths), cache)
    assert [f.path for f in first.files] == ["app.py", "bin/tool"]
    assert [(s.path, s.reason) for s in first.skipped] == [("logo.dat", "binary")]
    known = _blobs(repo.root, paths)
    # after the stat check: content the run cache did not see, so must not be read
    (repo.root / "app.py").write_bytes(b"\0binary now")
    (repo.root / "logo.dat").write_text("text now\n")
    (repo.root / "bin/tool").write_text("#!/bin/bash\necho hi\n")
    trusted = discover(repo.root, Config(), known, cache)
    assert {f.path: f.language for f in trusted.files} == {"app.py": "python", "bin/tool": "shell"}
    assert [s.path for s in trusted.skipped] == ["logo.dat"]  # as the known blob was
    changed = discover(repo.root, Config(), _blobs(repo.root, paths), cache)
    assert [f.path for f in changed.files] == ["bin/tool", "logo.dat"]
    assert [(s.path, s.reason) for s in changed.skipped] == [("app.py", "binary")]
    (repo.root / "logo.dat").write_bytes(b"\0")
    assert [s.path for s in discover(repo.root, Config()).skipped] == ["app.py", "logo.dat"]


def test_config_skip_remembers_one_configuration_at_a_time() -> None:
    """The reasons are remembered for the configuration object last asked: another
    configuration, even an equal-looking path asked again, gets its own answer."""
    from archscan.discover import config_skip

    plain = Config()
    excluding = plain.with_cli((), ("gen/**",))
    assert config_skip("gen/a.py", plain) is None
    assert config_skip("gen/a.py", excluding) == "excluded"
    assert config_skip("gen/a.py", plain) is None  # not the other configuration's answer
    assert config_skip("gen/a.py", plain.with_cli((), ("gen/**",))) == "excluded"
    including = plain.with_cli(("src/**",), ())
    assert [config_skip(p, including) for p in ("src/x.py", "gen/a.py")] == [None, "not-included"]


def test_a_file_stamped_with_its_blob_is_the_file_replaced_with_it() -> None:
    """_with_blob is dataclasses.replace(file, blob_id=..., size=...): every other field
    kept (a field added to SourceFile must be added there too)."""
    assert [f.name for f in fields(SourceFile)] == ["path", "language", "size", "blob_id", "role"]
    file = SourceFile("a/b.py", "python", 12, "", "test")
    assert _with_blob(file, "ab" * 20, 34) == replace(file, blob_id="ab" * 20, size=34)
