"""The contexts stage: production files -> signal graphs -> fused graph -> Leiden ->
candidate bounded contexts, their coupling, and decomposition quality.

``run_contexts(ContextsInput) -> (ContextsResult, warnings)``; the file graph and the raw
co-change come in from the earlier stages and are not rebuilt here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archscan import digraph
from archscan.config import ContextsConfig
from archscan.contexts import cluster, quality, signals, stored
from archscan.contexts.assemble import Assembly, build_contexts, fused_figures
from archscan.contexts.decomposition import Decomposition, match_members
from archscan.contexts.platform import name_matcher, platform_files
from archscan.contexts.production import role_of
from archscan.records import (
    AnalysisWarning,
    ContextsResult,
    DataAccessResult,
    DecompositionQuality,
    FileFacts,
    GroundTruthScore,
    HistoryResult,
    SourceFile,
)

PLATFORM = "platform"


@dataclass(frozen=True, kw_only=True)
class ContextsInput:
    files: tuple[SourceFile, ...]
    facts: Mapping[str, FileFacts]
    graph: digraph.DiGraph[str]  # the file dependency graph of the structure stage
    modules: Mapping[str, str]  # path -> language-native module (class) name
    config: ContextsConfig
    history: HistoryResult | None = None  # its changesets are the raw co-change
    data_access: DataAccessResult | None = None
    root: Path | None = None  # to read configuration annotations (JVM), never written
    requested: int | None = None  # --contexts K
    decompositions: tuple[Decomposition, ...] = ()  # user decompositions, scored beside ours
    ground_truths: tuple[Decomposition, ...] = ()
    cross_scores: bool = False  # also score the decompositions against each other (compare)
    jobs: int = 1  # Leiden runs side by side (threads; the results do not depend on it)
    # The vocabulary signal is stored here by its inputs' content (None: not stored).
    cache_dir: Path | None = None
    # prepare_contexts of the same input, made earlier (None: computed here)
    prepared: PreparedSignals | None = None


def _warning(kind: str, message: str) -> AnalysisWarning:
    return AnalysisWarning("", kind, message)


def _empty(signals_used: tuple[str, ...]) -> ContextsResult:
    return ContextsResult(
        contexts=(),
        edges=(),
        quality=DecompositionQuality(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        signals=signals_used,
    )


@dataclass(frozen=True, kw_only=True)
class PreparedSignals:
    """What the stage computes without the history: every signal but co-change, and
    the platform files. pipeline.py prepares it while git is still being read; it must
    come from the same input as the ContextsInput it is given with."""

    production: frozenset[str]
    ahead: dict[str, signals.Weights]  # structure, vocabulary, package (in this order)
    data: signals.Weights | None  # the data signal (None: no data access result)
    vectors: dict[str, dict[str, float]]
    platform: frozenset[str]


def _roles(data: ContextsInput) -> tuple[frozenset[str], list[str]]:
    """The graph's production files, and its test files (sorted): one role per file."""
    in_graph = data.graph.nodes
    production = []
    tests = []
    for f in data.files:
        if f.path in in_graph:
            role = role_of(f, data.facts.get(f.path))
            if role == "production":
                production.append(f.path)
            elif role == "test":
                tests.append(f.path)
    return frozenset(production), sorted(tests)


def prepare_contexts(data: ContextsInput) -> PreparedSignals:
    """The history-free part of :func:`run_contexts` (its result is the same with or
    without it)."""
    production, _tests = _roles(data)
    return _prepared(data, production)


def _prepared(data: ContextsInput, production: frozenset[str]) -> PreparedSignals:
    config = data.config
    layers = frozenset(n.lower() for n in config.layer_names)
    skip = signals.layer_terms(layers)
    blobs = {f.path: f.blob_id for f in data.files if f.blob_id}
    bags = stored.term_bags(sorted(production), data.facts, blobs, skip, data.cache_dir, data.root)
    vocabulary = stored.vocabulary(
        bags, config.vocabulary_neighbours, config.min_similarity, data.cache_dir
    )
    ahead = {
        "structure": signals.structure_signal(data.graph, production, data.facts, config),
        "vocabulary": vocabulary.weights,
        "package": signals.package_signal(sorted(production), layers),
    }
    found = (
        signals.data_signal(data.data_access, production) if data.data_access is not None else None
    )
    platform = (
        platform_files(sorted(production), config.platform_names, data.root)
        if config.platform and production
        else frozenset()
    )
    return PreparedSignals(
        production=production,
        ahead=ahead,
        data=found,
        vectors=vocabulary.vectors,
        platform=platform,
    )


def _graphs(
    prepared: PreparedSignals, co_sets: list[list[str]] | None
) -> dict[str, signals.Weights]:
    """The signals to fuse; ``co_sets``: signals.co_change_sets (None: no history)."""
    graphs = dict(prepared.ahead)
    if co_sets is not None:
        graphs["co_change"] = signals.co_change_weights(co_sets)
    if prepared.data is not None:
        graphs["data"] = prepared.data
    return graphs


def _used(prepared: PreparedSignals, co_sets: list[list[str]] | None) -> tuple[str, ...]:
    """The signals with a pair, in SIGNALS order (co-change has one when a commit counts)."""
    present = {name for name, graph in prepared.ahead.items() if graph}
    if co_sets:
        present.add("co_change")
    if prepared.data:
        present.add("data")
    return tuple(name for name in signals.SIGNALS if name in present)


def _weights(config: ContextsConfig) -> dict[str, float]:
    return {
        "structure": config.structure,
        "co_change": config.co_change,
        "vocabulary": config.vocabulary,
        "data": config.data,
        "package": config.package,
    }


def _isolated(
    nodes: Sequence[str], labels: dict[str, int], layers: frozenset[str]
) -> dict[str, int]:
    """Files with no tie to any other: into the context holding most of their package,
    else one context per package."""
    by_package: dict[str, Counter[int]] = defaultdict(Counter)
    for node, label in labels.items():
        by_package[signals.feature_package(node, layers)][label] += 1
    out = dict(labels)
    fresh: dict[str, int] = {}
    next_label = max(labels.values(), default=-1) + 1
    for node in nodes:
        package = signals.feature_package(node, layers)
        counts = by_package.get(package)
        if counts:
            out[node] = min(counts, key=lambda c: (-counts[c], c))
            continue
        if package not in fresh:
            fresh[package] = next_label
            next_label += 1
        out[node] = fresh[package]
    return out


def _named(labels: Mapping[str, int], platform: frozenset[str]) -> dict[str, str | int]:
    named: dict[str, str | int] = dict(labels)
    for path in platform:
        named[path] = PLATFORM
    return named


def _fusion(
    data: ContextsInput,
    prepared: PreparedSignals,
    co_sets: list[list[str]] | None,
    nodes: Sequence[str],
    platform: frozenset[str],
) -> stored.Clustered:
    """Leiden over the non-platform files (``nodes``; the platform, when there is one,
    counts towards a requested number) and the figures of the contexts that read the
    fused graph. Stored by their inputs (stored.clustered): a hit does not fuse."""
    node_set = set(nodes)
    graph = data.graph
    # sources outside ``nodes`` skipped whole; in graph.edges() order
    edges = [(a, b) for a in graph if a in node_set for b in graph[a] if b in node_set]
    reserved = 1 if platform else 0

    def inputs() -> tuple[object, ...]:
        # everything compute() reads, or makes its input from: the signals the fused graph
        # is made of, co-change as the commits it counts (digesting these, not the fused
        # graph's 56,000 pairs on saleor, 0.013 -> 0.008 s), not ``jobs`` (the runs do not
        # depend on it); a dict is digested as its items in order
        config, requested = data.config, data.requested
        made_of = (prepared.ahead, prepared.data, co_sets)
        return (config, requested, list(nodes), sorted(platform), *made_of, edges)

    def compute() -> stored.Clustered:
        graphs = _graphs(prepared, co_sets)
        fused, parts = signals.fuse(graphs, _weights(data.config))
        labels, clustering = _clustered(
            data.config, data.requested, fused, node_set, nodes, edges, reserved, data.jobs
        )
        named = _named(labels, platform)
        figures = fused_figures(named, fused, parts, graphs.get("co_change") or {})
        return stored.Clustered(labels, clustering, figures)

    return stored.clustered(inputs, compute, data.cache_dir)


def _clustered(
    config: ContextsConfig,
    requested: int | None,
    fused: signals.Weights,
    node_set: set[str],
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    reserved: int,
    jobs: int,
) -> tuple[dict[str, int], cluster.Clustering | None]:
    """Leiden over the fused pairs among ``nodes`` (``node_set``: the same files)."""
    layers = frozenset(n.lower() for n in config.layer_names)
    inner = signals.sparsify(fused, config.max_neighbours, among=node_set)
    clustering = None
    labels: dict[str, int] = {}
    if inner:
        if requested:
            wanted = max(1, requested - reserved)
            clustering = cluster.for_count(inner, wanted, config.seeds, config.seed, jobs)
        else:
            clustering = cluster.sweep(inner, config.resolutions, config.seeds, config.seed, jobs)
        labels = dict(clustering.labels)
    labels = _isolated([n for n in nodes if n not in labels], labels, layers)
    adjacency = cluster.strength(inner)
    labels = cluster.merge_small(labels, adjacency, max(2, len(nodes) // 200))
    if config.absorb_private:
        entry = name_matcher(config.entry_names)
        entries = frozenset(n for n in nodes if entry.search(n))
        labels = cluster.absorb_private(labels, edges, entries)
    wanted = max(1, (requested or 0) - reserved)
    if requested and len(set(labels.values())) > wanted:
        labels = cluster.merge_to(labels, adjacency, wanted)
    return labels, clustering


def static_edges(graph: digraph.DiGraph[str], members: Mapping[str, object]) -> list[quality.Edge]:
    # the members' own dependencies, not every edge of the graph (sorted: any order)
    return sorted(
        (a, b, max(len(d.get("lines") or ()), 1))
        for a in members
        if a in graph
        for b, d in graph[a].items()
        if b in members and a != b
    )


def measure(
    name: str,
    labels: Mapping[str, object],
    edges: Sequence[quality.Edge],
    crossing: float | None,
) -> DecompositionQuality:
    """``crossing``: quality.co_change_crossing of the partition (None: no history)."""
    metrics = quality.structural(edges, labels)
    return DecompositionQuality(
        partitions=len(set(labels.values())),
        modularity=round(metrics.modularity, 4),
        structural_modularity=round(metrics.structural_modularity, 4),
        icp=round(metrics.icp, 4),
        ifn=round(metrics.ifn, 4),
        ned=round(quality.ned(labels), 4),
        turbomq=round(metrics.turbomq, 4),
        co_change_crossing=None if crossing is None else round(crossing, 4),
        name=name,
        members=len(labels),
        turbomq_normalised=round(metrics.turbomq_normalised, 4),
    )


def score(
    name: str,
    file_labels: Mapping[str, str],
    truth: Decomposition,
    files: Sequence[str],
    modules: Mapping[str, str],
) -> GroundTruthScore:
    """MoJoFM and c2c of a file partition against a ground truth over class/file names."""
    matched = match_members(truth.labels(), files, modules)
    truth_labels = truth.labels()  # every ground-truth member, found or not
    proposal = {
        member: file_labels[path] for member, path in matched.files.items() if path in file_labels
    }
    return GroundTruthScore(
        decomposition=name,
        ground_truth=truth.source,
        members=len(proposal),
        mojofm=round(quality.mojofm(proposal, truth_labels), 2),
        c2c_50=round(quality.c2c(proposal, truth_labels, 0.5), 2),
        c2c_33=round(quality.c2c(proposal, truth_labels, 0.33), 2),
        c2c_10=round(quality.c2c(proposal, truth_labels, 0.1), 2),
        unknown=matched.unknown,
    )


def _unknown_warning(what: str, source: str, unknown: Sequence[str]) -> AnalysisWarning:
    shown = ", ".join(unknown[:20]) + (f" (+{len(unknown) - 20} more)" if len(unknown) > 20 else "")
    return AnalysisWarning(
        source, "decomposition-unknown", f"{what} names {len(unknown)} unknown member(s): {shown}"
    )


def _user_decomposition(
    data: ContextsInput,
    given: Decomposition,
    co_change: Mapping[tuple[str, str], float] | None,
    warnings: list[AnalysisWarning],
) -> tuple[DecompositionQuality, dict[str, str]]:
    """Quality of a user's decomposition over the files it names (unknown names warned)."""
    matched = match_members(given.labels(), sorted(data.graph.nodes), data.modules)
    if matched.unknown:
        warnings.append(_unknown_warning("decomposition", given.source, matched.unknown))
    labels = {path: matched.labels[member] for member, path in sorted(matched.files.items())}
    edges = static_edges(data.graph, labels)
    crossing = None if co_change is None else quality.co_change_crossing(co_change, labels)
    return measure(given.source, labels, edges, crossing), labels


def _scores(
    data: ContextsInput,
    candidates: Sequence[tuple[str, Mapping[str, str]]],
    warnings: list[AnalysisWarning],
) -> list[GroundTruthScore]:
    """Every candidate against every ground truth; with cross_scores, every decomposition
    also against every other one (the second as the reference)."""
    graph_files = sorted(data.graph.nodes)
    truths = list(data.ground_truths)
    if data.cross_scores:
        truths += [d for d in data.decompositions if d not in truths]
    out = []
    warned: set[str] = set()
    for truth in truths:
        for name, labels in candidates:
            if name == truth.source:
                continue
            scored = score(name, labels, truth, graph_files, data.modules)
            if scored.unknown and truth.source not in warned and truth in data.ground_truths:
                warned.add(truth.source)
                warnings.append(_unknown_warning("ground truth", truth.source, scored.unknown))
            out.append(scored)
    return out


def run_contexts(data: ContextsInput) -> tuple[ContextsResult, list[AnalysisWarning]]:
    warnings: list[AnalysisWarning] = []
    production, tests = _roles(data)
    if data.history is None:
        warnings.append(
            _warning(
                "contexts-no-history",
                "no git history: contexts from structure and vocabulary only (no co-change)",
            )
        )
    if not production:
        warnings.append(_warning("contexts-empty", "no production files: no contexts proposed"))
        return _empty(()), warnings
    prepared = data.prepared
    if prepared is None or prepared.production != production:
        prepared = _prepared(data, production)
    co_sets = (
        signals.co_change_sets(data.history.changesets, production, data.config.max_changeset_size)
        if data.history is not None
        else None
    )
    platform = prepared.platform
    if len(platform) == len(production):
        platform = frozenset()  # nothing but bootstrap code: cluster it like the rest
    fusion = _fusion(data, prepared, co_sets, sorted(production - platform), platform)
    clustering = fusion.clustering
    layers = frozenset(n.lower() for n in data.config.layer_names)
    assembly = Assembly(
        labels=_named(fusion.labels, platform),
        figures=fusion.figures,
        vectors=prepared.vectors,
        graph=data.graph,
        facts=data.facts,
        history=data.history,
        tests=tests,
        runs=clustering.runs if clustering else (),
        features=frozenset(signals.feature_groups(sorted(production), layers)),
        layers=frozenset(n.lower() for n in data.config.layer_names),
    )
    contexts, edges, file_context = build_contexts(assembly)
    if data.requested and len(contexts) != data.requested:
        warnings.append(
            _warning(
                "contexts-count",
                f"asked for {data.requested} contexts, found {len(contexts)} "
                f"({len(production)} production files)",
            )
        )
    static = static_edges(data.graph, file_context)
    crossing = None if co_sets is None else fusion.figures.crossing
    proposal = measure("archscan", file_context, static, crossing)
    # the co-change signal itself, for the user's decompositions only (it is not made
    # again when the clustering is stored)
    co_change = (
        signals.co_change_weights(co_sets) if co_sets is not None and data.decompositions else None
    )
    candidates: list[tuple[str, Mapping[str, str]]] = [("archscan", file_context)]
    qualities = []
    for given in data.decompositions:
        measured, given_labels = _user_decomposition(data, given, co_change, warnings)
        qualities.append(measured)
        candidates.append((given.source, given_labels))
    scores = _scores(data, candidates, warnings)
    result = ContextsResult(
        contexts=contexts,
        edges=edges,
        quality=proposal,
        signals=_used(prepared, co_sets),
        resolution=round(clustering.resolution, 4) if clustering else 0.0,
        requested=data.requested,
        decompositions=tuple(qualities),
        scores=tuple(scores),
    )
    return result, warnings
