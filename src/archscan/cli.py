"""The archscan command line (typer). Parses options, calls the pipeline, prints."""

from __future__ import annotations

import contextlib
import copy
import csv
import gc
import hashlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
import typer.core
import typer.main

from archscan import __version__
from archscan.cache import default_cache_dir
from archscan.cli_check import register_check_commands
from archscan.config import Config, ConfigError, load_config
from archscan.contexts.decomposition import Decomposition, DecompositionError, read_decomposition
from archscan.gitio import GitError
from archscan.outputs import OutputError, prepare_out_dir, write_text_atomic
from archscan.repocheck import InputError, check_repository
from archscan.report import views
from archscan.report.document import DocumentError, load_document
from archscan.report.registry import (
    REPORTERS,
    FormatError,
    RenderOptions,
    parse_formats,
    write_reports,
)
from archscan.startup import keep_until_exit
from archscan.terminal import clean, shorten_path
from archscan.timings import TimedProgress

if TYPE_CHECKING:  # imported where used: a warm run from the run cache needs none
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table
    from rich.text import Text

    from archscan.history.forked import ForkedMining
    from archscan.pipeline import RunOptions
    from archscan.records import Analysis
    from archscan.run_cache import Lookup, RunCache, RunKey, RunRequest

EXIT_OK = 0
EXIT_USAGE = 2
FORMATS = tuple(REPORTERS)
VIEW_FORMATS = ("table", "csv", "json")


def _plain_help() -> None:
    """Help that reads like git's or ruff's: ``PATH`` and ``--out DIR``, not ``{PATH}``,
    ``<path>`` and ``<bool>`` (typer shows type labels; archscan names each value).
    For typer 0.26-0.28 (pyproject.toml: 0.29 costs every start-up 0.06-0.1 s)."""
    option_metavar = typer.core.TyperOption.make_metavar
    type_metavar = typer._click.types.ParamType.get_metavar

    def plain_option(self: typer.core.TyperOption, ctx: Any) -> str:
        shown = option_metavar(self, ctx)
        if self.metavar is None and shown.startswith("<"):
            label = shown.strip("<>").upper()
            return {"STR": "TEXT"}.get(label, label)
        return shown

    def plain_argument(self: typer.core.TyperArgument, ctx: Any, *, usage: bool = False) -> str:
        name = (self.metavar or self.name or "").upper()
        return f"[{name}]" if usage and not self.required else name

    def no_argument_type(self: Any, param: Any, ctx: Any) -> str | None:
        # an argument's type label in its panel ("<path>"): the argument's name says it
        return "" if isinstance(param, typer.core.TyperArgument) else type_metavar(self, param, ctx)

    typer.core.TyperOption.make_metavar = plain_option  # type: ignore[method-assign]
    typer.core.TyperArgument.make_metavar = plain_argument  # type: ignore[method-assign]
    typer._click.types.ParamType.get_metavar = no_argument_type  # type: ignore[method-assign]


_plain_help()

app = typer.Typer(
    name="archscan",
    help="Automated architecture assessment of a software repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _LazyConsole:
    """A rich Console made where first used: rich.console and what it imports cost every
    start-up 0.014 s of CPU (measured), and a --quiet run prints nothing."""

    def __init__(self, make: Callable[[], Console]) -> None:
        self._make = make
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = self._make()
        return getattr(self._console, name)


def _stdout_console() -> Console:
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal:  # piped or redirected: full paths, no wrapping at 80 columns
        console = Console(highlight=False, width=4096)
    return console


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


stdout = cast("Console", _LazyConsole(_stdout_console))
stderr = cast("Console", _LazyConsole(_stderr_console))
_state = {"debug": False}


class UsageError(Exception):
    """Bad options: reported as one line, exit code 2."""


class RichProgress:
    """Progress bar on stderr; invisible when stderr is not a terminal or --quiet."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled and stderr.is_terminal
        self._bar: Progress | None = None
        self._task: Any = None

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        _stop_if_ctrl_c()
        if not self._enabled:
            yield
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=stderr,
            transient=True,
        ) as bar:
            self._bar, self._task = bar, bar.add_task(name, total=total)
            yield
        self._bar = None

    def advance(self, amount: int = 1) -> None:
        _stop_if_ctrl_c()
        if self._bar is not None:
            self._bar.advance(self._task, amount)

    def set_total(self, total: int) -> None:
        """The phase's total once known (the history phase: commits to read)."""
        if self._bar is not None:
            self._bar.update(self._task, total=total)


def _version(value: bool) -> None:
    if value:
        stdout.print(f"archscan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """archscan: is this repository a monolith to keep, to modularise, or to split?"""
    _state["debug"] = debug


def _formats(value: str) -> tuple[str, ...]:
    try:
        return parse_formats(value)
    except FormatError as exc:
        raise UsageError(str(exc)) from exc


def _inside(target: Path, repo: Path) -> bool:
    real, repo_real = os.path.realpath(target), os.path.realpath(repo)
    return real == repo_real or real.startswith(repo_real + os.sep)


def default_output_dir(repo: Path) -> Path:
    """``./archscan-report`` when the current folder is outside the repository, else a
    folder per repository in the user's cache (archscan never writes into the repo)."""
    local = Path.cwd() / "archscan-report"
    if not _inside(local, repo):
        return local.resolve()
    import platformdirs

    key = hashlib.sha1(os.path.realpath(repo).encode("utf-8", "surrogateescape")).hexdigest()
    cache = Path(platformdirs.user_cache_dir("archscan")) / "reports"
    return cache / f"{repo.name or 'repository'}-{key[:10]}"


def _output_dir(out: Path | None, repo: Path) -> Path:
    target = out.resolve() if out else default_output_dir(repo)
    if _inside(target, repo):
        raise UsageError(
            f"refusing to write into the analysed repository ({target}); choose --out elsewhere"
        )
    return prepare_out_dir(target)


def _text(value: object, path: bool = False) -> Text:
    """A table cell: control characters stripped, never parsed as markup; paths keep
    their end on a terminal and are printed whole otherwise."""
    from rich.text import Text

    cleaned = clean(value)
    if path and stdout.is_terminal:
        cleaned = shorten_path(cleaned, max(24, stdout.width // 2))
    return Text(cleaned)


def _history_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Summary rows of the history stage (none when it did not run)."""
    history = data.get("history")
    if not history:
        return []
    pairs = data["temporal_coupling"]
    crossing = sum(1 for pair in pairs if pair["cross_boundary"])
    rows = [
        ("Commits (authors)", f"{history['commits']} ({history['authors']})"),
        ("Bot commits left out", str(history["bot_commits"])),
        ("Temporal coupling", f"{len(pairs)} pairs ({crossing} cross-boundary)"),
        ("Bus factor", str(data["ownership"]["bus_factor"])),
    ]
    if data["hotspots"]:
        top = data["hotspots"][0]
        where = shorten_path(clean(top["path"]), 60) if stdout.is_terminal else clean(top["path"])
        rows.append(("Top hotspot", f"{where} ({top['revisions']} x {top['complexity']})"))
    return rows


def _summary(data: dict[str, Any]) -> None:
    # here: a --quiet run prints no table (rich.table and the fractions and decimal it
    # imports: 1.7-2.6 ms of every start-up, measured)
    from rich.table import Table
    from rich.text import Text

    s = data["summary"]
    table = Table(title="archscan summary", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("Files analysed", str(s["files"]))
    table.add_row(
        "Languages",
        Text(", ".join(f"{lang['name']} ({lang['files']})" for lang in data["languages"]) or "-"),
    )
    table.add_row("Modules in the graph", str(s["files_in_graph"]))
    table.add_row("Internal dependencies", str(s["dependencies"]))
    table.add_row("External packages", str(s["external_packages"]))
    in_view = data["views"]
    table.add_row(
        "Architecture view", f"{', '.join(in_view['roles'])} code ({in_view['files']} files)"
    )
    bounds = data["boundaries"]
    table.add_row("Components", f"{len(bounds['groups'])} ({bounds['kind']})")
    roles = ", ".join(f"{r['role']} {r['files']}" for r in data["roles"]["counts"] if r["files"])
    table.add_row("File roles", roles or "-")
    table.add_row("File cycles (runtime)", f"{s['file_cycles']} ({s['files_in_cycles']} files)")
    all_edges = data["metrics"]["all_edges"]["propagation_cost"]
    table.add_row(
        "Propagation cost (runtime)",
        f"{data['metrics']['propagation_cost'] * 100:.1f}% (all edges {all_edges * 100:.1f}%)",
    )
    for label, value in _history_rows(data):
        table.add_row(label, _text(value))
    if data.get("assessment"):
        verdict = data["assessment"]
        table.add_row(
            "Verdict", _text(f"{verdict['verdict']} (confidence {verdict['confidence']:.2f})")
        )
    skipped = ", ".join(f"{k}: {v}" for k, v in s["skipped"].items())
    table.add_row("Skipped", _text(skipped or "none"))
    table.add_row("Warnings", str(s["warnings"]))
    stdout.print(table)
    packages = views.most_coupled(data["packages"], 10)
    if packages:
        coupled = Table(title="Most coupled packages", title_justify="left")
        for column in ("package", "files", "Ca", "Ce", "I", "D"):
            coupled.add_column(column, justify="left" if column == "package" else "right")
        for p in packages:
            coupled.add_row(
                _text(p["name"], path=True),
                str(p["files"]),
                str(p["ca"]),
                str(p["ce"]),
                f"{p['instability']:.2f}",
                f"{p['distance']:.2f}",
            )
        stdout.print(coupled)


def summary_document(data: dict[str, Any]) -> dict[str, Any]:
    """The part of the document :func:`_summary` reads, in the same shape (the run cache
    stores it: a warm run prints the summary without loading the whole document)."""
    kept = ("summary", "languages", "views", "boundaries", "roles", "metrics", "assessment")
    part = {key: data[key] for key in kept if key in data}
    part["packages"] = views.most_coupled(data["packages"], 10)
    if data.get("history"):
        # its figures, not its per-file rows: those were 1.5 of the 2.1 MB stored for
        # saleor, written on every stored run and parsed again on every hit
        part["history"] = {
            key: value
            for key, value in data["history"].items()
            if not isinstance(value, (list, dict))
        }
        part["temporal_coupling"] = [
            {"cross_boundary": pair["cross_boundary"]} for pair in data["temporal_coupling"]
        ]
        part["ownership"] = {"bus_factor": data["ownership"]["bus_factor"]}
        part["hotspots"] = data["hotspots"][:1]
    return part


_FORMAT_HELP = "Comma-separated output formats: " + ", ".join(
    f"{r.name} ({r.file_name})" for r in REPORTERS.values()
)
_TEMPLATES = Annotated[
    Path | None,
    typer.Option(
        "--templates", metavar="DIR", help="A branded copy of report_templates/ (by file name)."
    ),
]


# Options shared by analyze and contexts.
_CONTEXTS = Annotated[
    int | None, typer.Option("--contexts", min=1, metavar="K", help="Ask for this many contexts.")
]
_DECOMPOSITION = Annotated[
    list[Path] | None,
    typer.Option(
        "--decomposition", metavar="FILE", help="CSV/RSF of file-or-class,service to score."
    ),
]
_GROUND_TRUTH = Annotated[
    list[Path] | None,
    typer.Option("--ground-truth", metavar="FILE", help="CSV/RSF ground truth: MoJoFM and c2c."),
]


@app.command()
def analyze(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="The repository (or folder) to analyse.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Output folder (default ./archscan-report, or the user cache when the "
            "current folder is inside the repository).",
        ),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="LIST", help=_FORMAT_HELP)
    ] = "json,md,html",
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", metavar="FILE", help="Configuration file (TOML)."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option("--include", metavar="GLOB", help="Only analyse paths matching this glob."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", metavar="GLOB", help="Skip paths matching this glob."),
    ] = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Skip git history mining.")
    ] = False,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes (0 = cores)."),
    ] = 0,
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", metavar="DIR", help="Cache folder (default: user cache)."),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Analyse anew: no stored run, parse or history cache."),
    ] = False,
    templates: _TEMPLATES = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")] = False,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Assessment thresholds (YAML) to apply.")
    ] = None,
    timings: Annotated[
        bool, typer.Option("--timings", help="Print the time of each phase (on stderr).")
    ] = False,
    contexts: _CONTEXTS = None,
    decomposition: _DECOMPOSITION = None,
    ground_truth: _GROUND_TRUTH = None,
) -> None:
    """Analyse a repository: dependency graph, structural metrics, history, reports."""
    from archscan.run_cache import RunRequest, unstorable, write_stored

    formats = _formats(format)
    _check_templates(templates)
    repo = check_repository(path)
    settings = load_config(repo, config).with_cli(tuple(include or ()), tuple(exclude or ()))
    settings = _with_rules(settings, rules)
    target = _output_dir(out, repo)
    request = RunRequest(
        root=repo,
        config=settings,
        formats=formats,
        history=not no_history,
        contexts=contexts,
        decompositions=_decompositions(decomposition),
        ground_truths=_decompositions(ground_truth),
        templates=templates,
    )
    progress = TimedProgress(RichProgress(enabled=not quiet))
    store = None if no_cache else _run_cache(cache_dir)
    lookup, started = None, None
    analysis: Analysis | None = None
    if store is not None:
        with progress.timed("Checking the run cache"):
            lookup, started = _lookup(store, request, jobs, cache_dir)
    if lookup is not None and lookup.stored is not None:
        with progress.timed("Writing stored reports"):
            written = write_stored(lookup.stored, target)
        data = lookup.stored.summary
    else:
        options = _run_options(request, jobs, cache_dir, no_cache)
        if lookup is not None:
            options = replace(options, known_blobs=lookup.blobs, survey=lookup.survey)
        analysis = _run(repo, settings, options, progress, started)
        check = None
        if store is not None and lookup is not None and not lookup.key.uncacheable:
            check = _InputCheck(store, request, lookup.key)
        with progress.timed("Writing reports"):
            compiled = None if no_cache else (cache_dir or default_cache_dir())
            data, written = _write_analysis(analysis, formats, target, templates, compiled, check)
        if check is not None and lookup is not None:
            why = unstorable(analysis.warnings)
            if not why:
                with progress.timed("Storing the run"):
                    kept = check.store(written, summary_document(data))
                why = "" if kept else "an input changed while it ran, or the cache failed"
            if why:
                lookup = replace(lookup, note=f"{lookup.note}; not stored: {why}")
    if store is not None:
        store.close()
    if timings:
        for line in progress.lines():
            stderr.print(line, markup=False)
        note = "off (--no-cache)" if store is None and no_cache else "unavailable"
        stderr.print(f"run cache: {lookup.note if lookup else note}", markup=False)
    if not quiet:
        from rich.text import Text

        _summary(data)
        for file in written:
            stdout.print(Text(f"wrote {file}"))
    keep_until_exit(analysis, data, lookup)


def _run_cache(cache_dir: Path | None) -> RunCache | None:
    """The run cache, its problems said once on stderr (a damaged file is rebuilt)."""
    from archscan.cache import default_cache_dir
    from archscan.run_cache import open_run_cache

    store = open_run_cache(cache_dir or default_cache_dir())
    for problem in store.warnings if store else ():
        stderr.print(f"archscan: warning: {problem}", markup=False, soft_wrap=True)
    return store


class _InputCheck:
    """The run cache's check that no input changed while the analysis ran, made while
    the HTML report renders in a process of its own (write_reports' ``alongside``);
    then the run is stored with what it found."""

    def __init__(self, store: RunCache, request: RunRequest, key: RunKey) -> None:
        self._store, self._request, self._key = store, request, key
        self._current: bool | None = None

    def __call__(self) -> None:
        self._current = self._store.current(self._request, self._key)

    def store(self, written: list[Path], summary: dict[str, Any]) -> bool:
        return self._store.store(self._request, self._key, written, summary, self._current)


def _run_options(request: Any, jobs: int, cache_dir: Path | None, no_cache: bool) -> RunOptions:
    from archscan.pipeline import RunOptions

    return RunOptions(
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        history=request.history,
        contexts=request.contexts,
        decompositions=request.decompositions,
        ground_truths=request.ground_truths,
    )


def _run(
    repo: Path,
    settings: Config,
    options: RunOptions,
    progress: Any,
    started: ForkedMining | None = None,
) -> Analysis:
    from archscan.pipeline import run

    return run(repo, settings, options, progress, started)


def _lookup(
    store: RunCache, request: RunRequest, jobs: int, cache_dir: Path | None
) -> tuple[Lookup, ForkedMining | None]:
    """The run cache's answer, and the mining child a miss's run then owns (None on a
    hit: stored meanwhile by another run of the same folder, the child is stopped, as
    it is when the lookup fails)."""
    started = _first_run_mining(store, request, jobs, cache_dir)
    try:
        lookup = store.lookup(request)
    except BaseException:
        if started is not None:
            started.stop()
        raise
    if lookup.stored is not None and started is not None:
        started.stop()
        started = None
    return lookup, started


def _first_run_mining(
    store: RunCache, request: RunRequest, jobs: int, cache_dir: Path | None
) -> ForkedMining | None:
    """The history's git half, started before the run cache's key where nothing is
    stored for the folder (its first run, or after ``cache clear``): a miss for sure,
    and the key hashes every file (0.3-0.7 s on saleor) while git could run on the
    other core. Elsewhere (a re-run) the key is quick and may be a hit, and the
    child's discovery is cheaper with the blob ids the key establishes: None. (Nor is
    the pipeline imported then: a hit needs none of it.)"""
    if not request.history or store.has_runs(str(request.root)):
        return None
    from archscan.pipeline import start_mining

    options = _run_options(request, jobs, cache_dir, False)
    return start_mining(request.root, request.config, options)


def _write_analysis(
    analysis: Analysis,
    formats: tuple[str, ...],
    target: Path,
    templates: Path | None,
    cache_dir: Path | None = None,
    alongside: Callable[[], object] | None = None,
) -> tuple[dict[str, Any], list[Path]]:
    """Reporters render the document as archscan.json holds it, so that ``archscan
    report`` on the saved file writes the same bytes: the analysis dict itself, which
    holds only what ``json.loads`` builds (lists, string keys, finite floats: the tests
    assert it of every section), so reading 17 MB back (0.06 s on saleor) is not needed.
    Compiled templates are kept in ``cache_dir``; ``alongside``: see write_reports.

    Without cyclic garbage collection: the document is millions of new objects without
    cycles, that the collector would scan again and again while the reports are
    rendered (~0.3 s of 1.2 s on saleor, measured); they are frozen after."""
    from archscan.cache import paused_gc
    from archscan.report.json_report import analysis_to_dict

    with paused_gc():
        data = analysis_to_dict(analysis)
        return data, _write(data, formats, target, templates, cache_dir, alongside)


def _check_templates(templates: Path | None) -> None:
    if templates is not None and not templates.is_dir():
        raise UsageError(f"--templates {templates} is not a folder")


def _write(
    data: dict[str, Any],
    formats: tuple[str, ...],
    target: Path,
    templates: Path | None,
    cache_dir: Path | None = None,
    alongside: Callable[[], object] | None = None,
) -> list[Path]:
    """Render the formats; compiled templates are kept in ``cache_dir`` (None: none)."""
    from archscan.report.pdf import PdfError

    options = RenderOptions(templates=templates, cache_dir=cache_dir)
    try:
        return write_reports(data, formats, target, options, alongside=alongside)
    except PdfError as exc:
        raise UsageError(str(exc)) from exc


@app.command()
def report(
    document: Annotated[
        Path, typer.Argument(metavar="ARCHSCAN_JSON", help="A saved archscan.json.")
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="LIST", help=_FORMAT_HELP)
    ] = "html,md",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Output folder (default: beside ARCHSCAN_JSON)."
        ),
    ] = None,
    templates: _TEMPLATES = None,
) -> None:
    """Re-render a saved analysis (no re-analysis): same bytes as analyze wrote."""
    from rich.text import Text

    formats = _formats(format)
    _check_templates(templates)
    data = _load(document)
    target = (out or document.resolve().parent).resolve()
    if "json" in formats and (target / "archscan.json").resolve() == document.resolve():
        formats = tuple(f for f in formats if f != "json")  # already there, same bytes
    for file in _write(data, formats, target, templates, default_cache_dir()):
        stdout.print(Text(f"wrote {file}"))


def _load(document: Path) -> dict[str, Any]:
    try:
        return load_document(document)
    except DocumentError as exc:
        raise UsageError(str(exc)) from exc


@app.command()
def history(
    log: Annotated[Path, typer.Option("--log", "-l", help="A code-maat git2 log file.")],
    analysis: Annotated[
        str, typer.Option("--analysis", "-a", help="The code-maat analysis to run.")
    ] = "authors",
    version_control: Annotated[
        str, typer.Option("--version-control", "-c", help="Log format (only git2).")
    ] = "git2",
    out: Annotated[
        Path | None, typer.Option("--out", "--outfile", "-o", help="Write the CSV here.")
    ] = None,
    rows: Annotated[int | None, typer.Option("--rows", "-r", help="Max rows in output.")] = None,
    group: Annotated[
        Path | None, typer.Option("--group", "-g", help="Layer file: 'path => name' lines.")
    ] = None,
    team_map: Annotated[
        Path | None,
        typer.Option("--team-map", "--team-map-file", "-p", help="CSV author,team."),
    ] = None,
    min_revs: Annotated[int, typer.Option("--min-revs", "-n")] = 5,
    min_shared_revs: Annotated[int, typer.Option("--min-shared-revs", "-m")] = 5,
    min_coupling: Annotated[int, typer.Option("--min-coupling", "-i")] = 30,
    max_coupling: Annotated[int, typer.Option("--max-coupling", "-x")] = 100,
    max_changeset_size: Annotated[int, typer.Option("--max-changeset-size", "-s")] = 30,
    temporal_period: Annotated[
        int | None, typer.Option("--temporal-period", "-t", help="Sliding window in days.")
    ] = None,
    age_time_now: Annotated[
        str | None, typer.Option("--age-time-now", "-d", help="YYYY-MM-DD counted as now.")
    ] = None,
    verbose_results: Annotated[bool, typer.Option("--verbose-results")] = False,
    input_encoding: Annotated[str, typer.Option("--input-encoding")] = "utf-8",
) -> None:
    """code-maat compatible analyses of a git2 log, as CSV (same columns and numbers)."""
    from archscan.history.compat import CompatRequest, run_compat

    if version_control != "git2":
        raise UsageError(f"unsupported --version-control {version_control!r}; only git2")
    request = CompatRequest(
        log=log,
        analysis=analysis,
        group=group,
        team_map=team_map,
        encoding=input_encoding,
        min_revs=min_revs,
        min_shared_revs=min_shared_revs,
        min_coupling=min_coupling,
        max_coupling=max_coupling,
        max_changeset_size=max_changeset_size,
        temporal_period=temporal_period,
        age_time_now=age_time_now,
        verbose_results=verbose_results,
        rows=rows,
    )
    try:
        text, problems = run_compat(request)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    for problem in problems[:20]:
        stderr.print(f"archscan: warning: {log}:{problem.line}: {problem.message}", markup=False)
    if len(problems) > 20:
        stderr.print(f"archscan: warning: {len(problems) - 20} more log problems", markup=False)
    if out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out, text)


def _view_document(
    path: Path | None,
    source: Path | None,
    config: Path | None,
    since: str | None,
    jobs: int,
    cache_dir: Path | None,
) -> dict[str, Any]:
    """The document a terminal view shows: a saved archscan.json (--from), or a fresh
    analysis of PATH (history since --since when given)."""
    if source is not None:
        if path is not None:
            raise UsageError("give either PATH or --from, not both")
        return _load(source)
    if path is None:
        raise UsageError("give the repository PATH, or --from archscan.json")
    from rich.text import Text

    from archscan.pipeline import RunOptions, run
    from archscan.report.json_report import analysis_to_dict

    repo = check_repository(path)
    settings = load_config(repo, config)
    if since:
        settings = replace(settings, history=replace(settings.history, since=since))
    analysis = run(repo, settings, RunOptions(jobs=jobs, cache_dir=cache_dir), RichProgress(True))
    for warning in analysis.warnings:
        if warning.kind in ("no-history", "shallow-clone", "history-unreadable"):
            stderr.print(Text(f"archscan: warning: {clean(warning.message)}"))
    return analysis_to_dict(analysis)


def _since_date(since: str | None) -> str | None:
    if since is None:
        return None
    try:
        return date.fromisoformat(since).isoformat()
    except ValueError as exc:
        raise UsageError(f"--since with --from takes a date YYYY-MM-DD, not {since!r}") from exc


def show_view(
    name: str,
    data: dict[str, Any],
    *,
    top: int,
    sort: str | None,
    exclude: tuple[str, ...],
    since: str | None,
    output: str,
) -> None:
    """Print one table view of a document (terminal table, CSV or JSON on stdout)."""
    from rich.table import Table  # here, as in _summary

    view = views.TABLE_VIEWS[name]
    if not data.get(view.requires):
        raise UsageError(f"the analysis has no {view.requires} section to show")
    rows = views.filter_rows(view, view.rows(data), data, exclude, since)
    rows = views.sort_rows(view, rows, sort)[: max(top, 0)]
    if output == "json":
        picked = [{c.title: row.get(c.key) for c in view.columns} for row in rows]
        sys.stdout.write(json.dumps(picked, indent=2, ensure_ascii=False) + "\n")
        return
    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(view.sort_names())
        for row in rows:
            writer.writerow([views.cell_text(row.get(c.key)) for c in view.columns])
        return
    repo = clean(str((data.get("repository") or {}).get("root", "")).rsplit("/", 1)[-1])
    commits = (data.get("history") or {}).get("commits", 0)
    roles = ", ".join((data.get("views") or {}).get("roles", ()))
    scope = f", {roles} code" if roles else ""
    table = Table(title=f"{name} of {repo} ({commits} commits{scope})", title_justify="left")
    for column in view.columns:
        table.add_column(column.title, justify="right" if column.numeric else "left")
    for row in rows:
        table.add_row(
            *(
                _text(views.cell_text(row.get(c.key)), path=c.key in view.paths)
                for c in view.columns
            )
        )
    stdout.print(table)


# Option types of the view commands (module level: typer resolves annotations here).
_VIEW_PATH = Annotated[
    Path | None,
    typer.Argument(metavar="PATH", help="The repository (or use --from).", show_default=False),
]
_FROM = Annotated[
    Path | None,
    typer.Option("--from", metavar="ARCHSCAN_JSON", help="Show a saved analysis; no re-analysis."),
]
_TOP = Annotated[int, typer.Option("--top", "-n", min=0, metavar="N", help="Rows to show.")]
_ROW_EXCLUDE = Annotated[
    list[str] | None,
    typer.Option("--exclude", metavar="GLOB", help="Leave out rows of matching paths."),
]
_SINCE = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="History since DATE (git's --since); with --from, only rows of files changed "
        "on or after DATE (YYYY-MM-DD).",
    ),
]
_VIEW_FORMAT = Annotated[
    str, typer.Option("--format", "-f", metavar="FORMAT", help="table, csv or json.")
]
_CONFIG = Annotated[
    Path | None, typer.Option("--config", "-c", metavar="FILE", help="Configuration file.")
]
_JOBS = Annotated[
    int, typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes (0 = cores).")
]
_CACHE = Annotated[
    Path | None, typer.Option("--cache-dir", metavar="DIR", help="Parse cache folder.")
]
_PATH = Annotated[
    Path, typer.Argument(metavar="PATH", help="The repository to analyse.", show_default=False)
]


def _decompositions(paths: list[Path] | None) -> tuple[Decomposition, ...]:
    try:
        return tuple(read_decomposition(p) for p in paths or ())
    except DecompositionError as exc:
        raise UsageError(str(exc)) from exc


def _print_warnings(analysis: Any, kinds: tuple[str, ...]) -> None:
    from rich.text import Text

    for warning in analysis.warnings:
        if warning.kind in kinds:
            stderr.print(Text(f"archscan: warning: {clean(warning.message)}"))


_CONTEXT_WARNINGS = (
    "contexts-no-history",
    "contexts-empty",
    "contexts-count",
    "decomposition-unknown",
)


@app.command(name="contexts")
def contexts_command(
    path: Annotated[Path, typer.Argument(help="The repository to analyse.")],
    config: _CONFIG = None,
    contexts: _CONTEXTS = None,
    decomposition: _DECOMPOSITION = None,
    ground_truth: _GROUND_TRUTH = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="No git history.")] = False,
    top: Annotated[int, typer.Option("--top", "-n", help="Rows to show.")] = 30,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = cores).")] = 0,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Parse cache.")] = None,
) -> None:
    """Candidate bounded contexts and the quality of the decomposition."""
    from archscan.contexts.tables import contexts_table, quality_table, scores_table
    from archscan.pipeline import RunOptions, run

    repo = check_repository(path)
    settings = load_config(repo, config)
    options = RunOptions(
        jobs=jobs,
        cache_dir=cache_dir,
        history=not no_history,
        contexts=contexts,
        decompositions=_decompositions(decomposition),
        ground_truths=_decompositions(ground_truth),
    )
    analysis = run(repo, settings, options, RichProgress(enabled=True))
    _print_warnings(analysis, _CONTEXT_WARNINGS)
    result = analysis.contexts
    if result is None or not result.contexts:
        raise UsageError("no production files to propose contexts from")
    signals = ", ".join(result.signals)
    title = f"{len(result.contexts)} candidate contexts of {repo.name} ({signals})"
    stdout.print(contexts_table(result, title, top))
    stdout.print(quality_table((result.quality, *result.decompositions), "Decomposition quality"))
    if result.scores:
        stdout.print(scores_table(result.scores, "Against the ground truth"))


@app.command()
def compare(
    first: Annotated[str, typer.Argument(help="A decomposition file, or 'archscan'.")],
    second: Annotated[str, typer.Argument(help="A decomposition file, or 'archscan'.")],
    repo_path: Annotated[Path, typer.Option("--repo", "-r", help="The repository.")] = Path("."),
    config: _CONFIG = None,
    ground_truth: Annotated[
        list[Path] | None,
        typer.Option(
            "--ground-truth", metavar="FILE", help="CSV/RSF ground truth: MoJoFM and c2c."
        ),
    ] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="No git history.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = cores).")] = 0,
) -> None:
    """Score two decompositions side by side (quality metrics, MoJoFM of each to the other)."""
    from archscan.contexts.tables import quality_table, scores_table
    from archscan.pipeline import RunOptions, run

    repo = check_repository(repo_path)
    names = [first, second]
    given = _decompositions([Path(n) for n in names if n != "archscan"])
    options = RunOptions(
        jobs=jobs,
        history=not no_history,
        decompositions=given,
        ground_truths=_decompositions(ground_truth),
        cross_scores=True,
    )
    analysis = run(repo, load_config(repo, config), options, RichProgress(enabled=True))
    _print_warnings(analysis, _CONTEXT_WARNINGS)
    result = analysis.contexts
    if result is None or not result.contexts:
        raise UsageError("no production files to compare decompositions on")
    by_name = {q.name: q for q in (result.quality, *result.decompositions)}
    chosen = [by_name[n if n == "archscan" else str(Path(n))] for n in names]
    stdout.print(quality_table(chosen, "Decompositions side by side"))
    wanted = {q.name for q in chosen}
    scores = [s for s in result.scores if s.decomposition in wanted]
    if scores:
        stdout.print(scores_table(scores, "MoJoFM / c2c (the second column is the reference)"))


def _register_view(name: str) -> None:
    """One terminal command per table view; they differ only in the view they show."""
    view = views.TABLE_VIEWS[name]
    columns = ", ".join(view.sort_names())

    def command(
        path: _VIEW_PATH = None,
        source: _FROM = None,
        top: _TOP = 20,
        sort: str | None = None,  # annotated below: its help lists this view's columns
        exclude: _ROW_EXCLUDE = None,
        since: _SINCE = None,
        output: _VIEW_FORMAT = "table",
        config: _CONFIG = None,
        jobs: _JOBS = 0,
        cache_dir: _CACHE = None,
    ) -> None:
        # Every option is checked before any work: a bad --sort must not cost an analysis.
        if sort is not None and sort not in view.sort_names():
            raise UsageError(f"unknown sort column {sort!r}; choose from {columns}")
        if output not in VIEW_FORMATS:
            raise UsageError(f"unknown --format {output!r}; choose from {', '.join(VIEW_FORMATS)}")
        filter_since = _since_date(since) if source is not None else None
        data = _view_document(path, source, config, since, jobs, cache_dir)
        show_view(
            name,
            data,
            top=top,
            sort=sort,
            exclude=tuple(exclude or ()),
            since=filter_since,
            output=output,
        )

    command.__doc__ = view.summary
    command.__annotations__["sort"] = Annotated[
        str | None,
        typer.Option(
            "--sort",
            "-s",
            metavar="COLUMN",
            help=f"Column to sort on: {columns} (default {view.default_sort}).",
        ),
    ]
    app.command(name=name)(command)


for _name in views.TABLE_VIEWS:
    _register_view(_name)

register_check_commands(app)


def _with_rules(settings: Config, rules: Path | None) -> Config:
    """``--rules FILE`` on top of the configured (or shipped) assessment rules."""
    if rules is None:
        return settings
    from dataclasses import replace

    from archscan.assess.rules import RulesError, rules_file

    try:
        return replace(settings, assessment=rules_file(rules, settings.assessment))
    except RulesError as exc:
        raise ConfigError(str(exc)) from exc


def _scorecard(assessment: dict[str, Any]) -> Table:
    from rich.markup import escape
    from rich.table import Table  # here, as in _summary

    table = Table(title="Signals", title_justify="left")
    for column in ("signal", "group", "value", "threshold", "weight", "score", "finding"):
        right = column in ("value", "threshold", "weight", "score")
        table.add_column(column, justify="right" if right else "left", overflow="fold")
    for s in sorted(assessment["signals"], key=lambda s: (-s["weight"] * abs(s["score"]), s["id"])):
        value = "n/a" if s["value"] is None else f"{s['value']:g}"
        table.add_row(
            escape(s["name"]),
            s["group"],
            value,
            f"{s['threshold']:g}",
            f"{s['weight']:g}",
            f"{s['score']:+.2f}" if s["available"] else "-",
            escape(s["reason"]),
        )
    return table


def _first_wave(plan: dict[str, Any]) -> Table | None:
    from rich.markup import escape
    from rich.table import Table  # here, as in _summary

    wave = [c for c in plan["candidates"] if c["wave"] == 1]
    if not wave:
        return None
    table = Table(title="Extraction plan: first wave", title_justify="left")
    for column in ("rank", plan["unit_kind"], "score", "files", "cut", "first step"):
        right = column in ("rank", "score", "files", "cut")
        table.add_column(column, justify="right" if right else "left", overflow="fold")
    for c in wave:
        table.add_row(
            str(c["rank"]),
            escape(c["unit"]),
            f"{c['score']:.2f}",
            str(c["files"]),
            f"{c['cut']['size']} of {c['cut']['crossing_edges']}",
            escape(c["first_step"]),
        )
    return table


def _print_assessment(data: dict[str, Any]) -> None:
    from rich.markup import escape

    result = data["assessment"]
    stdout.print(
        f"[bold]Verdict: {escape(result['verdict'])}[/bold]  confidence "
        f"{result['confidence']:.2f} (signals available: {result['coverage']:.0%})"
    )
    stdout.print(escape(result["basis"]))
    for warning in result["warning_details"]:
        stdout.print(
            f"[bold red]Warning: {escape(warning['id'])}[/bold red]: {escape(warning['reason'])}"
        )
        for item in warning["evidence"][:5]:
            stdout.print(f"  - {escape(item)}")
    stdout.print(_scorecard(result))
    if result["evidence_against"]:
        stdout.print("[bold]Evidence against the verdict[/bold]")
        for item in result["evidence_against"]:
            stdout.print(f"  - {escape(item['signal'])}: {escape(item['reason'])}")
    wave = _first_wave(data["extraction_plan"])
    if wave is not None and result["verdict"] in ("stay-monolith", "already-distributed"):
        stdout.print(f"The verdict is {result['verdict']}: the ranking below is for reference.")
    if wave is not None:
        stdout.print(wave)
    else:
        stdout.print(f"No {escape(data['extraction_plan']['unit_kind'])} qualifies for extraction.")


@app.command()
def assess(
    path: _VIEW_PATH = None,
    source: _FROM = None,
    config: _CONFIG = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Assessment thresholds (YAML) to apply.")
    ] = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Skip git history mining.")
    ] = False,
    jobs: _JOBS = 0,
    cache_dir: _CACHE = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Should this system become microservices? The verdict, its signals and the first wave."""
    from archscan.pipeline import RunOptions, run
    from archscan.report.json_report import analysis_to_dict

    if source is not None:
        if path is not None or rules is not None:
            raise UsageError("--from shows a saved verdict: give no PATH or --rules with it")
        _print_assessment(_load(source))
        return
    if path is None:
        raise UsageError("give the repository PATH, or --from archscan.json")
    repo = check_repository(path)
    settings = _with_rules(load_config(repo, config), rules)
    options = RunOptions(jobs=jobs, cache_dir=cache_dir, history=not no_history)
    analysis = run(repo, settings, options, RichProgress(enabled=not quiet))
    _print_assessment(analysis_to_dict(analysis))


@app.command()
def portfolio(
    repos: Annotated[Path, typer.Argument(help="A text file: one repository path a line.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the roll-up and reports.")],
    scheduler: Annotated[
        str, typer.Option("--scheduler", help="A Dask scheduler (tcp://HOST:PORT); default local.")
    ] = "",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Analyses at once (0 = cores).")] = 0,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per repository.")] = 3600,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", help="Memory limit per analysis in MiB (0 = none).")
    ] = 4096,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Skip git history mining.")
    ] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Cache folder (default: user cache).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the parse and history caches.")
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Start over: ignore the manifest of an earlier run.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-repository lines.")] = False,
) -> None:
    """Assess many repositories; write DIR/portfolio.json, .csv and .html (resumable)."""
    from archscan.portfolio.runner import PortfolioError, PortfolioRequest, run_portfolio

    request = PortfolioRequest(
        repos_file=repos,
        out=out.resolve(),
        jobs=jobs,
        timeout=timeout,
        memory_mb=memory_mb,
        history=not no_history,
        cache_dir=str(cache_dir.resolve()) if cache_dir else "",
        use_cache=not no_cache,
        scheduler=scheduler,
        fresh=fresh,
    )

    def done(outcome: Any) -> None:
        if not quiet:
            note = f": {outcome.error}" if outcome.error else ""
            line = f"{outcome.status:<8} {outcome.seconds:7.1f} s  {outcome.path}{note}"
            stderr.print(line, markup=False)

    try:
        document = run_portfolio(request, done)
    except PortfolioError as exc:
        raise UsageError(str(exc)) from exc
    statuses = ", ".join(f"{k}: {v}" for k, v in document["summary"]["statuses"].items())
    stdout.print(f"{document['summary']['repositories']} repositories ({statuses})", markup=False)
    stdout.print(f"wrote {request.out / 'portfolio.json'}", markup=False)


cache_app = typer.Typer(
    help="The caches (runs, parse, history, resolution): info, clear.", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")
_CACHE_DIR = Annotated[
    Path | None, typer.Option("--cache-dir", help="Cache folder (default: user cache).")
]


@cache_app.command("info")
def cache_info_command(cache_dir: _CACHE_DIR = None) -> None:
    """What the caches hold (files, entries, size)."""
    from rich.table import Table  # here, as in _summary

    from archscan.cache_admin import cache_info

    table = Table(title=f"archscan caches in {cache_dir or default_cache_dir()}")
    for column in ("cache", "entries", "size", "file", "what"):
        table.add_column(column, justify="right" if column in ("entries", "size") else "left")
    for row in cache_info(cache_dir or default_cache_dir()):
        entries = "-" if row.entries is None else str(row.entries)
        table.add_row(row.name, entries, f"{row.bytes / 1e6:.1f} MB", row.path, row.detail)
    stdout.print(table)


@cache_app.command("clear")
def cache_clear_command(cache_dir: _CACHE_DIR = None) -> None:
    """Delete the caches (runs, parse, history, resolution, stage results, templates)."""
    from archscan.cache import default_cache_dir
    from archscan.cache_admin import clear_caches

    removed = clear_caches(cache_dir or default_cache_dir())
    stdout.print(f"removed {len(removed)} file(s)", markup=False)


def _interrupted() -> NoReturn:
    """Ctrl-C: one line, exit 130; the report files are complete or absent (outputs.py:
    the writes' own cleanup has run by now, on the way up).

    ``os._exit``, not ``sys.exit``: the interpreter's shutdown after a Ctrl-C that hit
    the parser's worker pool sometimes ended the process by the signal itself (exit -2
    instead of 130, about 1 run in 20 on the same commit of the previous stop too)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not add a traceback
    _kill_pool_workers()
    stderr.print("archscan: interrupted", markup=False, soft_wrap=True)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(130)


def _kill_pool_workers() -> None:
    """The parser's pool workers ignore Ctrl-C and wait on a queue whose write end they
    hold themselves: a Ctrl-C that lands while the pool starts (between two forks, before
    its manager thread runs) leaves workers nobody stops, which kept the terminal's pipes
    open after archscan had exited (a test's 120 s timeout, once in 30 runs). They hold
    nothing but parsed facts in memory: killing them loses nothing."""
    process = sys.modules.get("multiprocessing.process")
    if process is None:
        return
    for child in process.active_children():
        with contextlib.suppress(Exception):
            child.kill()


def _on_ctrl_c(signum: int, frame: object) -> None:
    """The first Ctrl-C interrupts (KeyboardInterrupt); later ones are ignored, so that
    the way out (cleanup, the one line) cannot itself be interrupted."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ctrl_c.set()
    raise KeyboardInterrupt


# Python runs some callbacks (an import lock's weakref callback, an at-fork hook) where
# an exception is only printed: a KeyboardInterrupt raised there by the handler is lost
# and the run went on to exit 0 (seen in CI). So a Ctrl-C is also remembered, the next
# progress step stops the run, and those lost interrupts are not printed.
_ctrl_c = threading.Event()


def _stop_if_ctrl_c() -> None:
    if _ctrl_c.is_set():
        raise KeyboardInterrupt


def _unraisable(report: Any) -> None:
    if isinstance(report.exc_value, KeyboardInterrupt) and _ctrl_c.is_set():
        return  # the Ctrl-C is remembered and acted on: no traceback for it
    sys.__unraisablehook__(report)


GC_THRESHOLD = 100_000  # allocations between gen-0 collections (CPython's default: 700)


def main() -> None:
    """Entry point: one clear line and exit code 2 for user errors, no traceback.

    typer reports its own usage errors (exit 2); archscan's errors arrive here.
    """
    # A run builds millions of long-lived objects without cycles (records, the graph, the
    # document); the collector's default gen-0 threshold (700) scans them again and again
    # as they are made: 0.05-0.08 s of a 2.3 s re-run on saleor (measured). What import
    # made is frozen; cycles are still collected, less often.
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 50, 100)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_ctrl_c)
        sys.unraisablehook = _unraisable
    for stream in (sys.stdout, sys.stderr):
        # undecodable file-name bytes reach the terminal as \udcNN, never as a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        try:
            _app_for(sys.argv[1:])()
        except SystemExit as exc:
            if exc.code == 130 or _ctrl_c.is_set():  # typer: Ctrl-C is a silent exit 130
                _interrupted()
            _finished()
            raise
        except Exception as exc:  # noqa: BLE001 - reported in one line, or re-raised with --debug
            _report_error(exc)
        _finished()
    except KeyboardInterrupt:  # also one that lands in the handlers above
        _interrupted()


def _app_for(args: list[str]) -> Callable[[], object]:
    """The application with only the command ``args`` name first, when it names one.

    typer turns every registered command's signature into click options whenever the
    application is called (0.013-0.014 s for archscan's 17 commands; the one invoked
    takes ~0.001 s); click only ever reads the one it runs. Anything else (no command,
    an option first, a group such as ``cache``, a name no command has) gets the whole
    application: its help, its suggestions and its errors."""
    if not isinstance(app, typer.Typer):
        return app  # replaced (a test's stand-in command)
    name = args[0] if args else ""
    chosen = [
        command
        for command in app.registered_commands
        if (command.name or typer.main.get_command_name(getattr(command.callback, "__name__", "")))
        == name
    ]
    if len(chosen) != 1:
        return app
    lean = copy.copy(app)
    lean.registered_commands = chosen
    lean.registered_groups = []
    return lean


def _finished() -> None:
    """The command has done its work (and written its files): a Ctrl-C from now on,
    during the interpreter's shutdown, is ignored. Raised there, it escaped every handler
    and ended the process by the signal itself (exit -2, once in 120 timed runs)."""
    if signal.getsignal(signal.SIGINT) is _on_ctrl_c:  # a caller's own handler stays
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _report_error(exc: Exception) -> NoReturn:
    """One line and an exit code for an error that reached the top.

    After a Ctrl-C, whatever error follows is the interrupt's: Python wraps a
    KeyboardInterrupt raised inside ``__set_name__`` (a dataclass field, while a module
    imports) in a RuntimeError, which was reported as an internal error, exit 3 (seen
    in CI)."""
    if _ctrl_c.is_set():
        _interrupted()
    if isinstance(exc, (InputError, ConfigError, GitError, UsageError, OutputError)):
        if _state["debug"]:
            raise exc
        stderr.print(f"archscan: error: {exc}", markup=False, soft_wrap=True)
        sys.exit(EXIT_USAGE)
    if _state["debug"]:
        raise exc
    stderr.print(  # anything unexpected is still one line
        f"archscan: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
        markup=False,
    )
    from archscan.check import EXIT_INTERNAL  # here: only archscan check needs the module

    # Not 1: CI reads 1 as "violations found" (archscan check).
    sys.exit(EXIT_INTERNAL)
