"""The archscan command line (typer). Parses options, calls the pipeline, prints."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from archscan import __version__
from archscan.check import EXIT_INTERNAL
from archscan.cli_check import register_check_commands
from archscan.config import ConfigError, load_config
from archscan.contexts.decomposition import Decomposition, DecompositionError, read_decomposition
from archscan.gitio import GitError
from archscan.outputs import OutputError, prepare_out_dir, write_text_atomic
from archscan.pipeline import InputError, RunOptions, check_repository, run
from archscan.report.json_report import analysis_to_dict, dumps_data
from archscan.report.markdown import render_markdown
from archscan.timings import TimedProgress

EXIT_OK = 0
EXIT_USAGE = 2
FORMATS = ("json", "md")

app = typer.Typer(
    name="archscan",
    help="Automated architecture assessment of a software repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)
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
        if not self._enabled:
            yield
            return
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
    chosen = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(
            f"unknown format(s) {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}"
        )
    return chosen


def _output_dir(out: Path | None, repo: Path) -> Path:
    target = (out or Path.cwd() / "archscan-report").resolve()
    repo_real = os.path.realpath(repo)
    if os.path.realpath(target) == repo_real or os.path.realpath(target).startswith(
        repo_real + os.sep
    ):
        raise UsageError(
            f"refusing to write into the analysed repository ({target}); choose --out elsewhere"
        )
    return prepare_out_dir(target)


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
        rows.append(("Top hotspot", f"{top['path']} ({top['revisions']} x {top['complexity']})"))
    return rows


def _summary(data: dict[str, Any]) -> None:
    s = data["summary"]
    table = Table(title="archscan summary", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("Files analysed", str(s["files"]))
    table.add_row(
        "Languages",
        ", ".join(f"{lang['name']} ({lang['files']})" for lang in data["languages"]) or "-",
    )
    table.add_row("Modules in the graph", str(s["files_in_graph"]))
    table.add_row("Internal dependencies", str(s["dependencies"]))
    table.add_row("External packages", str(s["external_packages"]))
    views = data["views"]
    table.add_row("Architecture view", f"{', '.join(views['roles'])} code ({views['files']} files)")
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
        table.add_row(label, value)
    skipped = ", ".join(f"{k}: {v}" for k, v in s["skipped"].items())
    table.add_row("Skipped", skipped or "none")
    table.add_row("Warnings", str(s["warnings"]))
    stdout.print(table)
    packages = sorted(data["packages"], key=lambda p: (-(p["ca"] + p["ce"]), p["name"]))[:10]
    if packages:
        coupled = Table(title="Most coupled packages", title_justify="left")
        for column in ("package", "files", "Ca", "Ce", "I", "D"):
            coupled.add_column(column, justify="left" if column == "package" else "right")
        for p in packages:
            coupled.add_row(
                p["name"],
                str(p["files"]),
                str(p["ca"]),
                str(p["ce"]),
                f"{p['instability']:.2f}",
                f"{p['distance']:.2f}",
            )
        stdout.print(coupled)


@app.command()
def analyze(
    path: Annotated[Path, typer.Argument(help="The repository (or folder) to analyse.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default ./archscan-report).")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated output formats: json, md.")
    ] = "json,md",
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Configuration file (TOML).")
    ] = None,
    include: Annotated[
        list[str] | None, typer.Option("--include", help="Only analyse paths matching this glob.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Skip paths matching this glob.")
    ] = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Skip git history mining.")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = cores).")] = 0,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Cache folder (default: user cache).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the parse and history caches.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")] = False,
    timings: Annotated[
        bool, typer.Option("--timings", help="Print the time of each phase (on stderr).")
    ] = False,
    contexts: Annotated[
        int | None, typer.Option("--contexts", min=1, help="Ask for this many contexts.")
    ] = None,
    decomposition: Annotated[
        list[Path] | None,
        typer.Option("--decomposition", help="CSV/RSF of file-or-class,service to score."),
    ] = None,
    ground_truth: Annotated[
        list[Path] | None,
        typer.Option("--ground-truth", help="CSV/RSF ground truth: MoJoFM and c2c."),
    ] = None,
) -> None:
    """Analyse a repository: dependency graph, structural metrics, reports."""
    formats = _formats(format)
    repo = check_repository(path)
    settings = load_config(repo, config).with_cli(tuple(include or ()), tuple(exclude or ()))
    target = _output_dir(out, repo)
    options = RunOptions(
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        history=not no_history,
        contexts=contexts,
        decompositions=_decompositions(decomposition),
        ground_truths=_decompositions(ground_truth),
    )
    progress = TimedProgress(RichProgress(enabled=not quiet))
    analysis = run(repo, settings, options, progress)
    with progress.timed("Writing reports"):
        data = analysis_to_dict(analysis)
        written = []
        if "json" in formats:
            written.append(write_text_atomic(target / "archscan.json", dumps_data(data)))
        if "md" in formats:
            written.append(write_text_atomic(target / "report.md", render_markdown(data)))
    if timings:
        for line in progress.lines():
            stderr.print(line, markup=False)
    if not quiet:
        _summary(data)
        for file in written:
            stdout.print(f"wrote {file}")


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


def _history_view(
    view: str,
    path: Path,
    config: Path | None,
    top: int,
    sort: str | None,
    jobs: int,
    cache_dir: Path | None,
) -> None:
    from archscan.history.tables import build_table

    repo = check_repository(path)
    settings = load_config(repo, config)
    options = RunOptions(jobs=jobs, cache_dir=cache_dir)
    analysis = run(repo, settings, options, RichProgress(enabled=True))
    for warning in analysis.warnings:
        if warning.kind in ("no-history", "shallow-clone", "history-unreadable"):
            stderr.print(f"archscan: warning: {warning.message}", markup=False)
    if analysis.history is None:
        raise UsageError("no git history to show")
    roles = ", ".join(analysis.view_roles)
    title = f"{view} of {repo.name} ({analysis.history.commits} commits, {roles} code)"
    try:
        table = build_table(view, analysis.history, top, sort, title)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    stdout.print(table)


_PATH = Annotated[Path, typer.Argument(help="The repository to analyse.")]
_CONFIG = Annotated[Path | None, typer.Option("--config", "-c", help="Configuration file.")]
_TOP = Annotated[int, typer.Option("--top", "-n", help="Rows to show.")]
_SORT = Annotated[str | None, typer.Option("--sort", "-s", help="Column to sort on.")]
_JOBS = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = cores).")]
_CACHE = Annotated[Path | None, typer.Option("--cache-dir", help="Parse cache folder.")]


def _decompositions(paths: list[Path] | None) -> tuple[Decomposition, ...]:
    try:
        return tuple(read_decomposition(p) for p in paths or ())
    except DecompositionError as exc:
        raise UsageError(str(exc)) from exc


def _print_warnings(analysis: Any, kinds: tuple[str, ...]) -> None:
    for warning in analysis.warnings:
        if warning.kind in kinds:
            stderr.print(f"archscan: warning: {warning.message}", markup=False)


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
    contexts: Annotated[
        int | None, typer.Option("--contexts", min=1, help="Ask for this many contexts.")
    ] = None,
    decomposition: Annotated[
        list[Path] | None,
        typer.Option("--decomposition", help="CSV/RSF of file-or-class,service to score."),
    ] = None,
    ground_truth: Annotated[
        list[Path] | None,
        typer.Option("--ground-truth", help="CSV/RSF ground truth: MoJoFM and c2c."),
    ] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="No git history.")] = False,
    top: Annotated[int, typer.Option("--top", "-n", help="Rows to show.")] = 30,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = cores).")] = 0,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Parse cache.")] = None,
) -> None:
    """Candidate bounded contexts and the quality of the decomposition."""
    from archscan.contexts.tables import contexts_table, quality_table, scores_table

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
        typer.Option("--ground-truth", help="CSV/RSF ground truth: MoJoFM and c2c."),
    ] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="No git history.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = cores).")] = 0,
) -> None:
    """Score two decompositions side by side (quality metrics, MoJoFM of each to the other)."""
    from archscan.contexts.tables import quality_table, scores_table

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


def _register_history_view(view: str, summary: str) -> None:
    """One terminal command per history view; they differ only in the table they print."""

    def command(
        path: _PATH,
        config: _CONFIG = None,
        top: _TOP = 20,
        sort: _SORT = None,
        jobs: _JOBS = 0,
        cache_dir: _CACHE = None,
    ) -> None:
        _history_view(view, path, config, top, sort, jobs, cache_dir)

    command.__doc__ = summary
    app.command(name=view)(command)


_HISTORY_VIEWS = (
    ("hotspots", "Files ranked by change frequency x complexity."),
    ("coupling", "Files that change together (temporal coupling), cross-boundary pairs marked."),
    ("owners", "Main developer, ownership share and knowledge islands per file."),
)
for _name, _help in _HISTORY_VIEWS:
    _register_history_view(_name, _help)

register_check_commands(app)


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


cache_app = typer.Typer(help="The parse and history caches: info, clear.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
_CACHE_DIR = Annotated[
    Path | None, typer.Option("--cache-dir", help="Cache folder (default: user cache).")
]


@cache_app.command("info")
def cache_info_command(cache_dir: _CACHE_DIR = None) -> None:
    """What the caches hold (files, entries, size)."""
    from archscan.cache import default_cache_dir
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
    """Delete the parse and history caches."""
    from archscan.cache import default_cache_dir
    from archscan.cache_admin import clear_caches

    removed = clear_caches(cache_dir or default_cache_dir())
    stdout.print(f"removed {len(removed)} file(s)", markup=False)


def _interrupted() -> None:
    """Ctrl-C: one line, exit 130; the report files are complete or absent (outputs.py)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not add a traceback
    stderr.print("archscan: interrupted", markup=False, soft_wrap=True)
    sys.exit(130)


def main() -> None:
    """Entry point: one clear line and exit code 2 for user errors, no traceback.

    typer reports its own usage errors (exit 2); archscan's errors arrive here.
    """
    for stream in (sys.stdout, sys.stderr):
        # undecodable file-name bytes reach the terminal as \udcNN, never as a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        app()
    except SystemExit as exc:
        if exc.code == 130:  # typer turns Ctrl-C (KeyboardInterrupt) into a silent exit 130
            _interrupted()
        raise
    except (InputError, ConfigError, GitError, UsageError, OutputError) as exc:
        if _state["debug"]:
            raise
        stderr.print(f"archscan: error: {exc}", markup=False, soft_wrap=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:  # anything unexpected is still one line
        if _state["debug"]:
            raise
        stderr.print(
            f"archscan: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            markup=False,
        )
        # Not 1: CI reads 1 as "violations found" (archscan check).
        sys.exit(EXIT_INTERNAL)
