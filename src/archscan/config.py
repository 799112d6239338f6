"""Configuration: ``[tool.archscan]`` in pyproject.toml, ``archscan.toml`` or ``--config``.

The file is validated: unknown keys are reported by name (a typo must not be silently
ignored) and values are type-checked. The result is an immutable :class:`Config`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archscan.assess.rules import AssessmentRules

from archscan.errors import ConfigError
from archscan.records import AnalysisWarning
from archscan.rules.base import RuleSpec
from archscan.rules.registry import rule_spec, threshold_keys, threshold_spec
from archscan.userregex import compile_user_regex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


DEFAULT_VENDORED: tuple[str, ...] = (
    "node_modules",
    "vendor",
    "third_party",
    "third-party",
    "dist",
    "build",
    "bower_components",
    ".venv",
    "venv",
    "site-packages",
    "__pycache__",
    "*.min.js",
    "*.min.css",
    "*.bundle.js",
    "*.map",
)

DEFAULT_MAX_FILE_SIZE = 1024 * 1024

# One per threshold rule of the registry (archscan.rules): a new rule adds its key.
THRESHOLD_KEYS: tuple[str, ...] = threshold_keys()


@dataclass(frozen=True)
class PythonConfig:
    source_roots: tuple[str, ...] = ()  # empty: detected


DEFAULT_BOTS: tuple[str, ...] = (
    "*[bot]",
    "*[bot]@*",
    "dependabot*",
    "renovate*",
    "greenkeeper*",
    "snyk-bot*",
    "github-actions*",
    "pre-commit-ci*",
    # Names and addresses bots commit under (matched against name and e-mail):
    # "Mend Renovate" / "WhiteSource Renovate" <bot@renovateapp.com>, "ImgBot",
    # "Transifex Bot", semantic-release-bot, noreply addresses of GitHub Actions.
    "bot@*",
    "*-bot",
    "*-bot@*",
    "*_bot",
    "* bot",
    "*bot@renovateapp.com",
    "mend renovate*",
    "whitesource*",
    "*renovate[bot]*",
    "imgbot*",
    "*dependabot*",
    "*github-actions*",
    "*pre-commit-ci*",
    "codecov*",
    "allcontributors*",
    "weblate*",
    "transifex*",
    "crowdin*",
    "mergify*",
    "*@dependabot.com",
)
COUPLING_MODES: tuple[str, ...] = ("commit", "author-day", "window", "ticket")


@dataclass(frozen=True)
class HistoryConfig:
    """``[history]``: git history mining (see docs/history.md)."""

    since: str = ""  # passed to git log --since (e.g. "2 years ago", "2023-01-01")
    until: str = ""
    branch: str = ""  # a revision to start from; "" = HEAD
    all_refs: bool = False  # every branch and tag (git log --all)
    merges: bool = False  # include merge commits
    max_commits: int = 0  # 0 = no limit (the newest N otherwise)
    follow_renames: bool = True
    include_deleted: bool = False  # report files that no longer exist at HEAD
    line_counts: bool = True  # numstat pass (churn, ownership by lines)
    bots: tuple[str, ...] = DEFAULT_BOTS  # globs on author name or e-mail, case-insensitive
    extra_bots: tuple[str, ...] = ()  # more patterns, added to `bots` (keeps the defaults)
    ticket_pattern: str = r"\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b"
    coupling_by: str = "commit"
    window_days: int = 1
    min_revs: int = 5
    min_shared_revs: int = 5
    min_coupling: int = 30
    max_coupling: int = 100
    max_changeset_size: int = 30
    knowledge_island_share: float = 0.95
    active_days: int = 180  # an author is active after a commit this recently before HEAD
    team_map: str = ""  # CSV file author,team (relative to the configuration file)
    teams: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # team -> authors
    # Not a key: True when this table came from --config (the user's own file may name
    # any team map); a repository's own configuration may name only files inside it.
    team_map_from_user: bool = False


@dataclass(frozen=True)
class RolesConfig:
    """``[roles]``: globs that give files a role, overriding detection (roles.py); and
    the roles the architecture views (cycles, rankings, hotspots, coupling, ownership)
    are computed on."""

    production: tuple[str, ...] = ()
    test: tuple[str, ...] = ()
    migration: tuple[str, ...] = ()
    generated: tuple[str, ...] = ()
    vendored: tuple[str, ...] = ()
    build: tuple[str, ...] = ()
    config: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    architecture: tuple[str, ...] = ("production",)


# Folder names of layers (tiers of a layered design), not features: the package prior
# skips them, and the vocabulary ignores them as terms (OrderController says "order").
# Cross-cutting packages (util, common, core, config) are not layers: they may be grouped.
_LAYER_WORDS = """
controller controllers service services model models entity entities repository repositories
repo dao daos domain web api rest dto dtos mapper mappers view views action actions handler
handlers impl persistence application presentation ui forms serializers templates
templatetags tables filtersets graphql management commands pkg src main java kotlin app apps
admin schema schemas serializers_
"""
DEFAULT_LAYER_NAMES: tuple[str, ...] = tuple(_LAYER_WORDS.split())
# Bootstrap/configuration file names (globs) gathered into the platform context.
_PLATFORM_WORDS = """
*Application.java *Application.kt *Configuration.java *Configuration.kt *Config.java
*Config.kt *Initializer.java *RuntimeHints.java Program.cs Startup.cs settings.py
settings/*.py wsgi.py asgi.py manage.py __main__.py main.go main.ts main.js
server.js server.ts app.module.ts config/*.rb config.ru
"""
DEFAULT_PLATFORM_NAMES: tuple[str, ...] = tuple(_PLATFORM_WORDS.split())
# Inbound interfaces (file-name globs): the files a context is reached through from
# outside the code (HTTP, commands, messages), beside files nothing imports.
_ENTRY_WORDS = """
*Controller.* *Servlet.* *Endpoint.* *Endpoints.* *Resource.* *Handler.* *ActionBean.*
*Action.* *Router.* *Routes.* *Command.* *Consumer.* *Listener.* *Page.* *Api.* views.py
views/*.py api.py urls.py routes.* *_controller.rb *_handler.go *Controller.cs *Hub.cs
"""
DEFAULT_ENTRY_NAMES: tuple[str, ...] = tuple(_ENTRY_WORDS.split())


@dataclass(frozen=True)
class ContextsConfig:
    """``[contexts]``: candidate bounded contexts (see docs/contexts.md for the measured
    effect of every weight)."""

    structure: float = 1.0  # weight of the static dependency signal
    co_change: float = 1.0  # weight of raw co-change (commits, bulk commits down-weighted)
    vocabulary: float = 0.25  # weight of identifier-term TF-IDF similarity
    data: float = 1.0  # weight of shared table access (when data access is known)
    package: float = 1.0  # weight of the feature-shaped package prior
    type_only_factor: float = 0.5  # a type-only dependency counts this much of a runtime one
    local_factor: float = 0.5  # a deferred (function-local) import counts this much
    max_changeset_size: int = 50  # commits touching more production files are left out
    vocabulary_neighbours: int = 5  # top-k most similar files kept per file
    max_neighbours: int = 20  # the fused graph keeps each file's k strongest ties (0: all)
    min_similarity: float = 0.1  # cosine below this is no vocabulary edge
    resolutions: tuple[float, ...] = (0.6, 0.8, 1.0, 1.25, 1.5)
    seeds: int = 4  # Leiden runs per resolution (seed, seed+1, ...)
    seed: int = 42
    platform: bool = True  # gather bootstrap/configuration code into a shared context
    platform_names: tuple[str, ...] = DEFAULT_PLATFORM_NAMES  # file-name globs
    layer_names: tuple[str, ...] = DEFAULT_LAYER_NAMES  # folder names that are layers
    entry_names: tuple[str, ...] = DEFAULT_ENTRY_NAMES  # inbound interfaces (file globs)
    absorb_private: bool = True  # a context without entry points used by one other joins it


@dataclass(frozen=True)
class CheckConfig:
    """``[check]``: what ``archscan check`` runs (see docs/check.md)."""

    packs: tuple[str, ...] = ("ci-defaults",)  # rule packs from rules/, combined in order
    baseline: str = "archscan-baseline.json"  # repository-relative; used when it exists


@dataclass(frozen=True)
class Config:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    vendored: tuple[str, ...] = DEFAULT_VENDORED
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    components: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    thresholds: Mapping[str, float] = field(default_factory=dict)
    python: PythonConfig = PythonConfig()
    history: HistoryConfig = HistoryConfig()
    assessment: AssessmentRules | None = None  # None: the shipped rules/assessment.yaml
    contexts: ContextsConfig = ContextsConfig()
    rules: tuple[RuleSpec, ...] = ()  # [[rules]]: configured uses of registered rules
    check: CheckConfig = CheckConfig()
    roles: RolesConfig = RolesConfig()
    source: str = ""  # where the configuration was read from ("" = defaults)
    warnings: tuple[AnalysisWarning, ...] = ()  # a broken file that was ignored

    def with_cli(self, include: tuple[str, ...], exclude: tuple[str, ...]) -> Config:
        """Command-line globs add to the configured ones."""
        return replace(self, include=self.include + include, exclude=self.exclude + exclude)


_TOP_KEYS = {
    "include",
    "exclude",
    "vendored",
    "max_file_size",
    "components",
    "thresholds",
    "python",
    "history",
    "assessment",
    "contexts",
    "rules",
    "check",
    "roles",
}

_HISTORY_STR = ("since", "until", "branch", "ticket_pattern", "team_map", "coupling_by")
_HISTORY_BOOL = ("all_refs", "merges", "follow_renames", "include_deleted", "line_counts")
_HISTORY_INT = (
    "max_commits",
    "window_days",
    "min_revs",
    "min_shared_revs",
    "min_coupling",
    "max_coupling",
    "max_changeset_size",
    "active_days",
)
_HISTORY_KEYS = {
    *_HISTORY_STR,
    *_HISTORY_BOOL,
    *_HISTORY_INT,
    "bots",
    "extra_bots",
    "teams",
    "knowledge_island_share",
}


def _str_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings")
    return tuple(value)


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        names = ", ".join(f"'{k}'" for k in unknown)
        raise ConfigError(f"unknown key(s) in {where}: {names}")


def _components(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError("'components' must be a table of name = [globs]")
    return {str(name): _str_list(globs, f"components.{name}") for name, globs in value.items()}


def _thresholds(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ConfigError("'thresholds' must be a table")
    _check_keys(value, set(THRESHOLD_KEYS), "[thresholds]")
    out: dict[str, float] = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ConfigError(f"'thresholds.{key}' must be a number")
        threshold_spec(key, number, "error", "thresholds")  # the rule validates its limit
        out[key] = float(number)
    return out


def _rules(value: Any) -> tuple[RuleSpec, ...]:
    if not isinstance(value, list):
        raise ConfigError("'rules' must be an array of tables ([[tool.archscan.rules]])")
    specs = tuple(rule_spec(entry, f"rules[{i}]") for i, entry in enumerate(value))
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"rule name(s) used twice in [[rules]]: {', '.join(duplicates)}")
    return specs


def _check(value: Any) -> CheckConfig:
    if not isinstance(value, dict):
        raise ConfigError("'check' must be a table")
    _check_keys(value, {"packs", "baseline"}, "[check]")
    config = CheckConfig()
    if "packs" in value:
        config = replace(config, packs=_str_list(value["packs"], "check.packs"))
    if "baseline" in value:
        name = value["baseline"]
        # The repository's own configuration is untrusted: the baseline stays inside it.
        if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
            raise ConfigError("'check.baseline' must be a path inside the repository")
        config = replace(config, baseline=name)
    return config


def _python(value: Any) -> PythonConfig:
    if not isinstance(value, dict):
        raise ConfigError("'python' must be a table")
    _check_keys(value, {"source_roots"}, "[python]")
    return PythonConfig(source_roots=_str_list(value.get("source_roots", []), "source_roots"))


def _history_value(key: str, value: Any) -> Any:
    if key in _HISTORY_STR and not isinstance(value, str):
        raise ConfigError(f"'history.{key}' must be a string")
    if key in _HISTORY_BOOL and not isinstance(value, bool):
        raise ConfigError(f"'history.{key}' must be true or false")
    if key in _HISTORY_INT and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ConfigError(f"'history.{key}' must be a non-negative integer")
    if key in ("bots", "extra_bots"):
        return _str_list(value, f"history.{key}")
    if key == "teams":
        if not isinstance(value, dict):
            raise ConfigError("'history.teams' must be a table of team = [authors]")
        return {str(team): _str_list(v, f"history.teams.{team}") for team, v in value.items()}
    if key == "knowledge_island_share":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise ConfigError("'history.knowledge_island_share' must be a number in (0, 1]")
        return float(value)
    return value


def _history(value: Any) -> HistoryConfig:
    if not isinstance(value, dict):
        raise ConfigError("'history' must be a table")
    _check_keys(value, _HISTORY_KEYS, "[history]")
    parsed = {key: _history_value(key, item) for key, item in value.items()}
    if parsed.get("coupling_by", "commit") not in COUPLING_MODES:
        raise ConfigError(f"'history.coupling_by' must be one of {', '.join(COUPLING_MODES)}")
    if "ticket_pattern" in parsed:
        try:
            compile_user_regex(parsed["ticket_pattern"])
        except ValueError as exc:
            raise ConfigError(f"'history.ticket_pattern' is not a valid regex: {exc}") from exc
    if parsed.get("window_days", 1) < 1:
        raise ConfigError("'history.window_days' must be at least 1")
    return HistoryConfig(**parsed)


_CONTEXT_FLOATS = (
    "structure",
    "co_change",
    "vocabulary",
    "data",
    "package",
    "type_only_factor",
    "local_factor",
    "min_similarity",
)
_CONTEXT_INTS = (
    "max_changeset_size",
    "vocabulary_neighbours",
    "max_neighbours",
    "seeds",
    "seed",
)
_CONTEXT_KEYS = {
    *_CONTEXT_FLOATS,
    *_CONTEXT_INTS,
    "resolutions",
    "platform",
    "absorb_private",
    "platform_names",
    "layer_names",
    "entry_names",
}


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"'{where}' must be a non-negative number")
    return float(value)


def _contexts_value(key: str, value: Any) -> Any:
    where = f"contexts.{key}"
    if key in _CONTEXT_FLOATS:
        return _number(value, where)
    if key in _CONTEXT_INTS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"'{where}' must be a non-negative integer")
        return value
    if key in ("platform", "absorb_private"):
        if not isinstance(value, bool):
            raise ConfigError(f"'{where}' must be true or false")
        return value
    if key == "resolutions":
        if not isinstance(value, list) or not value:
            raise ConfigError(f"'{where}' must be a non-empty list of positive numbers")
        numbers = tuple(_number(v, where) for v in value)
        if min(numbers) <= 0:
            raise ConfigError(f"'{where}' must be a non-empty list of positive numbers")
        return numbers
    return _str_list(value, where)


def _contexts(value: Any) -> ContextsConfig:
    if not isinstance(value, dict):
        raise ConfigError("'contexts' must be a table")
    _check_keys(value, _CONTEXT_KEYS, "[contexts]")
    parsed = {key: _contexts_value(key, item) for key, item in value.items()}
    if parsed.get("seeds", 1) < 1:
        raise ConfigError("'contexts.seeds' must be at least 1")
    return ContextsConfig(**parsed)


def _roles(value: Any) -> RolesConfig:
    from archscan.records import FILE_ROLES

    if not isinstance(value, dict):
        raise ConfigError("'roles' must be a table of role = [globs]")
    _check_keys(value, {f.name for f in fields(RolesConfig)}, "[roles]")
    parsed = {key: _str_list(item, f"roles.{key}") for key, item in value.items()}
    unknown = sorted(set(parsed.get("architecture", ())) - set(FILE_ROLES))
    if unknown:
        raise ConfigError(
            f"'roles.architecture' names unknown role(s) {', '.join(unknown)}; "
            f"roles are {', '.join(FILE_ROLES)}"
        )
    return RolesConfig(**parsed)


def parse_config(table: Mapping[str, Any], source: str = "") -> Config:
    """Validate a ``[tool.archscan]``-shaped table into a Config."""
    _check_keys(table, _TOP_KEYS, f"archscan configuration ({source or 'inline'})")
    config = Config(source=source)
    if "include" in table:
        config = replace(config, include=_str_list(table["include"], "include"))
    if "exclude" in table:
        config = replace(config, exclude=_str_list(table["exclude"], "exclude"))
    if "vendored" in table:
        config = replace(config, vendored=_str_list(table["vendored"], "vendored"))
    if "max_file_size" in table:
        size = table["max_file_size"]
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise ConfigError("'max_file_size' must be a positive integer (bytes)")
        config = replace(config, max_file_size=size)
    # Each table is validated by the reader of the record that declares it.
    readers: dict[str, Callable[[Any], Any]] = {
        "components": _components,
        "thresholds": _thresholds,
        "python": _python,
        "history": _history,
        "assessment": lambda value: _assessment(value, source),
        "contexts": _contexts,
        "rules": _rules,
        "check": _check,
        "roles": _roles,
    }
    for key, read in readers.items():
        if key in table:
            config = replace(config, **{key: read(table[key])})
    return config


def _assessment(value: Any, source: str) -> AssessmentRules:
    """``[assessment]``: the verdict's thresholds, validated by the rules' own records."""
    from archscan.assess.rules import RulesError, apply_table, default_rules

    try:
        return apply_table(default_rules(), value, f"{source or 'inline'} [assessment]")
    except RulesError as exc:
        raise ConfigError(str(exc)) from exc


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not valid UTF-8 (byte {exc.start})") from exc


def load_config(repo: Path, explicit: Path | None = None) -> Config:
    """Find and load the configuration for ``repo``.

    Order: ``--config FILE``; ``archscan.toml`` at the repository root;
    ``[tool.archscan]`` of the repository's ``pyproject.toml``; defaults.
    An explicit file may hold the table at top level or under ``[tool.archscan]``.
    """
    if explicit is not None:
        data = _read_toml(explicit)
        table = data.get("tool", {}).get("archscan", data) if "tool" in data else data
        config = parse_config(table, str(explicit))
        return replace(config, history=replace(config.history, team_map_from_user=True))
    candidate = repo / "archscan.toml"
    if candidate.is_file() and not candidate.is_symlink():
        data = _read_toml(candidate)
        table = data.get("tool", {}).get("archscan", data) if "tool" in data else data
        return parse_config(table, "archscan.toml")
    pyproject = repo / "pyproject.toml"
    if pyproject.is_file() and not pyproject.is_symlink():
        try:
            data = _read_toml(pyproject)
        except ConfigError as exc:
            # A client's broken pyproject is their business, not a reason to stop.
            problem = str(exc).replace(str(pyproject), "pyproject.toml")
            return Config(warnings=(AnalysisWarning("pyproject.toml", "config", problem),))
        table = data.get("tool", {}).get("archscan")
        if isinstance(table, dict):
            return parse_config(table, "pyproject.toml [tool.archscan]")
    return Config()
