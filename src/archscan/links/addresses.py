"""Addresses of other services: in configuration values and in code.

A configuration value names a service when one of its hosts is a known deployable
(compose service, Kubernetes workload or Service): ``http://cart:7070``,
``cart:7070``, ``Host=postgres;...``, or the bare name when the variable is an address
by its name (``*_ADDR``, ``*_HOST``, ``*_URL``, ``*_ENDPOINT``, ``*_SERVICE_ADDR``, ...).
In code, a URL literal naming a known service (``"http://quote:8090/getquote"``) is an
HTTP call, and reading an address variable (``os.Getenv("CART_ADDR")``,
``process.env.CART_ADDR``, ``System.getenv``, ``Environment.GetEnvironmentVariable``,
``os.environ["X"]``, ``env::var("X")``, ``ENV["X"]``, or the variable's name as a string
literal passed to a helper) links the file to the service the deployable's environment
points that variable at.
"""

from __future__ import annotations

import re

_ADDRESS_VARIABLE = re.compile(
    r"(ADDR|ADDRESS|HOST|HOSTS|HOSTNAME|URL|URI|ENDPOINT|SERVER|SERVERS|BROKER|BROKERS|DSN"
    r"|CONNECTION|CONNECTION_STRING|SERVICE)$",
    re.IGNORECASE,
)
_URL_HOST = re.compile(r"\b[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)")
_HOST_PORT = re.compile(r"(?<![\w./-])([A-Za-z][A-Za-z0-9_.-]*):\d{2,5}\b")
_KEY_HOST = re.compile(r"\b(?:Host|Server|Data Source|host|server)\s*=\s*([A-Za-z0-9_.-]+)")
_ENV_READ = re.compile(
    r"(?:getenv|Getenv|GetEnvironmentVariable|env::var|environ\.get|environ|ENV\.fetch|ENV"
    r"|LookupEnv|getEnv|System\.getenv)\s*[(\[]\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
    r"|process\.env\.([A-Z][A-Z0-9_]*)"
    r"|process\.env\[\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
)
_DESTRUCTURED_ENV = re.compile(r"\{([^{}]*)\}\s*=\s*process\.env\b")


def hosts_in(value: str, variable: str = "") -> list[str]:
    """Host names a configuration value mentions."""
    hosts = _URL_HOST.findall(value) + _HOST_PORT.findall(value) + _KEY_HOST.findall(value)
    if not hosts and variable and _ADDRESS_VARIABLE.search(variable):
        bare = value.strip()
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", bare):
            hosts.append(bare)
    # "cart.default.svc.cluster.local" -> "cart": a Kubernetes service's DNS name.
    return [h.split(".svc")[0].split(".")[0] if ".svc" in h else h for h in hosts]


def url_hosts(literal: str) -> list[str]:
    return _URL_HOST.findall(literal)


def env_reads(text: str, lower: str | None = None) -> list[tuple[str, int]]:
    """Environment variables a file reads, with the line of the first read. ``lower``:
    the text lower-cased, when the caller has it."""
    # Every spelling _ENV_READ and _DESTRUCTURED_ENV match holds "env" in some case: a
    # file without it (most files) is not scanned (the regex has no literal prefix
    # and costs tens of times more than a substring test).
    if "env" not in (text.lower() if lower is None else lower):
        return []
    found: dict[str, int] = {}
    lines = _Lines(text)
    for match in _ENV_READ.finditer(text):
        name = match.group(1) or match.group(2) or match.group(3)
        if name not in found:
            found[name] = lines.at(match.start())
    if "process.env" in text:
        for match in _DESTRUCTURED_ENV.finditer(text):
            line = lines.at(match.start())
            for name in re.findall(r"\b([A-Z][A-Z0-9_]*)\b", match.group(1)):
                found.setdefault(name, line)
    return sorted(found.items())


_VARIABLE_LITERAL = re.compile(r"[\"'`]([A-Z][A-Z0-9_]*)[\"'`]")


def variables_read(text: str, lower: str | None = None) -> list[tuple[str, int]]:
    """Variables the file may read, sorted, with the line of their first mention: by an
    environment call, or by passing the name as a literal to a helper of its own
    (``mustMapEnv(&addr, "EMAIL_ADDR")``). Those a deployable's environment sets link it."""
    found = dict(env_reads(text, lower))
    lines = _Lines(text)
    for match in _VARIABLE_LITERAL.finditer(text):
        if match.group(1) not in found:
            found[match.group(1)] = lines.at(match.start())
    return sorted(found.items())


class _Lines:
    """Line numbers of ascending offsets in one text, each counted from the one before
    (counting from the start for every match is quadratic in files with many)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset < self.offset:  # not ascending: count again from the start
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line
