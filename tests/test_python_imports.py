"""Python parsing and resolution, with grimp's edge semantics, on real files and real git."""

from __future__ import annotations

from archscan.config import Config, PythonConfig
from archscan.discover import discover
from archscan.languages.base import ProjectView
from archscan.languages.python.resolver import PythonResolver
from archscan.parse import parse_files, parse_source
from helpers import analyse, edge_set


def test_import_forms_are_parsed_with_lines_and_flags() -> None:
    source = b"""import a.b.c as x, d
from .. import sibling
from .pkg.mod import (name1,
    name2 as alias)
from e import *
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from f import G

def later():
    import h
"""
    facts = parse_source("p/q/m.py", "python", source)
    by_target = {(i.target, i.level): i for i in facts.imports}
    assert by_target[("a.b.c", 0)].line == 1
    assert by_target[("d", 0)].kind == "import"
    assert by_target[("", 2)].names == ("sibling",)
    assert by_target[("pkg.mod", 1)].names == ("name1", "name2")
    assert by_target[("e", 0)].names == ("*",)
    assert by_target[("f", 0)].type_checking is True
    assert by_target[("f", 0)].local is False
    assert by_target[("h", 0)].local is True
    assert by_target[("h", 0)].line == 11


def test_submodule_versus_name_follows_grimp(make_repo) -> None:
    repo = make_repo()
    repo.write("app/__init__.py", "")
    repo.write("app/models/__init__.py", "class Base:\n    pass\n")
    repo.write("app/models/user.py", "")
    repo.write("app/views.py", "from app.models import user, Base\nimport app.models.user\n")
    repo.write("app/api.py", "from app.models import Base\nimport app.nothing\n")
    repo.commit()
    edges = edge_set(analyse(repo.root))
    # `from app.models import user` names the submodule; `Base` names a thing in models.
    assert ("app/views.py", "app/models/user.py") in edges
    assert ("app/views.py", "app/models/__init__.py") in edges
    assert ("app/api.py", "app/models/__init__.py") in edges
    # `import app.nothing` falls back to its parent `app` (grimp: one level up).
    assert ("app/api.py", "app/__init__.py") in edges


def test_relative_imports_of_any_depth(make_repo) -> None:
    repo = make_repo()
    repo.write("top/__init__.py", "from .sub import deep\n")
    repo.write("top/util.py", "")
    repo.write("top/sub/__init__.py", "from . import deep\n")
    repo.write("top/sub/deep/__init__.py", "")
    repo.write("top/sub/deep/leaf.py", "from ... import util\nfrom ..deep import leaf2\n")
    repo.write("top/sub/deep/leaf2.py", "from .... import nowhere\n")
    repo.commit()
    analysis = analyse(repo.root)
    edges = edge_set(analysis)
    assert ("top/__init__.py", "top/sub/deep/__init__.py") in edges
    assert ("top/sub/__init__.py", "top/sub/deep/__init__.py") in edges
    assert ("top/sub/deep/leaf.py", "top/util.py") in edges
    assert ("top/sub/deep/leaf.py", "top/sub/deep/leaf2.py") in edges
    unresolved = [w for w in analysis.warnings if w.kind == "unresolved-import"]
    assert [w.path for w in unresolved] == ["top/sub/deep/leaf2.py"]


def test_src_layout_namespace_packages_and_several_top_level_packages(make_repo) -> None:
    repo = make_repo()
    repo.write("src/corp/billing/__init__.py", "")  # corp/ is a namespace package
    repo.write("src/corp/billing/invoice.py", "from corp.orders import order\n")
    repo.write("src/corp/orders/__init__.py", "")
    repo.write("src/corp/orders/order.py", "import tools.helpers\n")
    repo.write("tools/__init__.py", "")
    repo.write("tools/helpers.py", "import requests\nimport os\n")
    repo.commit()
    analysis = analyse(repo.root)
    assert analysis.resolution.modules["src/corp/billing/invoice.py"] == "corp.billing.invoice"
    assert analysis.resolution.modules["tools/helpers.py"] == "tools.helpers"
    edges = edge_set(analysis)
    assert ("src/corp/billing/invoice.py", "src/corp/orders/order.py") in edges
    assert ("src/corp/orders/order.py", "tools/helpers.py") in edges
    external = {(e.source, e.package) for e in analysis.resolution.external}
    assert external == {("tools/helpers.py", "requests")}  # the standard library is left out


def test_configured_source_roots_win(make_repo) -> None:
    repo = make_repo()
    repo.write("backend/app/__init__.py", "")
    repo.write("backend/app/a.py", "from app import b\n")
    repo.write("backend/app/b.py", "")
    repo.commit()
    config = Config(python=PythonConfig(source_roots=("backend",)))
    analysis = analyse(repo.root, config)
    assert analysis.resolution.modules["backend/app/a.py"] == "app.a"
    assert ("backend/app/a.py", "backend/app/b.py") in edge_set(analysis)


def test_type_checking_only_edges_are_flagged(make_repo) -> None:
    repo = make_repo()
    repo.write("m/__init__.py", "")
    repo.write(
        "m/a.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from m import b\n"
    )
    repo.write("m/b.py", "from m import a\n")
    repo.commit()
    deps = {(d.source, d.target): d for d in analyse(repo.root).resolution.dependencies}
    assert deps[("m/a.py", "m/b.py")].type_only is True
    assert deps[("m/b.py", "m/a.py")].type_only is False


def test_definitions_abstractness_and_complexity() -> None:
    source = b"""from abc import ABC, abstractmethod

class Port(ABC):
    @abstractmethod
    def send(self): ...

class Adapter(Port):
    def send(self, x=None):
        if x and x > 1:
            return [i for i in range(3) if i]
        elif x:
            pass
        try:
            pass
        except ValueError:
            pass
        return 1 if x else 2

def nested():
    def inner(y):
        while y:
            y -= 1
    return inner
"""
    facts = parse_source("m.py", "python", source)
    kinds = {d.name: (d.kind, d.abstract) for d in facts.definitions}
    assert kinds == {
        "Port": ("class", True),
        "Adapter": ("class", False),
        "nested": ("function", False),
    }
    complexity = {f.name: f.complexity for f in facts.functions}
    # if(1) + and(1) + comprehension for(1) + its if(1) + elif(1) + except(1) + ternary(1)
    assert complexity["Adapter.send"] == 8
    assert complexity["Port.send"] == 1
    assert complexity["nested"] == 1  # the inner while belongs to inner
    assert complexity["nested.inner"] == 2
    assert facts.sloc == 20  # 23 lines, 3 blank


def test_python2_and_syntax_errors_keep_the_imports() -> None:
    facts = parse_source(
        "old.py", "python", b'import os, mylib\nprint "hello"\ndef f(:\n    pass\n'
    )
    assert facts.errors
    assert {i.target for i in facts.imports} == {"os", "mylib"}


def test_unresolved_relative_imports_whether_or_not_resolved_first(make_repo) -> None:
    repo = make_repo()
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/b.py", "")
    repo.write("pkg/a.py", "from . import a\nfrom .missing import x\nfrom .b import y\n")
    repo.commit()
    analysis = analyse(repo.root)
    expected = ["line 2: relative import .missing names no file of the repository"]
    unresolved = [w for w in analysis.warnings if w.kind == "unresolved-import"]
    assert [(w.path, w.message) for w in unresolved] == [("pkg/a.py", expected[0])]
    # asked without resolving the file first (the resolver notes them while resolving)
    parsed = parse_files(repo.root, discover(repo.root, Config()).files, None, jobs=1)
    project = ProjectView(repo.root, parsed.files, parsed.facts)
    resolver = PythonResolver(project)
    assert [w.message for w in resolver.warnings_for(parsed.facts["pkg/a.py"])] == expected
    list(resolver.resolve(parsed.facts["pkg/a.py"]))
    assert [w.message for w in resolver.warnings_for(parsed.facts["pkg/a.py"])] == expected


def test_dotted_names_written_with_spaces_continuations_or_non_ascii() -> None:
    source = (
        "import a . b\n"
        "import c.\\\n    d as e\n"
        "from f . g import (h,  # a comment\n    i . j)\n"
        "import caf\u00e9.men\u00fc\n"
        "from .k9 import L_1\n"
        "from m import *\n"
    ).encode()
    facts = parse_source("p/m.py", "python", source)
    found = [(i.target, i.level, i.names) for i in facts.imports]
    assert found == [
        ("a.b", 0, ()),
        ("c.d", 0, ()),
        ("f.g", 0, ("h", "i.j")),
        ("caf\u00e9.men\u00fc", 0, ()),
        ("k9", 1, ("L_1",)),
        ("m", 0, ("*",)),
    ]
