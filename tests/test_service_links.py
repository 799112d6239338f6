"""Service links on a small multi-service repository built in tmp_path (real files, real
YAML, real git), and the whole pipeline's JSON for both new sections."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from archscan.config import Config
from archscan.discover import discover
from archscan.graph import UNASSIGNED, component_resolver
from archscan.links.stage import ServiceLinksInput, run_service_links
from archscan.records import ServiceLinksResult
from archscan.report.json_report import analysis_to_dict, dumps
from archscan.report.markdown import render_markdown
from archscan.resources import schema_path
from conftest import assert_json_native
from helpers import analyse

_COMPOSE = """services:
  web:
    build: ./web
    depends_on:
      - orders
    environment:
      - ORDERS_ADDR
      - OTEL_SERVICE_NAME=orders
  orders:
    build:
      context: .
      dockerfile: ${ORDERS_DOCKERFILE}
    environment:
      BILLING_URL: http://billing:8080/api
      KAFKA_ADDR: kafka:9092
    depends_on:
      kafka:
        condition: service_healthy
  billing:
    build: ./billing
    environment:
      - DB=Host=postgres;Username=x
  kafka:
    image: apache/kafka
  postgres:
    image: postgres
"""
_FILES = {
    "docker-compose.yml": _COMPOSE,
    ".env": "ORDERS_PORT=50051\nORDERS_ADDR=orders:${ORDERS_PORT}\n"
    "ORDERS_DOCKERFILE=./orders/Dockerfile\n",
    "proto/shop.proto": 'syntax = "proto3";\npackage shop;\n// service Ghost {}\n'
    "service OrderService {\n  rpc Place(PlaceRequest) returns (PlaceReply) {}\n}\n"
    "service AuditService {\n  rpc Log(Entry) returns (Ack);\n}\n",
    "orders/Dockerfile": "FROM golang\n",
    "orders/main.go": 'package main\n\nimport "os"\n\nfunc main() {\n'
    "\tpb.RegisterOrderServiceServer(s, &server{})\n"
    '\tbilling := os.Getenv("BILLING_URL")\n\t_ = billing\n}\n',
    "orders/kafka/producer.go": 'package kafka\n\nimport "github.com/IBM/sarama"\n\n'
    'func getTopic() string {\n\treturn "invoices"\n}\n\n'
    "func Send(p sarama.AsyncProducer) {\n"
    "\tp.Input() <- &sarama.ProducerMessage{Topic: getTopic()}\n}\n",
    "web/app.py": "import os\nimport grpc\nfrom . import shop_pb2_grpc\n\n"
    "channel = grpc.insecure_channel(os.environ['ORDERS_ADDR'])\n"
    "stub = shop_pb2_grpc.OrderServiceStub(channel)\naudit = AuditServiceStub(channel)\n",
    "web/shop_pb2_grpc.py": "class OrderServiceStub:\n    pass\n\n"
    "def add_OrderServiceServicer_to_server(servicer, server):\n    pass\n",
    "billing/Consumer.kt": "import org.apache.kafka.clients.consumer.KafkaConsumer\n\n"
    "fun run(consumer: KafkaConsumer<String, ByteArray>) {\n"
    '    consumer.subscribe(listOf("invoices"))\n}\n',
    "deploy/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
    "  template:\n    spec:\n      containers:\n        - name: web\n          env:\n"
    "            - name: ORDERS_ADDR\n              value: orders.default.svc.cluster.local:50051\n"
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: orders\n",
    "deploy/chart/templates/x.yaml": "apiVersion: v1\nkind: {{ .Values.kind }}\n",
    "compose.bomb.yaml": "x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    "y: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    "z: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nservices: {bomb: {environment: [*c, *c, *c]}}\n",
    "compose.broken.yml": "services: [unclosed\n",
    "deploy/deep.yaml": "apiVersion: v1\nkind: Pod\nmetadata: " + "[" * 5000 + "]" * 5000 + "\n",
}


def _links(root: Path, components: dict[str, tuple[str, ...]] | None = None) -> ServiceLinksResult:
    for path, text in _FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    component_of = component_resolver(components or {})
    files = discover(root, Config()).files
    result, warnings = run_service_links(ServiceLinksInput(root, files, component_of))
    assert [w.path for w in warnings] == ["compose.broken.yml", "deploy/deep.yaml"]
    return result


def _triples(result: ServiceLinksResult) -> set[tuple[str, str, str, str]]:
    return {(link.source, link.target, link.kind, link.name) for link in result.links}


def test_links_between_folder_level_services(tmp_path: Path) -> None:
    result = _links(tmp_path)
    links = _triples(result)
    assert {
        ("web", "orders", "depends-on", "orders"),
        ("orders", "kafka", "depends-on", "kafka"),
        ("web", "orders", "address", "orders"),  # ORDERS_ADDR from .env, and the k8s DNS name
        ("orders", "billing", "address", "billing"),
        ("orders", "kafka", "address", "kafka"),
        ("billing", "postgres", "address", "postgres"),
        ("web", "orders", "grpc", "shop.OrderService"),
        ("orders", "billing", "http", "billing"),
        ("orders", "billing", "topic", "invoices"),
        # nobody implements AuditService and no deployable is named after it
        ("web", "shop.AuditService", "grpc", "shop.AuditService"),
    } <= links
    # OTEL_SERVICE_NAME=orders is a name, not an address; generated stubs are no evidence.
    assert ("web", "orders", "address", "orders") in links
    assert not any(link.source == "orders" and link.target == "web" for link in result.links)
    assert set(result.services) >= {"web", "orders", "billing", "kafka", "postgres"}
    grpc_link = next(
        link for link in result.links if link.kind == "grpc" and link.name == "shop.OrderService"
    )
    assert ("web/app.py", 6) in grpc_link.evidence and ("orders/main.go", 6) in grpc_link.evidence
    topic = next(link for link in result.links if link.kind == "topic")
    assert ("billing/Consumer.kt", 4) in topic.evidence
    assert ("orders/kafka/producer.go", 6) in topic.evidence


def test_configured_components_name_the_link_ends(tmp_path: Path) -> None:
    result = _links(tmp_path, {"shop-front": ("web/**",), "shop-core": ("orders/**", "proto/**")})
    links = _triples(result)
    assert ("shop-front", "shop-core", "grpc", "shop.OrderService") in links
    assert ("shop-front", "shop-core", "depends-on", "orders") in links
    assert ("shop-core", "billing", "topic", "invoices") in links
    ends = {link.source for link in result.links} | {link.target for link in result.links}
    assert UNASSIGNED not in ends


def test_pipeline_writes_valid_data_access_and_service_links(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo()
    for path, text in _FILES.items():
        repo.write(path, text)
    repo.write(
        "orders/store.py",
        "from django.db import models\n\nclass Invoice(models.Model):\n    pass\n",
    )
    repo.write("billing/dao.py", 'def f(c):\n    c.execute("UPDATE orders_invoice SET paid = 1")\n')
    repo.commit()
    data = analysis_to_dict(analyse(repo.root))
    assert_json_native(data)
    assert dumps(analyse(repo.root)) == dumps(analyse(repo.root))  # deterministic
    jsonschema.validate(data, json.loads(schema_path().read_text()))
    tables = {t["name"]: t for t in data["data_access"]["tables"]}
    assert tables["orders_invoice"]["writers"] == ["billing/dao.py"]
    assert data["data_access"]["counts"]["tables_written"] == 1
    graph = {(e["source"], e["target"]): e["kinds"] for e in data["service_links"]["graph"]}
    assert graph[("web", "orders")] == ["address", "depends-on", "grpc"]
    report = render_markdown(data)
    assert "## Data access" in report and "| `orders_invoice` |" in report
    assert "## Service links" in report and "n_web" in report


_APP_HOST = """var builder = DistributedApplication.CreateBuilder(args);
var bus = builder.AddRabbitMQ("eventbus");
var db = builder.AddPostgres("postgres").AddDatabase("ordersdb");
var orders = builder.AddProject<Projects.Orders_Api>("orders-api")
    .WithReference(db)
    .WithReference(bus).WaitFor(bus);
var ordersEndpoint = orders.GetEndpoint("http");
builder.AddProject<Projects.Web>("web")
    .WithEnvironment("OrdersUrl", ordersEndpoint);
builder.Build().Run();
"""


def test_aspire_app_host_and_typed_events(tmp_path: Path) -> None:
    files = {
        "src/AppHost/Program.cs": _APP_HOST,
        "src/Orders.Api/Orders.Api.csproj": "<Project />\n",
        "src/Orders.Api/Placing.cs": "class Placing {\n  async Task Go(IEventBus bus) {\n"
        "    var evt = new OrderPlacedIntegrationEvent(1);\n    await bus.PublishAsync(evt);\n"
        "  }\n}\n",
        "src/Web/Web.csproj": "<Project />\n",
        "src/Web/OnPlaced.cs": "class OnPlaced\n"
        "  : IIntegrationEventHandler<OrderPlacedIntegrationEvent> {}\n",
        "src/Web/Draft.cs": "var d = new OrderPlacedIntegrationEvent(2); // built, never sent\n",
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    result, warnings = run_service_links(
        ServiceLinksInput(tmp_path, discover(tmp_path, Config()).files, component_resolver({}))
    )
    assert warnings == ()
    links = _triples(result)
    assert {
        ("orders-api", "ordersdb", "address", "ordersdb"),
        ("orders-api", "eventbus", "depends-on", "eventbus"),
        ("web", "orders-api", "address", "orders-api"),
        ("orders-api", "web", "topic", "OrderPlacedIntegrationEvent"),
    } == {link for link in links if link[0] != "postgres"}
    topic = next(link for link in result.links if link.kind == "topic")
    assert topic.evidence == (("src/Orders.Api/Placing.cs", 3), ("src/Web/OnPlaced.cs", 2))
