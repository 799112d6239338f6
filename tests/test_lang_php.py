"""PHP plugin: namespaces, use (grouped, function, const), includes, composer autoload."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from archscan.languages.php.composer import parse_composer
from archscan.parse import parse_source
from helpers import edge_kinds, resolve_repo

CONTROLLER = """\
<?php
declare(strict_types=1);

namespace App\\Http\\Controllers;

use App\\Models\\{Invoice, Customer as Client};
use App\\Services;
use function App\\Support\\money;
use const App\\Support\\CURRENCY;
use Illuminate\\Http\\Request;

require_once __DIR__ . '/../../../bootstrap/helpers.php';
include dirname(__DIR__, 3) . '/config/app.php';
require 'legacy/functions.php';
require $dynamic . '.php';

/** Shows invoices. */
final class InvoiceController extends BaseController implements \\JsonSerializable
{
    use Concerns\\Paginates;

    public function show(Request $request, int $id): ?Invoice
    {
        // A comment line.
        $invoice = Invoice::find($id);
        if ($invoice === null || !$request->user()) {
            throw new \\RuntimeException('missing');
        } elseif ($invoice instanceof Client) {
            return null;
        }
        $total = Services\\Tax::apply($invoice) ?? 0;
        foreach ($invoice->lines as $line) {
            $total += $line->paid ? 0 : $line->amount;
        }
        $f = fn ($x) => $x && $total;
        return match (true) { $total > 0 => $invoice, default => self::empty() };
    }

    public function jsonSerialize(): mixed { return []; }
}
"""


def test_parse_use_statements_and_includes() -> None:
    facts = parse_source("app/Http/Controllers/InvoiceController.php", "php", CONTROLLER.encode())
    assert facts.namespace == "App\\Http\\Controllers"
    assert [(i.kind, i.target, i.names) for i in facts.imports] == [
        ("use", "App\\Models\\Customer", ("Client",)),  # sorted by line, then target
        ("use", "App\\Models\\Invoice", ()),
        ("use", "App\\Services", ()),
        ("use-function", "App\\Support\\money", ()),
        ("use-const", "App\\Support\\CURRENCY", ()),
        ("use", "Illuminate\\Http\\Request", ()),
        ("include", "__DIR__/../../../bootstrap/helpers.php", ()),
        ("include", "__DIR__/../../../config/app.php", ()),
        ("include", "legacy/functions.php", ()),
    ]


def test_parse_qualifies_class_references_like_php() -> None:
    facts = parse_source("app/Http/Controllers/InvoiceController.php", "php", CONTROLLER.encode())
    assert set(facts.references) == {
        "App\\Http\\Controllers\\BaseController",  # unqualified: the current namespace
        "JsonSerializable",  # fully qualified
        "App\\Http\\Controllers\\Concerns\\Paginates",  # qualified, no alias: namespace
        "Illuminate\\Http\\Request",  # alias from use
        "App\\Models\\Invoice",
        "RuntimeException",
        "App\\Models\\Customer",  # `instanceof Client`: the alias of a grouped use
        "App\\Services\\Tax",  # qualified name whose first part is an alias
    }  # self::empty() names no other class
    definitions = [(d.name, d.kind) for d in facts.definitions]
    assert definitions == [("App\\Http\\Controllers\\InvoiceController", "class")]


def test_complexity_and_sloc() -> None:
    facts = parse_source("c.php", "php", CONTROLLER.encode())
    measured = {f.name: f.complexity for f in facts.functions}
    # if, ||, elseif, foreach, ternary, match, and the arrow function's && (closures
    # count in the function that holds them, as lizard does); ?? and ?Type are no decisions.
    assert measured == {"InvoiceController::show": 8, "InvoiceController::jsonSerialize": 1}
    assert facts.sloc == 32  # blank, `//` and `/** */` lines do not count


def test_declarations_several_namespaces_and_kinds() -> None:
    source = b"""<?php
namespace Shop\\Domain {
    use Shop\\Infra\\Clock;
    abstract class Entity { abstract public function id(): Clock; }
    interface Repository {}
    trait Timestamps {}
    enum Status: string { case Open = 'open'; }
    function helper(): void {}
}
namespace Shop\\Infra {
    final class Clock { public function now(): Entity { switch (1) { case 1: case 2: } } }
}
"""
    facts = parse_source("src/all.php", "php", source)
    assert [(d.name, d.kind, d.abstract) for d in facts.definitions] == [
        ("Shop\\Domain\\Entity", "class", True),
        ("Shop\\Domain\\Repository", "interface", True),
        ("Shop\\Domain\\Timestamps", "trait", False),
        ("Shop\\Domain\\Status", "enum", False),
        ("Shop\\Domain\\helper", "function", False),
        ("Shop\\Infra\\Clock", "class", False),
    ]
    # `use` aliases belong to their namespace block: Entity in Shop\\Infra is local.
    assert "Shop\\Infra\\Clock" in facts.references
    assert "Shop\\Infra\\Entity" in facts.references
    assert {f.name: f.complexity for f in facts.functions}["Clock::now"] == 3


def _laravel_like(make_repo: Callable[..., Any]) -> Any:
    repo = make_repo()
    repo.write(
        "composer.json",
        json.dumps(
            {
                "autoload": {
                    "psr-4": {"App\\": "app/", "Database\\Factories\\": "database/factories/"},
                    "psr-0": {"Legacy_": "legacy/"},
                    "classmap": ["database/seeds"],
                    "files": ["app/Support/helpers.php"],
                },
                "autoload-dev": {"psr-4": {"Tests\\": ["tests/", "tests-extra/"]}},
            }
        ),
    )
    repo.write("app/Http/Controllers/InvoiceController.php", CONTROLLER)
    repo.write(
        "app/Http/Controllers/BaseController.php",
        "<?php\nnamespace App\\Http\\Controllers;\nabstract class BaseController {}\n",
    )
    repo.write(
        "app/Http/Controllers/Concerns/Paginates.php",
        "<?php\nnamespace App\\Http\\Controllers\\Concerns;\ntrait Paginates {}\n",
    )
    repo.write("app/Models/Invoice.php", "<?php\nnamespace App\\Models;\nclass Invoice {}\n")
    repo.write(
        "app/Models/Customer.php",
        "<?php\nnamespace App\\Models;\nclass Customer extends \\Legacy_Billing_Account {}\n",
    )
    repo.write("app/Services/Tax.php", "<?php\nnamespace App\\Services;\nclass Tax {}\n")
    repo.write(
        "app/Support/helpers.php",
        "<?php\nnamespace App\\Support;\nconst CURRENCY = 'EUR';\nfunction money() {}\n",
    )
    repo.write("legacy/Legacy/Billing/Account.php", "<?php\nclass Legacy_Billing_Account {}\n")
    repo.write("database/seeds/UserSeeder.php", "<?php\nclass UserSeeder {}\n")
    repo.write(
        "tests-extra/Unit/InvoiceTest.php",
        "<?php\nnamespace Tests\\Unit;\nuse App\\Models\\Invoice;\n"
        "class InvoiceTest { function t() { new \\UserSeeder(); } }\n",
    )
    repo.write("bootstrap/helpers.php", "<?php\n")
    repo.write("config/app.php", "<?php\nreturn [];\n")
    repo.commit()
    return repo


def test_composer_autoload_resolves_uses_references_and_includes(
    make_repo: Callable[..., Any],
) -> None:
    resolution = resolve_repo(_laravel_like(make_repo).root)
    edges = edge_kinds(resolution)
    source = "app/Http/Controllers/InvoiceController.php"
    assert edges[(source, "app/Models/Invoice.php")] == "use"
    assert edges[(source, "app/Models/Customer.php")] == "use"  # grouped use with alias
    assert edges[(source, "app/Services/Tax.php")] == "reference"  # Services\\Tax via alias
    assert edges[(source, "app/Http/Controllers/BaseController.php")] == "reference"
    assert edges[(source, "app/Http/Controllers/Concerns/Paginates.php")] == "reference"
    assert edges[(source, "app/Support/helpers.php")] == "use"  # use function
    assert edges[(source, "bootstrap/helpers.php")] == "include"
    assert edges[(source, "config/app.php")] == "include"
    # PSR-0: Legacy_Billing_Account -> legacy/Legacy/Billing/Account.php
    assert ("app/Models/Customer.php", "legacy/Legacy/Billing/Account.php") in edges
    # PSR-4 with several folders, and a classmap class.
    assert ("tests-extra/Unit/InvoiceTest.php", "app/Models/Invoice.php") in edges
    assert ("tests-extra/Unit/InvoiceTest.php", "database/seeds/UserSeeder.php") in edges
    external = {e.package for e in resolution.external if e.source == source}
    assert external == {"Illuminate"}
    assert resolution.modules[source] == "App\\Http\\Controllers\\InvoiceController"
    assert resolution.modules["config/app.php"] == "config/app"
    # require 'legacy/functions.php' names no file: a warning, the rest goes on.
    warnings = [(w.path, w.kind) for w in resolution.warnings]
    assert warnings == [(source, "unresolved-include")]


def test_without_composer_classes_resolve_by_declaration(
    make_repo: Callable[..., Any],
) -> None:
    repo = make_repo()
    repo.write("composer.json", "{ not json")
    repo.write("src/a.php", "<?php\nnamespace X;\nuse Y\\B;\nclass A extends B {}\n")
    repo.write("lib/whatever.php", "<?php\nnamespace Y;\nclass B {}\n")
    repo.write("vendor/autoload.php", "<?php\n")
    repo.write("index.php", "<?php\nrequire __DIR__ . '/vendor/autoload.php';\n")
    repo.commit()
    resolution = resolve_repo(repo.root)
    assert ("src/a.php", "lib/whatever.php") in edge_kinds(resolution)
    # vendor/ is installed by Composer and not analysed: its autoloader is no warning.
    assert resolution.warnings == ()
    assert not any(d.source == "index.php" for d in resolution.dependencies)


def test_composer_rules_parse() -> None:
    autoload = parse_composer(
        "sub",
        json.dumps({"autoload": {"psr-4": {"\\Acme\\": "src", "": "fallback/"}}}),
    )
    assert autoload.candidates("Acme\\Util\\Str") == [
        "sub/src/Util/Str.php",
        "sub/fallback/Acme/Util/Str.php",
    ]
    assert parse_composer(".", json.dumps({"autoload": {"psr-4": {"A\\": "../out"}}})).rules == ()
    assert parse_composer(".", "[]").rules == ()


def test_partial_parse_keeps_what_was_read() -> None:
    source = b"<?php\nnamespace A;\nuse B\\C;\nclass D extends C {\n  function f( {\n"
    facts = parse_source("broken.php", "php", source)
    assert facts.errors
    assert [i.target for i in facts.imports] == ["B\\C"]
    assert "B\\C" in facts.references
