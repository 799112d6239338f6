"""From a file partition to the BoundedContext and ContextEdge records: names, SLOC,
cohesion, interface, owners, hotspots, attached tests, confidence, packages."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from archscan import digraph
from archscan.contexts import cluster, signals
from archscan.graph import package_of
from archscan.records import (
    BoundedContext,
    ContextEdge,
    ContextInterface,
    FileFacts,
    HistoryResult,
)

_TOP_OWNERS = 5
_TOP_HOTSPOTS = 5
_TOP_SYMBOLS = 10


@dataclass(frozen=True)
class FusedFigures:
    """What the contexts take from the fused graph and the co-change signal, for one
    labelling (:func:`fused_figures`): stored with the clustering, whose inputs decide
    them too (stored.py), so that a re-run that finds the clustering neither fuses the
    signals nor passes over their pairs again (saleor: 56,000 fused pairs, 43,000
    co-change pairs: run_contexts of the re-run 0.207 -> 0.100 CPU-s)."""

    cohesion: dict[str, float]  # context id -> its cohesion
    cross_package: dict[str, tuple[tuple[str, float], ...]]  # context id -> signal shares
    co_change: dict[tuple[str, str], float]  # (a, b), a < b: co-change between contexts
    crossing: float  # quality.co_change_crossing of the contexts (0.0: no co-change)


@dataclass(frozen=True)
class Assembly:
    labels: Mapping[str, str | int]  # production file -> community ("platform" for it)
    figures: FusedFigures  # of these labels
    vectors: Mapping[str, Mapping[str, float]]
    graph: digraph.DiGraph[str]
    facts: Mapping[str, FileFacts]
    history: HistoryResult | None
    tests: Sequence[str]
    runs: Sequence[cluster.Run]
    layers: frozenset[str]
    features: frozenset[str] = frozenset()  # feature-shaped packages (signals.feature_groups)


def _ids(labels: Mapping[str, str | int]) -> dict[str | int, str]:
    """Context ids: c01, c02, ... by size (largest first), ties by first file; platform last."""
    members: dict[str | int, list[str]] = defaultdict(list)
    for path, label in labels.items():
        members[label].append(path)
    ordered = sorted(
        (label for label in members if label != "platform"),
        key=lambda label: (-len(members[label]), min(members[label])),
    )
    width = max(2, len(str(len(ordered))))
    ids: dict[str | int, str] = {label: f"c{i + 1:0{width}d}" for i, label in enumerate(ordered)}
    if "platform" in members:
        ids["platform"] = "platform"
    return ids


def _file_context(labels: Mapping[str, str | int]) -> dict[str, str]:
    """Each file's context id, by path."""
    ids = _ids(labels)
    return {path: ids[label] for path, label in sorted(labels.items())}


def fused_figures(
    labels: Mapping[str, str | int],
    fused: signals.Weights,
    parts: Mapping[tuple[str, str], Mapping[str, float]],
    co_change: Mapping[tuple[str, str], float],
) -> FusedFigures:
    """The figures of the contexts of ``labels`` that read the fused graph (its
    ``parts``: signals.fuse's) and the co-change signal (bulk commits out)."""
    file_context = _file_context(labels)
    cohesion, cross = _pair_sums(file_context, fused, parts)
    between, crossing = _co_change(file_context.get, co_change)
    return FusedFigures(cohesion, cross, dict(between), crossing)


def _name(members: Sequence[str], assembly: Assembly, taken: set[str]) -> str:
    """Dominant feature package (its last folder) and the two strongest terms; terms only
    where the files are not in a feature-shaped package (one application root)."""
    packages = Counter(
        signals.feature_package(p, assembly.layers) or package_of(p) for p in members
    )
    dominant = min(packages, key=lambda k: (-packages[k], k)) if packages else ""
    label = dominant.rpartition("/")[2] if dominant in assembly.features else ""
    scores: dict[str, float] = defaultdict(float)
    for path in members:
        for term, value in assembly.vectors.get(path, {}).items():
            scores[term] += value
    words = [t for t in sorted(scores, key=lambda t: (-scores[t], t)) if t != label.lower()][:2]
    if not label:
        base = ", ".join(words) or dominant.rpartition("/")[2] or "root"
    else:
        base = f"{label}: {', '.join(words)}" if words else label
    name, n = base, 2
    while name in taken:
        name, n = f"{base} #{n}", n + 1
    taken.add(name)
    return name


# source file -> line -> (position among its imports, the names an import there takes)
_ImportLines = dict[str, dict[int, list[tuple[int, tuple[str, ...]]]]]


def _import_lines(facts: FileFacts | None) -> dict[int, list[tuple[int, tuple[str, ...]]]]:
    by_line: dict[int, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for position, item in enumerate(facts.imports if facts is not None else ()):
        by_line[item.line].append((position, item.names or (item.target.rpartition(".")[2],)))
    return by_line


def _symbols(
    source: str, target: str, data: Mapping[str, object], assembly: Assembly, index: _ImportLines
) -> list[str]:
    """The names the importer takes from the target on those lines (the module
    otherwise), in the order of its imports. ``index``: each source's imports by line,
    built once per source (a source imports from many files of other contexts)."""
    by_line = index.get(source)
    if by_line is None:
        by_line = index[source] = _import_lines(assembly.facts.get(source))
    lines: Sequence[int] = data.get("lines") or ()  # type: ignore[assignment]
    if len(lines) == 1:  # nearly every dependency: its line's imports are in order
        found = by_line.get(lines[0], [])
    else:
        found = sorted(entry for line in set(lines) for entry in by_line.get(line, ()))
    out = [name for _position, names in found for name in names]
    return out or [target.rpartition("/")[2].partition(".")[0]]


# a dependency between files of two contexts: (source, target, its attribute dict)
_Crossing = tuple[str, str, digraph.Attributes]


def _crossing(file_context: Mapping[str, str], graph: digraph.DiGraph[str]) -> list[_Crossing]:
    """Every dependency between files of two different contexts (both read by the
    context edges and the interfaces): one pass over the files' own dependencies, not
    over the whole graph's."""
    out = []
    context_of = file_context.get
    for source, context in file_context.items():
        for target, data in graph[source].items():
            other = context_of(target)
            if other is not None and other != context:
                out.append((source, target, data))
    return out


def _interfaces(
    into: Sequence[_Crossing], assembly: Assembly, index: _ImportLines
) -> tuple[ContextInterface, ...]:
    """A context's files used from other contexts (``into``: the dependencies on its
    files from other contexts), the most used first, with the names taken from each."""
    uses: Counter[str] = Counter()
    names: dict[str, list[str]] = defaultdict(list)  # counted once per file, not per use
    for source, target, data in into:
        uses[target] += 1
        names[target] += _symbols(source, target, data, assembly, index)
    out = []
    for path in sorted(uses, key=lambda p: (-uses[p], p)):
        symbols = Counter(names[path])
        ranked = sorted(symbols, key=lambda s: (-symbols[s], s))[:_TOP_SYMBOLS]
        out.append(ContextInterface(path=path, symbols=tuple(ranked), uses=uses[path]))
    return tuple(out)


def _owners(
    file_context: Mapping[str, str], history: HistoryResult | None
) -> dict[str, tuple[tuple[str, float], ...]]:
    """Per context: top authors by the commits touching it, with their share."""
    if history is None:
        return {}
    commits: dict[str, Counter[str]] = defaultdict(Counter)
    context_of = file_context.get
    for changeset in history.changesets:
        # context ids are never empty: filter(None) drops the files in no context
        for context in set(filter(None, map(context_of, changeset.files))):
            commits[context][changeset.author] += 1
    out = {}
    for context, counts in commits.items():
        total = sum(counts.values())
        ranked = sorted(counts, key=lambda a: (-counts[a], a))[:_TOP_OWNERS]
        out[context] = tuple((a, round(counts[a] / total, 4)) for a in ranked)
    return out


def _hotspots(
    file_context: Mapping[str, str], history: HistoryResult | None
) -> dict[str, list[str]]:
    """Per context: its files' top hotspots, most first, from one pass over the ranking
    (each context scanning all of saleor's 4,000 hotspots: 22 passes, ~5 ms)."""
    out: dict[str, list[str]] = defaultdict(list)
    context_of = file_context.get
    for hotspot in history.hotspots if history is not None else ():
        context = context_of(hotspot.path)
        if context is not None:
            top = out[context]
            if len(top) < _TOP_HOTSPOTS:
                top.append(hotspot.path)
    return out


def _pair_sums(
    file_context: Mapping[str, str],
    fused: signals.Weights,
    parts: Mapping[tuple[str, str], Mapping[str, float]],
) -> tuple[dict[str, float], dict[str, tuple[tuple[str, float], ...]]]:
    """Per context, from one pass over the fused pairs (56,000 on saleor): its cohesion,
    the share of its files' fused weight that stays inside it (a pair inside counts for
    both its files), and its cross-package signals, each signal's share of the weight
    between its files in different packages (which edges pulled it together across
    packages)."""
    inside: defaultdict[str, float] = defaultdict(float)
    total: defaultdict[str, float] = defaultdict(float)
    across: dict[str, Counter[str]] = defaultdict(Counter)
    package = {path: package_of(path) for path in file_context}  # once per file, not pair
    context_of = file_context.get
    for pair, w in fused.items():
        a, b = pair
        ca, cb = context_of(a), context_of(b)
        if ca is not None:
            total[ca] += w
        if cb is not None:
            total[cb] += w
        if ca is None or ca != cb:
            continue
        inside[ca] += w + w
        if package[a] != package[b]:
            by_signal = across[ca]
            for name, amount in parts[pair].items():  # made when read: only these
                by_signal[name] += amount  # type: ignore[assignment]
    cohesion = {c: round(inside[c] / t, 4) for c, t in total.items() if t}
    return cohesion, {context: _shares(by_signal) for context, by_signal in across.items()}


def _shares(by_signal: Counter[str]) -> tuple[tuple[str, float], ...]:
    total = sum(by_signal.values())
    return tuple(
        (name, round(by_signal[name] / total, 4))
        for name in sorted(by_signal, key=lambda n: (-by_signal[n], n))
    )


def _tests(assembly: Assembly, file_context: Mapping[str, str]) -> dict[str, list[str]]:
    """Each test file goes to the context it imports most (ties: the first id)."""
    attached: dict[str, list[str]] = defaultdict(list)
    for test in assembly.tests:
        targets = Counter(
            file_context[t] for t in assembly.graph.successors(test) if t in file_context
        )
        if targets:
            attached[min(targets, key=lambda c: (-targets[c], c))].append(test)
    return attached


def _co_change(
    context_of: Callable[[str], str | None], co_change: Mapping[tuple[str, str], float]
) -> tuple[dict[tuple[str, str], float], float]:
    """The co-change between each two contexts, and the share of all co-change between
    files of the contexts that crosses them (quality.co_change_crossing, the same sums in
    the same order): one pass over the pairs for both (43,000 on saleor: ~10 ms each)."""
    co: defaultdict[tuple[str, str], float] = defaultdict(float)  # 0 + w, as Counter's
    total = crossing = 0.0
    for (a, b), w in co_change.items():
        ca, cb = context_of(a), context_of(b)
        if ca and cb:  # context ids are never empty
            total += w
            if ca != cb:
                crossing += w
                co[(ca, cb) if ca < cb else (cb, ca)] += w
    return co, crossing / total if total else 0.0


def _edges(
    file_context: Mapping[str, str], crossing: Sequence[_Crossing], assembly: Assembly
) -> tuple[ContextEdge, ...]:
    counts: Counter[tuple[str, str]] = Counter()
    kinds: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for a, b, data in crossing:
        key = (file_context[a], file_context[b])
        counts[key] += 1
        kind = str(data.get("kind", "import"))
        if data.get("type_only"):
            kind += " (type-only)"
        kinds[key][kind] += 1
    co = assembly.figures.co_change
    keys = set(counts) | set(co)
    return tuple(
        ContextEdge(
            source=s,
            target=t,
            dependencies=counts[(s, t)],
            by_kind=tuple(sorted(kinds[(s, t)].items())),
            co_change=round(co.get((s, t), 0), 4) if s < t else 0.0,  # 0, as Counter's
        )
        for s, t in sorted(keys)
    )


def build_contexts(
    assembly: Assembly,
) -> tuple[tuple[BoundedContext, ...], tuple[ContextEdge, ...], dict[str, str]]:
    file_context = _file_context(assembly.labels)
    members: dict[str, set[str]] = defaultdict(set)
    for path, context in file_context.items():
        members[context].add(path)
    cohesion, cross = assembly.figures.cohesion, assembly.figures.cross_package
    tests = _tests(assembly, file_context)
    owners = _owners(file_context, assembly.history)
    hotspots = _hotspots(file_context, assembly.history)
    taken: set[str] = set()
    index: _ImportLines = {}
    crossing = _crossing(file_context, assembly.graph)
    into: dict[str, list[_Crossing]] = defaultdict(list)  # by the target's context
    for edge in crossing:
        into[file_context[edge[1]]].append(edge)
    contexts = []
    for context in sorted(members, key=lambda c: (c == "platform", c)):
        files = members[context]
        ordered = sorted(files)
        packages = Counter(package_of(p) for p in ordered)
        contexts.append(
            BoundedContext(
                id=context,
                name="platform" if context == "platform" else _name(ordered, assembly, taken),
                files=tuple(ordered),
                sloc=sum(f.sloc for p in ordered if (f := assembly.facts.get(p))),
                cohesion=cohesion.get(context, 0.0),
                confidence=(
                    1.0
                    if context == "platform"
                    else round(cluster.confidence(ordered, assembly.runs), 4)
                ),
                interface=_interfaces(into.get(context, ()), assembly, index),
                owners=owners.get(context, ()),
                hotspots=tuple(hotspots.get(context, ())),
                tests=tuple(sorted(tests.get(context, ()))),
                packages=tuple(sorted(packages, key=lambda p: (-packages[p], p))),
                platform=context == "platform",
                cross_package=cross.get(context, ()),
            )
        )
    return tuple(contexts), _edges(file_context, crossing, assembly), file_context
