"""The CI-gate commands: ``check``, ``baseline`` and ``export`` (registered on the app).

Writes inside the analysed repository only where the user named the file and the file
is meant to be committed there: ``baseline --output`` and ``check --init``.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from archscan.config import Config, ConfigError, load_config
from archscan.outputs import write_text_atomic
from archscan.records import Analysis
from archscan.repocheck import check_repository
from archscan.rules import RULES, RuleSpec

if TYPE_CHECKING:  # archscan.check and .baseline: imported by the commands that run them
    from rich.console import Console

    from archscan.baseline import Baseline
    from archscan.check import CheckResult

CHECK_FORMATS = ("text", "json", "sarif", "junit", "github")


def _renderers() -> dict[str, Callable[[CheckResult], str]]:
    """The file formats' renderers, imported where used: every start-up registers these
    commands, and the renderers with rich.console (which a --quiet analyze never needs)
    cost it ~0.015 s (measured)."""
    from archscan.report.check_output import render_json, render_junit
    from archscan.report.sarif import render_sarif

    return {"json": render_json, "sarif": render_sarif, "junit": render_junit}


_PATH = Annotated[Path, typer.Argument(help="The repository to check.")]
_CONFIG = Annotated[Path | None, typer.Option("--config", "-c", help="Configuration file.")]
_CACHE = Annotated[Path | None, typer.Option("--cache-dir", help="Parse cache folder.")]
_JOBS = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = cores).")]
_NO_HISTORY = Annotated[bool, typer.Option("--no-history", help="Skip git history mining.")]


def _inside(path: Path, repo: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(repo)
    return real == root or real.startswith(root + os.sep)


def _outside_repo(path: Path, repo: Path, option: str) -> Path:
    if _inside(path, repo):
        raise ConfigError(
            f"refusing to write {path} inside the analysed repository; choose {option} "
            "elsewhere or redirect standard output"
        )
    return path


def config_file_of(config: Config, repo: Path) -> str:
    """Where violations with no natural file (propagation cost) are reported."""
    if config.source.startswith("pyproject.toml"):
        return "pyproject.toml"
    if config.source and config.source != "archscan.toml":
        explicit = Path(config.source)
        if _inside(explicit, repo):
            return Path(os.path.relpath(os.path.realpath(explicit), repo)).as_posix()
    return "archscan.toml"


def _analyse(
    repo: Path,
    config: Config,
    jobs: int,
    cache_dir: Path | None,
    history: bool,
    specs: tuple[RuleSpec, ...] = (),
) -> Analysis:
    from archscan.pipeline import RunOptions, run  # here: the other commands need no stage

    # The history pass is the slow part of a warm run: mine it only for rules reading it.
    wanted = history and any("history" in RULES[s.rule].reads for s in specs)
    options = RunOptions(jobs=jobs, cache_dir=cache_dir, history=wanted)
    return run(repo, config, options)


def _baseline_for(repo: Path, config: Config, explicit: Path | None) -> Baseline | None:
    from archscan.baseline import load_baseline

    if explicit is not None:
        return load_baseline(explicit)
    default = repo / config.check.baseline
    if default.is_file() and not default.is_symlink():
        return load_baseline(default)
    return None


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)


def _report(result: CheckResult, fmt: str, output: Path | None, console: Console) -> None:
    from rich.console import Console

    from archscan.report.check_output import print_text, render_github

    renderers = _renderers()
    if fmt in renderers:
        _write(renderers[fmt](result), output)
        return
    # text and github: annotations first (GitHub reads them from the log), then the
    # full text report, always.
    if fmt == "github" or os.environ.get("GITHUB_ACTIONS") == "true":
        sys.stdout.write(render_github(result))
        sys.stdout.flush()
    if output is None:
        print_text(result, console)
    else:
        buffer = io.StringIO()
        print_text(result, Console(file=buffer, highlight=False, width=200))
        write_text_atomic(output, buffer.getvalue())


def _init(
    repo: Path, analysis: Analysis, config: Config, specs: tuple[RuleSpec, ...], console: Console
) -> None:
    """A starting configuration (limits at today's worst values, as errors) and baseline."""
    from archscan.baseline import dumps_baseline, make_baseline, repository_identity
    from archscan.check import effective_specs, evaluate
    from archscan.init import starting_configuration

    baseline_path = repo / config.check.baseline
    if os.path.lexists(baseline_path):
        raise ConfigError(
            f"{baseline_path} exists; refresh it with `archscan baseline {repo} --output "
            f"{baseline_path}`"
        )
    wrote = []
    if not config.source:
        if os.path.lexists(repo / "archscan.toml"):  # a symlink load_config did not follow
            raise ConfigError(f"{repo / 'archscan.toml'} exists but is not a regular file")
        text, config = starting_configuration(analysis, config)
        write_text_atomic(repo / "archscan.toml", text)
        wrote.append(repo / "archscan.toml")
        specs = effective_specs(config)
    violations, _ = evaluate(analysis, specs, config_file_of(config, repo))
    baseline = make_baseline(violations, repository_identity(repo))
    write_text_atomic(baseline_path, dumps_baseline(baseline))
    wrote.append(baseline_path)
    for path in wrote:
        console.print(f"wrote {path}", markup=False)
    console.print(f"{len(baseline.entries)} known violation(s) recorded; commit both files")


def check(
    path: _PATH,
    config: _CONFIG = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", "-b", help="Baseline file (default archscan-baseline.json)."),
    ] = None,
    diff_base: Annotated[
        str | None,
        typer.Option("--diff-base", help="Report only what changed since this git revision."),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="text, json, sarif, junit or github.")
    ] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    strict_baseline: Annotated[
        bool, typer.Option("--strict-baseline", help="Fail on fixed or stale baseline entries.")
    ] = False,
    init: Annotated[
        bool, typer.Option("--init", help="Write a starting archscan.toml and baseline.")
    ] = False,
    no_history: _NO_HISTORY = False,
    jobs: _JOBS = 0,
    cache_dir: _CACHE = None,
) -> None:
    """CI gate: fail (exit 1) on new rule violations. Exit 2: usage/config, 3: internal."""
    from rich.console import Console

    from archscan.baseline import identity_notes, repository_identity
    from archscan.check import CheckInput, changed_files, effective_specs, run_check

    console = Console(highlight=False, soft_wrap=True)
    if format not in CHECK_FORMATS:
        raise ConfigError(f"unknown --format {format!r}; choose from {', '.join(CHECK_FORMATS)}")
    repo = check_repository(path)
    if output is not None:
        _outside_repo(output, repo, "--output")
    settings = load_config(repo, config)
    specs = effective_specs(settings)
    changed = changed_files(repo, diff_base) if diff_base is not None else None
    known = None if init else _baseline_for(repo, settings, baseline)
    analysis = _analyse(repo, settings, jobs, cache_dir, not no_history, specs)
    if init:
        _init(repo, analysis, settings, specs, console)
        return
    data = CheckInput(
        analysis=analysis,
        specs=specs,
        config_file=config_file_of(settings, repo),
        baseline=known,
        changed=changed,
        strict_baseline=strict_baseline,
    )
    result, _ = run_check(data)
    if known is not None:
        notes = identity_notes(known, repository_identity(repo))
        result = _with_notes(result, notes)
    _report(result, format, output, console)
    raise typer.Exit(result.exit_code)


def _with_notes(result: CheckResult, notes: list[str]) -> CheckResult:
    from dataclasses import replace

    return replace(result, notes=tuple(notes) + result.notes)


def baseline(
    path: _PATH,
    config: _CONFIG = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the baseline here.")
    ] = None,
    no_history: _NO_HISTORY = False,
    jobs: _JOBS = 0,
    cache_dir: _CACHE = None,
) -> None:
    """Print (or write, --output) today's violations as a baseline to commit."""
    from archscan.baseline import dumps_baseline, make_baseline, repository_identity
    from archscan.check import effective_specs, evaluate

    repo = check_repository(path)
    settings = load_config(repo, config)
    specs = effective_specs(settings)
    analysis = _analyse(repo, settings, jobs, cache_dir, not no_history, specs)
    violations, _ = evaluate(analysis, specs, config_file_of(settings, repo))
    _write(dumps_baseline(make_baseline(violations, repository_identity(repo))), output)


def export(
    path: _PATH,
    to: Annotated[
        str, typer.Option("--to", help="import-linter, tach, dependency-cruiser or archunit.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the files (default: print).")
    ] = None,
    config: _CONFIG = None,
    jobs: _JOBS = 0,
    cache_dir: _CACHE = None,
) -> None:
    """Export the components and boundary rules for each ecosystem's own linter."""
    from rich.console import Console

    from archscan.check import effective_specs
    from archscan.export import EXPORTERS, ExportInput
    from archscan.report.check_output import plain

    if to not in EXPORTERS:
        raise ConfigError(f"unknown --to {to!r}; choose from {', '.join(EXPORTERS)}")
    repo = check_repository(path)
    if out is not None:
        _outside_repo(out, repo, "--out")
    settings = load_config(repo, config)
    analysis = _analyse(repo, settings, jobs, cache_dir, history=False)
    files = EXPORTERS[to](ExportInput(analysis=analysis, specs=effective_specs(settings)))
    if out is None:
        # A terminal gets no control characters (file names are the repository's).
        shown = plain if sys.stdout.isatty() else (lambda text: text)
        for name, text in files:
            if len(files) > 1:
                sys.stdout.write(f"# --- {name} ---\n")
            sys.stdout.write("\n".join(shown(line) for line in text.split("\n")))
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, text)
        Console(stderr=True, highlight=False).print(f"wrote {target}", markup=False)


def register_check_commands(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(baseline)
    app.command()(export)
