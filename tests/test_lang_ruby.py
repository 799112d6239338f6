"""Ruby plugin: require, require_relative, Zeitwerk constant-to-file conventions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archscan.config import Config
from archscan.discover import discover
from archscan.languages.ruby.resolver import camelize, underscore
from archscan.parse import parse_files, parse_source
from archscan.resolve import resolve_all
from helpers import edge_kinds, resolve_repo

CHARGE = """\
# frozen_string_literal: true

require "json"
require 'stripe'
require_relative "../../../lib/tax/rate"
require "#{ROOT}/dynamic"

module Billing
  class ChargeInvoice < ApplicationService
    include Payable

    # Charges an invoice.
    def call(invoice)
      return :skipped unless invoice.open?
      if invoice.total > 0 && Invoice.exists?(invoice.id)
        ::Payments::Gateway.charge(invoice, rate: Tax::Rate::DEFAULT)
      elsif invoice.total.zero? or invoice.free?
        :free
      end
      invoice.lines.each { |line| line.paid ? 1 : 2 }
    rescue Stripe::CardError
      :declined
    end

    def self.build = new
  end
end
"""


def test_parse_requires_and_constants_with_their_nesting() -> None:
    facts = parse_source("app/services/billing/charge_invoice.rb", "ruby", CHARGE.encode())
    requires = [(i.kind, i.target) for i in facts.imports if i.kind != "constant"]
    assert requires == [
        ("require", "json"),
        ("require", "stripe"),
        ("require_relative", "../../../lib/tax/rate"),
    ]  # the interpolated require is dynamic: not recorded
    constants = {(i.target, i.names) for i in facts.imports if i.kind == "constant"}
    inside = ("Billing::ChargeInvoice", "Billing")
    assert constants == {
        ("ROOT", ()),  # inside the dynamic require's interpolation
        ("ApplicationService", ("Billing",)),  # a superclass is looked up outside the class
        ("Payable", inside),
        ("Invoice", inside),
        ("::Payments::Gateway", inside),
        ("Tax::Rate::DEFAULT", inside),
        ("Stripe::CardError", inside),
    }
    assert [(d.name, d.kind) for d in facts.definitions] == [
        ("Billing", "module"),
        ("Billing::ChargeInvoice", "class"),
    ]


def test_complexity_per_method_and_sloc() -> None:
    facts = parse_source("c.rb", "ruby", CHARGE.encode())
    measured = {f.name: f.complexity for f in facts.functions}
    # unless, if, &&, elsif, or, the block's ternary, rescue
    assert measured == {"Billing::ChargeInvoice::call": 8, "Billing::ChargeInvoice.build": 1}
    assert facts.sloc == 21


def test_compact_class_nesting_opens_only_the_class() -> None:
    source = b"class Admin::UsersController < Admin::BaseController\n  def i = User\nend\n"
    facts = parse_source("x.rb", "ruby", source)
    constants = {(i.target, i.names) for i in facts.imports if i.kind == "constant"}
    assert constants == {("Admin::BaseController", ()), ("User", ("Admin::UsersController",))}


def _rails_app(make_repo: Callable[..., Any]) -> Any:
    repo = make_repo()
    repo.write("config/application.rb", "module Shop\n  class Application; end\nend\n")
    repo.write(
        "config/initializers/inflections.rb",
        "ActiveSupport::Inflector.inflections(:en) do |inflect|\n  inflect.acronym 'API'\nend\n",
    )
    repo.write("app/services/billing/charge_invoice.rb", CHARGE)
    repo.write("app/services/application_service.rb", "class ApplicationService; end\n")
    repo.write("app/models/billing/invoice.rb", "module Billing\n  class Invoice; end\nend\n")
    repo.write("app/models/invoice.rb", "class Invoice; end\n")
    repo.write("app/models/concerns/payable.rb", "module Payable\nend\n")
    repo.write("lib/tax/rate.rb", "module Tax\n  class Rate\n    DEFAULT = 1\n  end\nend\n")
    repo.write("lib/payments/gateway.rb", "module Payments\n  class Gateway; end\nend\n")
    repo.write(
        "app/controllers/api/v1/invoices_controller.rb",
        "module API\n  module V1\n    class InvoicesController\n"
        "      def show = Billing::Invoice.find(1)\n    end\n  end\nend\n",
    )
    repo.write("test/test_helper.rb", "require 'rails'\n")
    repo.write("app/avo/actions/add_owner.rb", "class Avo::Actions::AddOwner; end\n")
    repo.write(
        "test/models/invoice_test.rb",
        "require 'test_helper'\nrequire 'tax/rate'\nrequire_relative 'missing'\n"
        "class InvoiceTest\n  def t = Invoice.new\nend\n",
    )
    repo.commit()
    return repo


def test_zeitwerk_constants_and_requires_resolve_to_files(
    make_repo: Callable[..., Any],
) -> None:
    resolution = resolve_repo(_rails_app(make_repo).root)
    edges = edge_kinds(resolution)
    source = "app/services/billing/charge_invoice.rb"
    # Invoice inside module Billing is Billing::Invoice (lexical lookup first).
    assert edges[(source, "app/models/billing/invoice.rb")] == "reference"
    assert (source, "app/models/invoice.rb") not in edges
    assert edges[(source, "app/models/concerns/payable.rb")] == "reference"  # concerns root
    assert edges[(source, "app/services/application_service.rb")] == "reference"
    assert edges[(source, "lib/payments/gateway.rb")] == "reference"  # ::Payments::Gateway
    assert edges[(source, "lib/tax/rate.rb")] == "require"  # require_relative and a reference
    # A top-level class resolves at the top level; test/ is on the load path.
    assert edges[("test/models/invoice_test.rb", "app/models/invoice.rb")] == "reference"
    assert edges[("test/models/invoice_test.rb", "test/test_helper.rb")] == "require"
    assert edges[("test/models/invoice_test.rb", "lib/tax/rate.rb")] == "require"
    controller = "app/controllers/api/v1/invoices_controller.rb"
    assert (controller, "app/models/billing/invoice.rb") in edges
    external = {(e.source, e.package) for e in resolution.external}
    assert (source, "stripe") in external
    assert (source, "json") not in external  # the standard library is no package
    assert ("test/test_helper.rb", "rails") in external
    modules = resolution.modules
    assert modules[source] == "Billing::ChargeInvoice"
    assert modules["app/models/concerns/payable.rb"] == "Payable"
    assert modules["lib/tax/rate.rb"] == "Tax::Rate"
    assert modules[controller] == "API::V1::InvoicesController"  # the acronym is kept
    assert modules["config/application.rb"] == "Shop"
    assert modules["app/avo/actions/add_owner.rb"] == "Avo::Actions::AddOwner"  # namespaced root
    warnings = [(w.path, w.kind) for w in resolution.warnings]
    assert warnings == [("test/models/invoice_test.rb", "unresolved-require")]


def test_inflection_helpers_follow_active_support() -> None:
    assert underscore("Billing::HTMLInvoice") == "billing/html_invoice"
    assert underscore("API::V1::UsersController") == "api/v1/users_controller"
    assert camelize("billing/html_invoice") == "Billing::HtmlInvoice"
    assert camelize("api/v1/users", {"api": "API"}) == "API::V1::Users"


def test_partial_parse_and_unreadable_bytes_do_not_stop_the_analysis(
    make_repo: Callable[..., Any],
) -> None:
    repo = make_repo()
    repo.write("lib/a.rb", "require 'b'\nclass A\n  def x(\n    if\nend\n")
    repo.write("lib/b.rb", b"module B\n  X = '\xff\xfe'\nend\n")
    repo.commit()
    files = discover(repo.root, Config()).files
    parsed = parse_files(repo.root, files, None, jobs=1)
    assert parsed.facts["lib/a.rb"].errors
    resolution = resolve_all(repo.root, parsed.files, parsed.facts)
    assert ("lib/a.rb", "lib/b.rb") in edge_kinds(resolution)
    assert {w.kind for w in parsed.warnings} == {"parse", "encoding"}
