"""The code scanners of the service-links stage on texts: every spelling of an
environment read and of a messaging system the prefilters must let through, line
numbers of late matches, and texts they must still turn away."""

from __future__ import annotations

import pytest

from archscan.links.addresses import env_reads, variables_read
from archscan.links.messaging import messaging_facts


@pytest.mark.parametrize(
    "text",
    [
        'x = os.getenv("CART_ADDR")',
        'addr := os.Getenv("CART_ADDR")',
        'var a = Environment.GetEnvironmentVariable("CART_ADDR");',
        'let a = env::var("CART_ADDR");',
        "a = os.environ.get('CART_ADDR')",
        "a = os.environ['CART_ADDR']",
        'a = ENV.fetch("CART_ADDR")',
        'a = ENV["CART_ADDR"]',
        'a, ok := os.LookupEnv("CART_ADDR")',
        'val a = getEnv("CART_ADDR")',
        'String a = System.getenv ( "CART_ADDR" );',
        "const a = process.env.CART_ADDR;",
        "const a = process.env[ 'CART_ADDR' ];",
        "const { CART_ADDR } = process.env;",
    ],
)
def test_every_environment_read_spelling_is_found(text: str) -> None:
    source = "// header\n\n" + text + "\n"
    assert env_reads(source) == [("CART_ADDR", 3)]
    assert env_reads(source, source.lower()) == [("CART_ADDR", 3)]


def test_no_env_in_any_case_means_no_reads() -> None:
    assert env_reads('x = read("CART_ADDR")\nopen_ENVELOPE = 1\n') == []
    assert env_reads('x = getvar("CART_ADDR")\n') == []


def test_first_read_wins_and_lines_count_across_many_matches() -> None:
    filler = "".join(f'os.getenv("V{i}")\n' for i in range(300))
    text = filler + 'const { LATE_ADDR, V0 } = process.env;\nos.getenv("V1")\n'
    found = dict(env_reads(text))
    assert found["V0"] == 1 and found["V299"] == 300
    assert found["LATE_ADDR"] == 301  # after the env calls, in a second pass
    assert len(found) == 301


def test_variable_literals_keep_the_line_of_their_first_mention() -> None:
    text = 'a = "ONE"\nb = os.getenv("TWO")\n' + 'c = "ONE"\n' * 50 + "d = 'THREE'\n"
    assert variables_read(text) == [("ONE", 1), ("THREE", 53), ("TWO", 2)]
    assert variables_read(text, text.lower()) == variables_read(text)


@pytest.mark.parametrize("spelling", ["kafka", "Kafka", "KAFKA"])
def test_messaging_systems_in_each_usual_spelling(spelling: str) -> None:
    text = f'import {spelling}\n\nproducer.send("orders", b"x")\n'
    facts = messaging_facts(text)
    assert facts is not None and facts.systems == {"kafka"}
    assert facts.producer and facts.names == {("orders", "producer"): 3}
    assert messaging_facts(text, text.lower()) == facts


def test_messaging_system_in_an_unusual_case_is_not_a_client() -> None:
    # Only the usual spellings name a client library; mixed case is some other word.
    assert messaging_facts('import kAfKa\nproducer.send("orders")\n') is None
    assert messaging_facts('import os\nproducer.send("orders")\n') is None


@pytest.mark.parametrize(
    ("code", "producer", "consumer"),
    [
        ("p.produce(msg)", True, False),
        ("produce(msg)", True, False),  # at the very start of the text
        ("reproduce(msg)", False, False),
        ("\u00e9produce(msg)", False, False),  # a letter before: not a word start
        ("self._publish_event(x)", False, False),
        ("client.PublishAsync (x)", True, False),
        ("x.send (y)", True, False),
        ("new KafkaProducer(props)", True, False),
        ("obj.subscribe(x)", False, True),
        ("Subscribe (x)", False, True),
        ("unsubscribe(x)", False, False),
        ("consumer_poll(x)", False, True),  # consume\w* reaches the call
        ("prefix_consume (x)", False, False),
        ("repoll(x)", False, False),
        ("class MyListener {}", False, True),
        ("Listeners = []", False, False),
        ("unsubscribe(x); produce(y)", True, False),  # a later call still counts
    ],
)
def test_client_calls_give_roles_only_at_word_starts(
    code: str, producer: bool, consumer: bool
) -> None:
    text = code + '\ntopic = "orders"  # kafka\n'
    facts = messaging_facts(text)
    assert facts is not None
    assert (facts.producer, facts.consumer) == (producer, consumer)


@pytest.mark.parametrize(
    ("text", "systems"),
    [
        ("import nats\n", {"nats"}),
        ("x = sinats + natsy\n", None),  # the needle, never as a word
        ("import pika\n", {"rabbitmq"}),
        ("pikachu = 1\nimport pika\n", {"rabbitmq"}),  # a whole word after a part of one
        ("pika_x = 1\n", None),
        ("conn = amqplib.connect()\n", {"rabbitmq"}),  # amqp counts inside a word
        ("bunny.run()  # Kafka\n", {"kafka", "rabbitmq"}),
    ],
)
def test_messaging_systems_named_as_words_where_needed(text: str, systems: set[str] | None) -> None:
    facts = messaging_facts(text + 'consumer.subscribe("orders")\n')
    assert (facts.systems if facts else None) == systems


def test_explicit_names_only_where_the_call_starts_a_word() -> None:
    text = (
        "import kafka\n"
        "unsubscribe('gone')\n"
        "consumer.subscribe('orders')\n"
        "SUBSCRIBE ( 'loud' )\n"
        "# MyQueueName = 'hidden'\n"  # comment lines: only the explicit pattern looks
        '# QueueName = "jobs"\n'
    )
    facts = messaging_facts(text)
    assert facts is not None
    assert facts.names == {("orders", "consumer"): 3, ("loud", "consumer"): 4, ("jobs", ""): 6}
