"""The plugin object both the javascript and typescript packages hand to the registry."""

from __future__ import annotations

from archscan.languages.base import LanguageSpec, ProjectView, Resolver
from archscan.languages.ecmascript.parser import EcmaParser
from archscan.records import FileFacts


class EcmaPlugin:
    def __init__(self, spec: LanguageSpec) -> None:
        self.spec = spec
        self._parser = EcmaParser()

    def parse(self, path: str, source: bytes) -> FileFacts:
        return self._parser.parse(path, self.spec.name, source)

    def resolver(self, project: ProjectView) -> Resolver:
        from archscan.languages.ecmascript.resolver import EcmaResolver

        return EcmaResolver(project, self.spec.name)
