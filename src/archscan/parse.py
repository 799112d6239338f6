"""Parsing: (path, bytes) -> FileFacts for every discovered file.

``parse_source`` is pure and never raises; ``parse_files`` reads each file once,
looks it up in the blob-keyed cache and parses the misses in a process pool.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

from archscan.cache import FactsCache, blob_id
from archscan.languages import registry
from archscan.languages.generic import parse_generic
from archscan.records import AnalysisWarning, FileFacts, SourceFile

# Below this many files to parse, a process pool costs more than it saves.
_POOL_THRESHOLD = 150
_CHUNK = 48

Progress = Callable[[int], None]


def parse_source(path: str, language: str, source: bytes) -> FileFacts:
    """Facts of one file. Bad input yields facts with ``errors``, never an exception."""
    try:
        if registry.has_plugin(language):
            facts = registry.plugin(language).parse(path, source)
        else:
            facts = parse_generic(path, language, source)
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the analysis
        return FileFacts(path=path, language=language, sloc=0, errors=(f"parser failed: {exc}",))
    try:
        if not source.isascii():  # ASCII is UTF-8: no need to decode most files
            source.decode("utf-8")
    except UnicodeDecodeError as exc:
        facts = replace(facts, errors=(*facts.errors, f"invalid UTF-8 at byte {exc.start}"))
    return facts


def _parse_chunk(items: Sequence[tuple[str, str, bytes]]) -> list[bytes]:
    """A worker's facts, each pickled as the parse cache stores it: the main process
    unpickles them and stores the same bytes, instead of pickling every fact again."""
    return [
        pickle.dumps(parse_source(path, language, source), protocol=pickle.HIGHEST_PROTOCOL)
        for path, language, source in items
    ]


@dataclass(frozen=True)
class ParseResult:
    files: tuple[SourceFile, ...]  # with blob ids
    facts: dict[str, FileFacts]
    warnings: tuple[AnalysisWarning, ...]
    cache_hits: int
    parsed: int


def _chunks(
    items: list[tuple[str, str, bytes]], size: int
) -> Iterator[list[tuple[str, str, bytes]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _quiet_on_ctrl_c() -> None:
    """Workers ignore Ctrl-C: the main process stops the pool and says it once, instead
    of a KeyboardInterrupt traceback from every worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(
    todo: list[tuple[str, str, bytes]],
    jobs: int,
    progress: Progress | None,
    forked: Callable[[], None],
) -> Iterator[tuple[FileFacts, bytes | None]]:
    """Each file's facts, pickled too when a worker parsed them. ``forked`` is called
    once no process will be forked any more (the workers exist, or none is needed)."""
    if jobs <= 1 or len(todo) < _POOL_THRESHOLD:
        forked()
        for item in todo:
            yield parse_source(*item), None
            if progress:
                progress(1)
        return
    # Large files first so that the pool does not wait on one straggler at the end.
    todo = sorted(todo, key=lambda item: -len(item[2]))
    # fork: workers inherit the loaded grammars instead of importing them again.
    context = get_context("fork") if os.name == "posix" else None
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_quiet_on_ctrl_c
    ) as pool:
        try:
            # map submits every chunk now, and a fork pool starts all its workers at
            # the first submission: nothing forks after this line
            batches = pool.map(_parse_chunk, _chunks(todo, _CHUNK))
            forked()
            for batch in batches:
                yield from ((pickle.loads(item), item) for item in batch)
                if progress:
                    progress(len(batch))
        except BaseException:  # Ctrl-C: drop the queued chunks, let the running ones end
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _nothing() -> None:
    return None


def _warning_kind(error: str) -> str:
    if error.startswith("invalid UTF-8"):
        return "encoding"
    if error.startswith("Python 2"):
        return "python2"
    # A plugin that skips a minified bundle says so first in its errors.
    if error.startswith("minified"):
        return "minified"
    return "parse"


def _warnings_of(facts: FileFacts) -> list[AnalysisWarning]:
    warnings = [AnalysisWarning(facts.path, _warning_kind(error), error) for error in facts.errors]
    if facts.generated:
        warnings.append(AnalysisWarning(facts.path, "generated", facts.generated))
    return warnings


def _with_blob(file: SourceFile, blob: str, size: int) -> SourceFile:
    """``replace(file, blob_id=blob, size=size)`` without its per-call look at the
    fields: 0.6 us a file where replace took 1.4 (4,400 files a re-run on saleor, nearly
    all known by their blob). A field added to SourceFile must be added here too (a
    test says so, as for ``roles._with_role``)."""
    return SourceFile(file.path, file.language, size, blob, file.role)


def _read_into(
    root: Path,
    file: SourceFile,
    cache: FactsCache | None,
    stamped: dict[str, SourceFile],
    keyed: dict[str, tuple[str, str, bytes]],
    warnings: list[AnalysisWarning],
) -> None:
    """Read one file: stamp it with its blob id and size, key it for the parse cache."""
    try:
        with open(os.path.join(str(root), file.path), "rb") as handle:
            content = handle.read()
    except OSError as exc:
        warnings.append(AnalysisWarning(file.path, "unreadable", str(exc.strerror or exc)))
        return
    stamped[file.path] = _with_blob(file, blob_id(content), len(content))
    if file.language is not None:
        key = cache.key(file.path, stamped[file.path].blob_id) if cache else file.path
        keyed[key] = (file.path, file.language, content)


def parse_files(
    root: Path,
    files: Sequence[SourceFile],
    cache: FactsCache | None,
    jobs: int,
    progress: Progress | None = None,
    forked: Callable[[], None] | None = None,
    known: Mapping[str, str] | None = None,
) -> ParseResult:
    """Read, cache-check and parse every file that has a language. ``forked``: called
    once the worker processes exist (a thread started before would be copied into
    them in whatever state it is: the pipeline starts the history's git half then).
    ``known``: path -> blob id established from the files' stat just before (the run
    cache's): such a file is read only when its facts are not cached."""
    stamped: dict[str, SourceFile] = {}
    keyed: dict[str, tuple[str, str, bytes]] = {}
    warnings: list[AnalysisWarning] = []
    unread: dict[str, SourceFile] = {}  # cache key -> a file known by its blob, not read
    for file in files:
        blob = known.get(file.path) if known else None
        if blob is not None and cache is not None:
            stamped[file.path] = _with_blob(file, blob, file.size)
            if file.language is not None:
                unread[cache.key(file.path, blob)] = file
            continue
        _read_into(root, file, cache, stamped, keyed, warnings)
    cached = cache.get_many([*keyed, *unread], base=str(root)) if cache else {}
    for key, file in unread.items():
        if key not in cached:  # known, but never parsed: read it now
            del stamped[file.path]
            _read_into(root, file, cache, stamped, keyed, warnings)
    if progress and cached:
        progress(len(cached))
    todo_keys = [k for k in keyed if k not in cached]
    fresh: dict[str, FileFacts] = {}
    pickled: dict[str, bytes] = {}
    by_path = {keyed[k][0]: k for k in todo_keys}
    # _run calls ``forked`` exactly once, in either branch (an empty list included)
    for facts, stored in _run([keyed[k] for k in todo_keys], jobs, progress, forked or _nothing):
        fresh[by_path[facts.path]] = facts
        if stored is not None:
            pickled[by_path[facts.path]] = stored
    if cache and fresh:
        cache.put_many(fresh, pickled)
    if cache:
        cache.keep_base(str(root), {**cached, **fresh})
    facts_by_path = {f.path: f for f in (*cached.values(), *fresh.values())}
    for path in sorted(facts_by_path):
        warnings.extend(_warnings_of(facts_by_path[path]))
    return ParseResult(
        files=tuple(stamped[f.path] for f in files if f.path in stamped),
        facts=dict(sorted(facts_by_path.items())),
        warnings=tuple(warnings),
        cache_hits=len(cached),
        parsed=len(fresh),
    )
