#!/usr/bin/env python3
"""Generate a realistic sample repository: a Python "shop" monolith with git history.

    python examples/make_shop.py /tmp/shop

The result is deterministic (same files, same commit dates and authors every time), so
tests and the README quickstart can rely on its figures. It has what an assessment
looks for: packages with clear jobs, a cycle between orders and billing, a shared
``common`` package everyone depends on, abstract base classes, ORM-style models on
shared tables, deferred and TYPE_CHECKING imports, and a history by several authors in
which orders and billing change together while catalog evolves on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

AUTHORS = [
    "Alice Martin <alice@shop.example>",
    "Bob Chen <bob@shop.example>",
    "Carla Diaz <carla@shop.example>",
    "Dev Patel <dev@shop.example>",
    "Eve Müller <eve@shop.example>",
]

FILES: dict[str, str] = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\n\n'
    "[tool.archscan.components]\n"
    'catalog = ["shop/catalog/**"]\n'
    'orders = ["shop/orders/**"]\n'
    'billing = ["shop/billing/**"]\n'
    'shipping = ["shop/shipping/**"]\n'
    'customers = ["shop/customers/**"]\n'
    'api = ["shop/api/**"]\n'
    'platform = ["shop/common/**", "shop/__init__.py"]\n',
    "README.md": "# Shop\n\nA sample monolith used by archscan's examples.\n",
    "shop/__init__.py": '"""The shop monolith."""\n\n__version__ = "1.0"\n',
    "shop/common/__init__.py": "",
    "shop/common/db.py": (
        '"""A tiny ORM-like layer shared by every package."""\n\n'
        "from abc import ABC, abstractmethod\n\n\n"
        "class Model(ABC):\n"
        '    __tablename__ = ""\n\n'
        "    @abstractmethod\n"
        "    def key(self) -> str:\n"
        "        ...\n\n\n"
        "class Repository(ABC):\n"
        "    @abstractmethod\n"
        "    def get(self, key: str) -> Model:\n"
        "        ...\n\n\n"
        "def connect(url: str) -> object:\n"
        '    if not url or not url.startswith("sqlite"):\n'
        '        raise ValueError("only sqlite is supported")\n'
        "    return object()\n"
    ),
    "shop/common/money.py": (
        "from decimal import Decimal\n\n\n"
        "def round_money(value: Decimal) -> Decimal:\n"
        '    return value.quantize(Decimal("0.01"))\n\n\n'
        "def add_tax(value: Decimal, rate: Decimal) -> Decimal:\n"
        "    if rate < 0 or rate > 1:\n"
        '        raise ValueError("bad rate")\n'
        "    return round_money(value * (1 + rate))\n"
    ),
    "shop/common/events.py": (
        "from collections import defaultdict\n\n"
        "_handlers = defaultdict(list)\n\n\n"
        "def subscribe(name, handler):\n"
        "    _handlers[name].append(handler)\n\n\n"
        "def publish(name, payload):\n"
        "    for handler in _handlers[name]:\n"
        "        handler(payload)\n"
    ),
    "shop/catalog/__init__.py": "",
    "shop/catalog/models.py": (
        "from shop.common.db import Model\n\n\n"
        "class Product(Model):\n"
        '    __tablename__ = "products"\n\n'
        "    def __init__(self, sku: str, price):\n"
        "        self.sku = sku\n"
        "        self.price = price\n\n"
        "    def key(self) -> str:\n"
        "        return self.sku\n"
    ),
    "shop/catalog/search.py": (
        "from shop.catalog.models import Product\n\n\n"
        "def search(products: list[Product], text: str) -> list[Product]:\n"
        "    found = []\n"
        "    for product in products:\n"
        "        if text and text.lower() in product.sku.lower():\n"
        "            found.append(product)\n"
        "        elif not text:\n"
        "            found.append(product)\n"
        "    return found\n"
    ),
    "shop/customers/__init__.py": "",
    "shop/customers/models.py": (
        "from shop.common.db import Model\n\n\n"
        "class Customer(Model):\n"
        '    __tablename__ = "customers"\n\n'
        "    def __init__(self, email: str):\n"
        "        self.email = email\n\n"
        "    def key(self) -> str:\n"
        "        return self.email\n"
    ),
    "shop/orders/__init__.py": "",
    "shop/orders/models.py": (
        "from __future__ import annotations\n\n"
        "from typing import TYPE_CHECKING\n\n"
        "from shop.common.db import Model\n\n"
        "if TYPE_CHECKING:\n"
        "    from shop.customers.models import Customer\n\n\n"
        "class Order(Model):\n"
        '    __tablename__ = "orders"\n\n'
        "    def __init__(self, number: str, customer: Customer, lines: list):\n"
        "        self.number = number\n"
        "        self.customer = customer\n"
        "        self.lines = lines\n\n"
        "    def key(self) -> str:\n"
        "        return self.number\n"
    ),
    "shop/orders/service.py": (
        "from shop.billing import invoicing\n"
        "from shop.catalog.models import Product\n"
        "from shop.common import events\n"
        "from shop.orders.models import Order\n\n\n"
        "def place_order(order: Order, products: dict[str, Product]):\n"
        "    total = 0\n"
        "    for sku, quantity in order.lines:\n"
        "        if sku not in products:\n"
        "            raise KeyError(sku)\n"
        "        if quantity <= 0:\n"
        "            continue\n"
        "        total += products[sku].price * quantity\n"
        "    invoice = invoicing.create_invoice(order, total)\n"
        '    events.publish("order-placed", order)\n'
        "    return invoice\n"
    ),
    "shop/billing/__init__.py": "",
    "shop/billing/invoicing.py": (
        "from shop.common.money import add_tax\n"
        "from shop.billing.models import Invoice\n\n\n"
        "def create_invoice(order, total):\n"
        "    from shop.orders.models import Order  # deferred: orders imports billing\n\n"
        "    assert isinstance(order, Order)\n"
        "    amount = add_tax(total, 0.2) if total else 0\n"
        "    return Invoice(order.number, amount)\n"
    ),
    "shop/billing/models.py": (
        "from shop.common.db import Model\n\n\n"
        "class Invoice(Model):\n"
        '    __tablename__ = "invoices"\n\n'
        "    def __init__(self, order_number: str, amount):\n"
        "        self.order_number = order_number\n"
        "        self.amount = amount\n\n"
        "    def key(self) -> str:\n"
        "        return self.order_number\n"
    ),
    "shop/shipping/__init__.py": "",
    "shop/shipping/labels.py": (
        "from shop.orders.models import Order\n"
        "from shop.customers.models import Customer\n\n\n"
        "def label(order: Order, customer: Customer) -> str:\n"
        '    return f"{order.number}: {customer.email}"\n'
    ),
    "shop/api/__init__.py": "",
    "shop/api/routes.py": (
        "from shop.catalog import search\n"
        "from shop.orders import service\n"
        "from shop.shipping.labels import label\n\n"
        "ROUTES = {\n"
        '    "/search": search.search,\n'
        '    "/orders": service.place_order,\n'
        '    "/labels": label,\n'
        "}\n\n\n"
        "def dispatch(path, *args):\n"
        "    handler = ROUTES.get(path)\n"
        "    if handler is None:\n"
        "        return 404, None\n"
        "    return 200, handler(*args)\n"
    ),
    "tests/test_money.py": (
        "from decimal import Decimal\n\n"
        "from shop.common.money import add_tax\n\n\n"
        "def test_add_tax():\n"
        '    assert add_tax(Decimal("10"), Decimal("0.2")) == Decimal("12.00")\n'
    ),
}

# (files touched, author index) per later commit: orders and billing co-change, catalog
# changes alone, shipping is Dev's island.
EVOLUTION: list[tuple[tuple[str, ...], int]] = [
    (("shop/orders/service.py", "shop/billing/invoicing.py"), 0),
    (("shop/catalog/search.py",), 1),
    (("shop/orders/service.py", "shop/billing/invoicing.py", "shop/billing/models.py"), 0),
    (("shop/shipping/labels.py",), 3),
    (("shop/orders/models.py", "shop/billing/models.py"), 2),
    (("shop/catalog/models.py", "shop/catalog/search.py"), 1),
    (("shop/orders/service.py", "shop/billing/invoicing.py"), 2),
    (("shop/api/routes.py", "shop/orders/service.py"), 4),
    (("shop/shipping/labels.py",), 3),
    (("shop/orders/service.py", "shop/billing/invoicing.py"), 0),
    (("shop/common/money.py", "shop/billing/invoicing.py"), 2),
    (("shop/catalog/search.py",), 1),
    (("shop/orders/service.py", "shop/orders/models.py", "shop/billing/models.py"), 0),
    (("shop/shipping/labels.py",), 3),
    (("shop/orders/service.py", "shop/billing/invoicing.py"), 4),
    (("shop/api/routes.py",), 4),
    (("shop/catalog/models.py",), 1),
    (("shop/orders/service.py", "shop/billing/invoicing.py"), 0),
]


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})},
    )


def _commit(repo: Path, message: str, author: str, when: datetime) -> None:
    name, _, email = author.partition(" <")
    stamp = when.isoformat()
    _git(repo, "add", "-A")
    _git(
        repo,
        "-c",
        f"user.name={name}",
        "-c",
        f"user.email={email.rstrip('>')}",
        "commit",
        "-q",
        "-m",
        message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )


def make_shop(target: Path) -> Path:
    if (target / ".git").is_dir() and (target / "shop" / "__init__.py").is_file():
        return target  # generated before: the content is deterministic, reuse it
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"{target} exists and is not empty")
    target.mkdir(parents=True, exist_ok=True)
    _git(target, "init", "-q", "-b", "main")
    _git(target, "config", "commit.gpgsign", "false")
    for path, content in FILES.items():
        full = target / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(content, encoding="utf-8")
    when = datetime(2024, 1, 8, 9, 30, tzinfo=timezone.utc)
    _commit(target, "Initial shop monolith", AUTHORS[0], when)
    for number, (paths, author) in enumerate(EVOLUTION, start=1):
        when += timedelta(days=9, hours=number % 5)
        for path in paths:
            with (target / path).open("a", encoding="utf-8") as handle:
                handle.write(f"\n# change {number}: {AUTHORS[author].split()[0]}\n")
        _commit(target, f"SHOP-{100 + number}: update {', '.join(paths)}", AUTHORS[author], when)
    return target


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_shop.py TARGET_DIR")
    print(make_shop(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
