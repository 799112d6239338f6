"""Message topics and queues in code: who publishes, who consumes.

A file takes part in a messaging system when it names the system's client library
(Kafka: kafka, sarama, Confluent.Kafka, kafkajs; RabbitMQ: amqp, rabbit, pika, bunny;
NATS: nats; SQS: sqs). Its role comes from the client calls it makes (producer: a
producer object, ``produce``/``send``/``publish``; consumer: a consumer object,
``subscribe``/``consume``/``poll``, listener annotations). Topic and queue names are
string literals in the places the client libraries take them:

- explicit calls: ``subscribe("t")`` / ``subscribe(listOf("t"))``, ``ProducerRecord("t"``,
  ``producer.send("t"``, ``produce("t"``, ``@KafkaListener(topics = "t")``,
  ``basic_publish(..., routing_key="q")``, ``queue_declare(queue="q")``,
  ``basic_consume(queue="q")``, ``sendToQueue("q"``, ``assertQueue("q"``,
  ``@RabbitListener(queues = "q")``, ``nc.publish("s"``, ``nc.subscribe("s"``,
  ``QueueName="q"``, ``@SqsListener("q")``;
- names assigned to an identifier that says topic or queue (``Topic = "orders"``,
  ``val topic = System.getenv("KAFKA_TOPIC") ?: "orders"``: the last literal, since the
  ones before are environment variable names), and ``return "t"`` inside a function
  named like ``getTopic``.
The file's role applies to the names it holds; a file naming a topic without client
calls of its own (a constants file) lends the name to the other files of its service.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# Matched on the lower-cased text: (needles, the needles that count only as whole words).
_SYSTEMS = {
    "kafka": (("kafka", "sarama"), ()),
    "rabbitmq": (("amqp", "rabbit", "pika", "bunny"), ("pika", "bunny")),
    "nats": (("nats",), ("nats",)),
    "sqs": (("sqs",), ()),
}
# A file takes part only when it names a system in one of the usual spellings below.
# Most files name none: testing the few lower-case needles on the lower-cased text (which
# the caller often has already) rules them out at a third of the cost of testing every
# spelling, and far faster than a regex.
_LOWER_NEEDLES = tuple(needle for needles, _ in _SYSTEMS.values() for needle in needles)
_NEEDLES = tuple(
    spelled
    for needles, _ in _SYSTEMS.values()
    for needle in needles
    for spelled in (needle, needle.capitalize(), needle.upper())
)


@dataclass(frozen=True)
class _Calls:
    """Client calls that give a file a role, found when any of them is in the text:
    plain words (substring tests), patterns, and patterns that must start a word (the
    word boundary checked in code). A pattern that starts with a literal is searched
    fast; one alternation of them all, or a leading word boundary, tries every position."""

    words: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = ()
    word_starts: tuple[re.Pattern[str], ...] = ()

    def found(self, text: str) -> bool:
        if any(word in text for word in self.words):
            return True
        if any(pattern.search(text) for pattern in self.patterns):
            return True
        return any(
            _starts_word(text, found.start())
            for pattern in self.word_starts
            for found in pattern.finditer(text)
        )


def _starts_word(text: str, index: int) -> bool:
    return index == 0 or not _is_word(text[index - 1])


def _has_word(text: str, word: str) -> bool:
    """``word`` (word characters) in ``text`` as a whole word (``\\bword\\b``), found with
    str.find: a regex with a leading word boundary would try every position."""
    index = text.find(word)
    while index >= 0:
        end = index + len(word)
        if _starts_word(text, index) and (end == len(text) or not _is_word(text[end])):
            return True
        index = text.find(word, index + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _at_word_starts(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``finditer`` of ``\\b`` + pattern, for a pattern that starts with a word character:
    a match at a position inside a word is dropped and the search goes on from the next
    position (as the regex engine would after a failed boundary); the patterns never
    match the empty string."""
    position = 0
    while (found := pattern.search(text, position)) is not None:
        if _starts_word(text, found.start()):
            yield found
            position = found.end()
        else:
            position = found.start() + 1


_PRODUCER = _Calls(
    words=("Producer", "basic_publish", "sendToQueue", "send_message", "SendMessage"),
    patterns=(re.compile(r"\.send\s*\("),),
    word_starts=tuple(
        re.compile(p) for p in (r"produce\w*\s*\(", r"publish\w*\s*\(", r"Publish\w*\s*\(")
    ),
)
_CONSUMER = _Calls(
    words=("Consumer", "basic_consume", "receive_message", "ReceiveMessage", "QueueSubscribe"),
    patterns=(re.compile(r"Listener\b"),),
    word_starts=tuple(
        re.compile(p)
        for p in (r"subscribe\s*\(", r"Subscribe\s*\(", r"consume\w*\s*\(", r"poll\s*\(")
    ),
)
_NAME = r"[\"'`]([\w.\-/:]+)[\"'`]"
_EXPLICIT = (
    (
        "consumer",
        re.compile(  # at a word start (see _at_word_starts)
            r"subscribe\s*\(\s*(?:\{\s*topics?\s*:\s*\[?\s*)?(?:listOf\(|List\.of\(|Arrays\.asList\(|\[)?\s*"
            + _NAME,
            re.IGNORECASE,
        ),
    ),
    ("consumer", re.compile(r"@KafkaListener\s*\([^)]*?topics\s*=\s*\{?\s*" + _NAME)),
    ("consumer", re.compile(r"@RabbitListener\s*\([^)]*?queues\s*=\s*\{?\s*" + _NAME)),
    ("consumer", re.compile(r"@SqsListener\s*\(\s*(?:value\s*=\s*)?\{?\s*" + _NAME)),
    ("consumer", re.compile(r"basic_consume\s*\([^)]*?queue\s*=\s*" + _NAME)),
    ("consumer", re.compile(r"\.consume\s*\(\s*" + _NAME)),
    ("producer", re.compile(r"ProducerRecord\s*(?:<[^>]*>)?\s*\(\s*" + _NAME)),
    (
        "producer",
        re.compile(
            r"\.(?:send|produce|Produce|ProduceAsync|publish|Publish)\s*\(\s*(?:\{\s*topic\s*:\s*)?"
            + _NAME
        ),
    ),
    ("producer", re.compile(r"basic_publish\s*\([^)]*?routing_key\s*=\s*" + _NAME)),
    ("producer", re.compile(r"sendToQueue\s*\(\s*" + _NAME)),
    (
        "",
        re.compile(r"(?:queue_declare|assertQueue|QueueDeclare)\s*\(\s*(?:queue\s*=\s*)?" + _NAME),
    ),
    ("", re.compile(r"QueueName\s*[=:]\s*" + _NAME)),  # at a word start
)
# The patterns above that must start a word: the word boundary is checked in code, so
# that their search can skip ahead to a literal (a leading \b makes it try every position).
_AT_WORD_START = frozenset({_EXPLICIT[0][1], _EXPLICIT[-1][1]})
_ASSIGNED = re.compile(
    r"^[^\n]*?\b\w*(?:topic|queue|subject)\w*\b[^\n=:]*[=:][^\n]*$", re.IGNORECASE | re.MULTILINE
)
_LITERAL = re.compile(_NAME)
_TOPIC_FUNCTION = re.compile(
    r"\b(?:func|def|fun|function)\s+\w*(?:topic|queue)\w*\s*\(", re.IGNORECASE
)
_RETURN = re.compile(r"^\s*return\s+" + _NAME, re.MULTILINE)
_ENV_NAME = re.compile(r"^[A-Z0-9_]+$")
_COMMENT_LINE = re.compile(r"^\s*(//|#|\*|/\*)")


@dataclass
class MessagingFacts:
    """What one file does with topics and queues."""

    systems: set[str] = field(default_factory=set)
    producer: bool = False
    consumer: bool = False
    # name -> (role "producer" | "consumer" | "" for the file's own roles, line)
    names: dict[tuple[str, str], int] = field(default_factory=dict)


def _plausible(name: str) -> bool:
    return bool(name) and not _ENV_NAME.match(name) and "://" not in name and len(name) <= 200


def _add(facts: MessagingFacts, name: str, role: str, line: int) -> None:
    if _plausible(name):
        facts.names.setdefault((name, role), line)


def messaging_facts(text: str, lower: str | None = None) -> MessagingFacts | None:
    """What the file does with topics and queues; ``lower``: the text lower-cased, when
    the caller has it."""
    lower = text.lower() if lower is None else lower
    if not any(needle in lower for needle in _LOWER_NEEDLES):
        return None
    if not any(needle in text for needle in _NEEDLES):
        return None
    systems = {
        name
        for name, (needles, whole) in _SYSTEMS.items()
        if any(n in lower and (n not in whole or _has_word(lower, n)) for n in needles)
    }
    if not systems:
        return None
    facts = MessagingFacts(systems=systems)
    facts.producer = _PRODUCER.found(text)
    facts.consumer = _CONSUMER.found(text)
    for role, pattern in _EXPLICIT:
        at_word = pattern in _AT_WORD_START
        matches = _at_word_starts(pattern, text) if at_word else pattern.finditer(text)
        for found in matches:
            _add(facts, found.group(1), role, text.count("\n", 0, found.start()) + 1)
    for found in _ASSIGNED.finditer(text):
        if _COMMENT_LINE.match(found.group(0)):
            continue
        literals = _LITERAL.findall(found.group(0))
        if literals:
            _add(facts, literals[-1], "", text.count("\n", 0, found.start()) + 1)
    for found in _TOPIC_FUNCTION.finditer(text):
        window = text[found.end() : found.end() + 600]
        for ret in _RETURN.finditer(window):
            line = text.count("\n", 0, found.end() + ret.start()) + 1
            _add(facts, ret.group(1), "", line)
    return facts


# Typed events on a message bus (MassTransit ``IConsumer<T>``, NServiceBus
# ``IHandleMessages<T>``, the eShop-style ``IIntegrationEventHandler<T>`` and
# ``AddSubscription<T, THandler>``): the event type is the topic (these buses route by
# type name). A file publishes T when it constructs ``new T(`` and publishes or sends.
_CONSUMES_TYPE = re.compile(
    r"\b(?:IConsumer|IHandleMessages|IIntegrationEventHandler|IEventHandler|INotificationHandler"
    r"|AddSubscription|Subscribe)\s*<\s*(\w+)\s*[,>]"
)
# No leading \b: a pattern starting with a literal is searched fast; the character
# before "new" is checked in code.
_CREATES_TYPE = re.compile(r"new\s+(\w+(?:Event|Message|Command))\s*[({]")
_CONSUMER_MARKERS = (
    "IConsumer<",
    "IHandleMessages<",
    "IIntegrationEventHandler<",
    "IEventHandler<",
    "INotificationHandler<",
    "AddSubscription<",
    "Subscribe<",
)
_PUBLISHES = re.compile(r"Publish|Send\w*Async|AddAndSaveEvent|Enqueue|Raise", re.IGNORECASE)


@dataclass
class TypedEvents:
    consumed: dict[str, int] = field(default_factory=dict)  # type -> line
    created: dict[str, int] = field(default_factory=dict)
    publishes: bool = False


def typed_events(text: str) -> TypedEvents | None:
    events = TypedEvents()
    if any(marker in text for marker in _CONSUMER_MARKERS):
        for found in _CONSUMES_TYPE.finditer(text):
            events.consumed.setdefault(found.group(1), text.count("\n", 0, found.start()) + 1)
    for found in _CREATES_TYPE.finditer(text):
        if found.start() and (text[found.start() - 1].isalnum() or text[found.start() - 1] == "_"):
            continue
        events.created.setdefault(found.group(1), text.count("\n", 0, found.start()) + 1)
    events.publishes = bool(events.created) and bool(_PUBLISHES.search(text))
    if not events.consumed and not events.publishes:
        return None
    return events
