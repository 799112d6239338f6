"""gRPC: ``.proto`` services and the code that implements or calls them.

Service and rpc definitions follow the protobuf language guide (protobuf.dev,
"Language Guide (proto 3)", section "Defining Services"). The code side uses the names
each official code generator gives a service ``X`` (grpc.io, "Basics tutorial" per
language; tonic for Rust):

- Go: implements ``RegisterXServer(``, ``UnimplementedXServer``; calls ``NewXClient(``.
- Python: ``add_XServicer_to_server``, ``(XServicer)``; ``XStub(``.
- Java, Kotlin: ``XGrpc.XImplBase``, ``XCoroutineImplBase``; ``XGrpc.newStub``,
  ``newBlockingStub``, ``newFutureStub``, ``XCoroutineStub``.
- C#: ``X.XBase``; ``X.XClient``.
- C++: ``X::Service``, ``X::AsyncService``; ``X::NewStub(``.
- Ruby: ``X::Service``; ``X::Stub.new``.
- Node (grpc-js, ts-proto): ``.X.service`` (``addService``); ``new pkg.X(``, ``new XClient(``.
- Rust (tonic): ``XServer::new(``; ``XClient::connect(``, ``XClient::new(``.

Generated stubs themselves (``*_pb2_grpc.py``, ``*.pb.go``, files with a generator's
header) define all of these names and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.MULTILINE)
_SERVICE = re.compile(r"\bservice\s+(\w+)\s*\{")
_RPC = re.compile(r"\brpc\s+(\w+)\s*\(")
_GENERATED_NAMES = re.compile(
    r"(_pb2(_grpc)?\.pyi?|\.pb\.go|_grpc\.pb\.go|\.pb\.(cc|h)|\.grpc\.pb\.(cc|h)|_pb\.(js|d\.ts)"
    r"|_grpc_pb\.(js|d\.ts)|Grpc\.(java|cs)|GrpcKt\.kt|\.pb\.rs)$"
)
_IMPLEMENTS = (
    r"\bRegister(?P<s>\w+)Server\s*\(",
    r"\bUnimplemented(?P<s>\w+)Server\b",
    r"\badd_(?P<s>\w+)Servicer_to_server\b",
    r"[(,]\s*(?:\w+\.)*(?P<s>\w+)Servicer\s*[),]",
    r"\b(?P<s>\w+)Grpc\.(?P=s)ImplBase\b",
    r"\b(?P<s>\w+)Grpc(?:Kt)?\.(?P=s)CoroutineImplBase\b",
    r"\b(?P<s>\w+)\.(?P=s)Base\b",
    r"\b(?P<s>\w+)::(?:Async)?Service\b",
    r"\.(?P<s>\w+)\.service\b",
    r"\b(?P<s>\w+)Server::new\s*\(",
)
_CALLS = (
    r"\bNew(?P<s>\w+)Client\s*\(",
    r"\b(?P<s>\w+)Stub\s*\(",
    r"\b(?P<s>\w+)Grpc\.new(?:Blocking|Future)?Stub\s*\(",
    r"\b(?P<s>\w+)CoroutineStub\b",
    r"\b(?P<s>\w+)\.(?P=s)Client\b",
    r"\b(?P<s>\w+)::NewStub\s*\(",
    r"\b(?P<s>\w+)::Stub\.new\b",
    r"\bnew\s+(?:\w+\.)+(?P<s>\w+)\s*\(",
    r"\bnew\s+(?P<s>\w+)Client\s*\(",
    r"\b(?P<s>\w+)Client::connect\s*\(",
    r"\b(?P<s>\w+)Client::new\s*\(",
)


@dataclass(frozen=True)
class ProtoService:
    package: str
    name: str
    path: str
    line: int
    rpcs: tuple[str, ...]

    @property
    def qualified(self) -> str:
        return f"{self.package}.{self.name}" if self.package else self.name


def proto_services(path: str, text: str) -> list[ProtoService]:
    clean = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    package = _PACKAGE.search(clean)
    found = []
    for service in _SERVICE.finditer(clean):
        end = clean.find("\n}", service.end())
        body = clean[service.end() : end if end > 0 else None]
        found.append(
            ProtoService(
                package=package.group(1) if package else "",
                name=service.group(1),
                path=path,
                line=clean.count("\n", 0, service.start()) + 1,
                rpcs=tuple(m.group(1) for m in _RPC.finditer(body)),
            )
        )
    return found


def is_generated_stub(path: str) -> bool:
    return bool(_GENERATED_NAMES.search(path))


def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


_IMPLEMENT_PATTERNS = _compiled(_IMPLEMENTS)
_CALL_PATTERNS = _compiled(_CALLS)


def _matches(
    text: str, patterns: tuple[re.Pattern[str], ...], services: set[str]
) -> list[tuple[str, int]]:
    found: dict[str, int] = {}
    for pattern in patterns:
        for match in pattern.finditer(text):
            name = match.group("s")
            if name in services and name not in found:
                found[name] = text.count("\n", 0, match.start()) + 1
    return sorted(found.items())


def grpc_roles(
    text: str, services: set[str]
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(services implemented, services called), each with the first line of evidence."""
    implemented = _matches(text, _IMPLEMENT_PATTERNS, services)
    mine = {name for name, _ in implemented}
    called = [(n, line) for n, line in _matches(text, _CALL_PATTERNS, services) if n not in mine]
    return implemented, called
