"""The service-links stage: run-time links between deployables, from code and config.

Sources: docker-compose files and Kubernetes manifests (deployables, ``depends_on``,
addresses in environment values), ``.proto`` services and the gRPC code implementing or
calling them, URLs and address variables in code, and message topics and queues.
Link ends are components: the ``component_of`` resolver the structure uses, and for
files it leaves unassigned, the deployable whose code folder holds them. Definitions:
docs/data-access.md ("Links between deployables").
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from posixpath import basename, dirname

import yaml

from archscan.graph import UNASSIGNED
from archscan.languages.base import ProjectView
from archscan.links import addresses, aspire, grpc, manifests, messaging
from archscan.records import AnalysisWarning, ServiceLink, ServiceLinksResult, SourceFile
from archscan.stage_cache import code_fingerprint, open_stage_cache

_CODE_SUFFIXES = (
    ".py", ".go", ".java", ".kt", ".kts", ".cs", ".js", ".mjs", ".cjs", ".jsx", ".ts",
    ".tsx", ".rb", ".php", ".rs", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".ex", ".exs",
    ".scala", ".swift",
)  # fmt: skip
_MANIFEST_HINT = re.compile(r"^apiVersion:", re.MULTILINE)

_URL = re.compile(r"://(?:[^@/\s\"']*@)?([A-Za-z0-9_.-]+)")

Evidence = tuple[str, int]


@dataclass(frozen=True)
class ServiceLinksInput:
    root: Path
    files: tuple[SourceFile, ...]  # the discovered files (only these are ever read)
    component_of: Callable[[str], str]
    generated: frozenset[str] = frozenset()  # files a generator wrote (skipped in code)
    # Per-file results are stored by blob id in ``cache_dir`` (no directory: not stored).
    blobs: Mapping[str, str] = field(default_factory=dict)  # path -> git blob id
    cache_dir: Path | None = None


class _Links:
    def __init__(self) -> None:
        self.evidence: dict[tuple[str, str, str, str], set[Evidence]] = defaultdict(set)

    def add(self, source: str, target: str, kind: str, name: str, *evidence: Evidence) -> None:
        if UNASSIGNED in (source, target) or not source or not target or source == target:
            return
        self.evidence[(source, target, kind, name)].update(evidence)

    def result(self) -> tuple[ServiceLink, ...]:
        return tuple(
            ServiceLink(source, target, kind, name, tuple(sorted(evidence)))
            for (source, target, kind, name), evidence in sorted(self.evidence.items())
        )


class _Naming:
    """Files and deployables -> component names, consistently."""

    def __init__(
        self, paths: list[str], component_of: Callable[[str], str], folders: dict[str, str]
    ) -> None:
        self.component_of = component_of
        # Deepest folder first; of deployables sharing a folder (an app and its test
        # runner), the one named after the folder, then the first by name.
        self.folders = sorted(
            folders.items(),
            key=lambda item: (-len(item[1]), item[0] != basename(item[1]), item[0]),
        )
        self.of_deployable: dict[str, str] = {}
        for name, folder in folders.items():
            inside = Counter(component_of(p) for p in paths if p.startswith(folder + "/"))
            inside.pop(UNASSIGNED, None)
            self.of_deployable[name] = inside.most_common(1)[0][0] if inside else name

    def file(self, path: str) -> str:
        component = self.component_of(path)
        if component != UNASSIGNED:
            return component
        for name, folder in self.folders:
            if path.startswith(folder + "/"):
                return self.of_deployable[name]
        return UNASSIGNED

    def deployable(self, name: str) -> str:
        return self.of_deployable.get(name, name)

    def deployable_of_file(self, path: str) -> str:
        for name, folder in self.folders:
            if path.startswith(folder + "/"):
                return name
        return ""


def _read(view: ProjectView, path: str) -> str:
    return view.read_text(path) or ""


def _deployables(
    view: ProjectView, warnings: list[AnalysisWarning]
) -> tuple[dict[str, manifests.Deployable], set[str]]:
    """Compose services and Kubernetes workloads by name (first declaration wins the
    location; dependencies and environment are merged), and Kubernetes Service names."""
    found: dict[str, manifests.Deployable] = {}
    k8s_services: set[str] = set()
    csproj = [f.path for f in view.files if f.path.endswith(".csproj")]
    for file in view.files:
        path = file.path
        if not path.endswith((".yml", ".yaml", ".cs")):
            continue
        text = _read(view, path)
        try:
            if path.endswith(".cs"):
                if not aspire.is_app_host(text):
                    continue
                items = aspire.app_host_resources(path, text, csproj)
            elif manifests.is_compose_file(path):
                folder = dirname(path)
                env = manifests.read_dotenv(_read(view, f"{folder}/.env" if folder else ".env"))
                items = manifests.compose_services(path, text, env)
            elif _MANIFEST_HINT.search(text):
                items, names = manifests.kubernetes_objects(path, text)
                k8s_services.update(names)
            else:
                continue
        except (yaml.YAMLError, ValueError, RecursionError) as exc:
            warnings.append(AnalysisWarning(path, "service-links", f"YAML skipped: {exc}"[:300]))
            continue
        for item in items:
            known = found.setdefault(item.name, item)
            if known is not item:
                known.folder = known.folder or item.folder
                known.depends_on += item.depends_on
                known.environment += item.environment
                known.addresses += item.addresses
    return found, k8s_services


def _config_links(
    deployables: dict[str, manifests.Deployable], known: set[str], naming: _Naming, links: _Links
) -> None:
    for item in deployables.values():
        source = naming.deployable(item.name)
        for name, line in item.depends_on:
            links.add(source, naming.deployable(name), "depends-on", name, (item.path, line))
        for name, line in item.addresses:
            links.add(source, naming.deployable(name), "address", name, (item.path, line))
        for variable, value, line in item.environment:
            for host in addresses.hosts_in(value, variable):
                if host in known and host != item.name:
                    links.add(source, naming.deployable(host), "address", host, (item.path, line))


@dataclass(frozen=True)
class _CodeFacts:
    """What one code file says, stored by its blob id (``stage_cache``): everything that
    depends on its text alone, and its gRPC roles with the digest of the proto service
    names they were looked up against (recomputed when those change)."""

    topics: messaging.MessagingFacts | None = None
    events: messaging.TypedEvents | None = None
    urls: tuple[tuple[str, int], ...] = ()  # (host, line) of each URL literal
    variables: tuple[tuple[str, int], ...] = ()  # variables read (env or literal), sorted
    protos: str = ""  # digest of the proto service names the roles below were found for
    implemented: tuple[tuple[str, int], ...] = ()
    called: tuple[tuple[str, int], ...] = ()


def _code_facts(text: str, services: set[str], protos: str) -> _CodeFacts:
    implemented: list[tuple[str, int]] = []
    called: list[tuple[str, int]] = []
    if services:
        implemented, called = grpc.grpc_roles(text, services)
    lower = text.lower()  # shared by the scans below (their case-blind prefilters)
    facts = messaging.messaging_facts(text, lower)
    if facts is not None and not (facts.names or facts.producer or facts.consumer):
        facts = None
    urls = []
    for found in _URL.finditer(text):  # a literal "://" first: fast on any text
        urls.append((found.group(1), text.count("\n", 0, found.start()) + 1))
    return _CodeFacts(
        topics=facts,
        events=messaging.typed_events(text),
        urls=tuple(urls),
        variables=tuple(addresses.variables_read(text, lower)),
        protos=protos,
        implemented=tuple(implemented),
        called=tuple(called),
    )


class _CodeScan:
    """What the code files say: gRPC roles, URLs, address variables, topics."""

    def __init__(self, protos: list[grpc.ProtoService]) -> None:
        self.by_name = {p.name: p for p in protos}
        # the proto service names code was scanned against (stored roles need the same)
        self.protos = _digest(sorted(self.by_name)) if self.by_name else ""
        self.implementers: dict[str, set[tuple[str, Evidence]]] = defaultdict(set)
        self.callers: dict[str, set[tuple[str, Evidence]]] = defaultdict(set)
        self.messaging: list[tuple[str, str, messaging.MessagingFacts]] = []
        self.events: list[tuple[str, str, messaging.TypedEvents]] = []

    def add(self, path: str, component: str, facts: _CodeFacts) -> None:
        for name, line in facts.implemented:
            self.implementers[name].add((component, (path, line)))
        for name, line in facts.called:
            self.callers[name].add((component, (path, line)))
        if facts.topics is not None:
            self.messaging.append((path, component, facts.topics))
        if facts.events is not None:
            self.events.append((path, component, facts.events))


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogateescape")).hexdigest()[:16]


@cache
def _fingerprint() -> str:
    import archscan.links as package

    return code_fingerprint("service-links", package)


def _code_files(
    data: ServiceLinksInput, view: ProjectView, paths: list[str], code: _CodeScan
) -> list[tuple[str, _CodeFacts]]:
    """Each code file's facts: stored ones reused, the others read and scanned."""
    wanted = [
        path
        for path in paths
        if path.endswith(_CODE_SUFFIXES)
        and path not in data.generated
        and not grpc.is_generated_stub(path)
    ]
    store = open_stage_cache(
        data.cache_dir, "service-links", _fingerprint(), _CodeFacts, _CodeFacts()
    )
    blob_of = data.blobs
    stored = store.get_many((path, blob_of.get(path, "")) for path in wanted) if store else {}
    found: list[tuple[str, _CodeFacts]] = []
    changed: dict[str, tuple[str, _CodeFacts]] = {}
    for path in wanted:
        facts = stored.get(path)
        if facts is None or facts.protos != code.protos:
            facts = _code_facts(_read(view, path), set(code.by_name), code.protos)
            changed[path] = (blob_of.get(path, ""), facts)
        found.append((path, facts))
    if store:
        store.put_many(changed)
        store.close()
    return found


def _guess_deployable(service: str, known: set[str]) -> str:
    """A proto service nobody implements in code: the deployable named after it
    (CartService -> cart, ProductCatalogService -> product-catalog / productcatalog)."""
    stem = re.sub(r"Service$", "", service)
    kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", stem).lower()
    for candidate in (kebab, kebab.replace("-", ""), kebab.replace("-", "_"), stem.lower()):
        if candidate in known:
            return candidate
    return ""


def _grpc_links(code: _CodeScan, known: set[str], naming: _Naming, links: _Links) -> None:
    for name, callers in sorted(code.callers.items()):
        service = code.by_name[name]
        targets = {component for component, _ in code.implementers.get(name, set())}
        evidence = {ev for _, ev in code.implementers.get(name, set())}
        if not targets:
            guess = _guess_deployable(name, known)
            targets = {naming.deployable(guess) if guess else service.qualified}
            evidence = {(service.path, service.line)}
        for caller, ev in sorted(callers):
            for target in sorted(targets):
                links.add(caller, target, "grpc", service.qualified, ev, *sorted(evidence)[:3])


def _topic_links(code: _CodeScan, links: _Links) -> None:
    # Roles of each component per system, for names held by files without client calls.
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _path, component, facts in code.messaging:
        for system in facts.systems:
            if facts.producer:
                roles[(component, system)].add("producer")
            if facts.consumer:
                roles[(component, system)].add("consumer")
    ends: dict[str, dict[str, dict[str, set[Evidence]]]] = defaultdict(
        lambda: {"producer": defaultdict(set), "consumer": defaultdict(set)}
    )
    for path, component, facts in code.messaging:
        for (name, role), line in facts.names.items():
            own = {
                r for r, on in (("producer", facts.producer), ("consumer", facts.consumer)) if on
            }
            if not own:
                own = set().union(*(roles[(component, s)] for s in facts.systems))
            for taken in {role} if role else own:
                ends[name][taken][component].add((path, line))
    for name, sides in sorted(ends.items()):
        producers, consumers = sides["producer"], sides["consumer"]
        for producer, p_evidence in sorted(producers.items()):
            for consumer, c_evidence in sorted(consumers.items()) or [(name, set())]:
                links.add(producer, consumer, "topic", name, *sorted(p_evidence | c_evidence))
        if not producers:
            for consumer, c_evidence in sorted(consumers.items()):
                links.add(name, consumer, "topic", name, *sorted(c_evidence))


def _event_links(code: _CodeScan, links: _Links) -> None:
    """Publishers of an event type -> the components subscribing to it."""
    consumers: dict[str, dict[str, set[Evidence]]] = defaultdict(lambda: defaultdict(set))
    for path, component, events in code.events:
        for name, line in events.consumed.items():
            consumers[name][component].add((path, line))
    for path, component, events in code.events:
        if not events.publishes:
            continue
        for name, line in events.created.items():
            for consumer, evidence in sorted(consumers.get(name, {}).items()):
                links.add(component, consumer, "topic", name, (path, line), *sorted(evidence))


def _address_links(
    path: str,
    facts: _CodeFacts,
    component: str,
    deployable: manifests.Deployable | None,
    known: set[str],
    naming: _Naming,
    links: _Links,
) -> None:
    """URLs naming a known service, and address variables the file's deployable sets."""
    for host, line in facts.urls:
        if host in known:
            links.add(component, naming.deployable(host), "http", host, (path, line))
    if deployable is None:
        return
    environment = {var: (value, line) for var, value, line in deployable.environment}
    for variable, line in facts.variables:
        if variable not in environment:
            continue
        value, config_line = environment[variable]
        kind = "http" if value.startswith(("http://", "https://")) else "address"
        for host in addresses.hosts_in(value, variable):
            if host in known and host != deployable.name:
                links.add(
                    component,
                    naming.deployable(host),
                    kind,
                    host,
                    (path, line),
                    (deployable.path, config_line),
                )


def run_service_links(
    data: ServiceLinksInput,
) -> tuple[ServiceLinksResult, tuple[AnalysisWarning, ...]]:
    view = ProjectView(data.root, data.files, {})
    warnings: list[AnalysisWarning] = []
    deployables, k8s_services = _deployables(view, warnings)
    known = set(deployables) | k8s_services
    paths = [f.path for f in data.files]
    folders = {name: d.folder for name, d in deployables.items() if d.folder}
    naming = _Naming(paths, data.component_of, folders)
    links = _Links()
    _config_links(deployables, known, naming, links)
    protos = [
        service
        for path in paths
        if path.endswith(".proto")
        for service in grpc.proto_services(path, _read(view, path))
    ]
    code = _CodeScan(protos)
    for path, facts in _code_files(data, view, paths, code):
        component = naming.file(path)
        code.add(path, component, facts)
        owner = naming.deployable_of_file(path) or component
        _address_links(path, facts, component, deployables.get(owner), known, naming, links)
    _grpc_links(code, known, naming, links)
    _topic_links(code, links)
    _event_links(code, links)
    result = links.result()
    services = {naming.deployable(name) for name in deployables}
    services |= {c for c, _ in (*_flatten(code.implementers), *_flatten(code.callers))}
    services.discard(UNASSIGNED)
    return ServiceLinksResult(services=tuple(sorted(services)), links=result), tuple(warnings)


def _flatten(
    by_name: dict[str, set[tuple[str, Evidence]]],
) -> list[tuple[str, Evidence]]:
    return [item for items in by_name.values() for item in items]
