"""Idempotent consumption of other services' events, with a dead-letter topic for what cannot be used.

Delivery semantics: at least once in, exactly one effect. For each record the consumer

1. maps the CloudEvent to an envelope and the payload to its event model (a failure here is final:
   the record goes to the dead-letter topic with the reason in its headers);
2. in ONE database transaction inserts ``(consumer, event_id)`` into ``inbox`` and runs the handler's
   effect; a redelivered event finds its inbox row and has no second effect;
3. acknowledges (commits the Kafka offset) only after that transaction committed.

What goes to the dead-letter topic, and what does not
-----------------------------------------------------
Only bad messages are dead-lettered: a record that is not a CloudEvent, an unknown event type or
version, a payload that fails its model's validation, and a message the handler refuses as such, by
raising an expected error (``KinerjaError``: ``RejectedMessage``, ``InvalidInput``, a domain rule, an
unknown reference). The consumer goes on with the next record.

Errors of the infrastructure (database or network down) and a lost race (``ConcurrencyError``) are
retried with backoff and never dead-lettered.

Any other exception in a handler is a bug in our code, not in the message: ``process`` raises
``HandlerFailed`` and the runtime halts that consumer loudly (an error log with the event id, the
consumer marked halted on ``/health``) without committing the record's offset. After the fix, the
restarted consumer receives the record again. Dead letters parked before a fix can be re-published with
``python -m kinerja_kernel.deadletters_cli redrive`` (the inbox makes that idempotent).
"""

from __future__ import annotations

import asyncio
import enum
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from kinerja_kernel import tracing
from kinerja_kernel.cloudevents import event_id_of, from_kafka
from kinerja_kernel.db import Database
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.errors import ConcurrencyError, KinerjaError, RejectedMessage
from kinerja_kernel.logging import bind_event_context
from kinerja_kernel.registry import REGISTRY, DomainEvent, EventRegistry

log = structlog.get_logger(__name__)

Handler = Callable[[asyncpg.Connection, EventEnvelope, Any], Awaitable[None]]

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


RETRIED_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, ConcurrencyError)
"""Retried with backoff, never dead-lettered: the infrastructure, and a lost race (decided again)."""


class HandlerFailed(Exception):
    """A handler raised an unexpected exception (a bug): the consumer must stop before this record."""

    def __init__(self, consumer: str, record: IncomingRecord, envelope: EventEnvelope, error: BaseException) -> None:
        super().__init__(f"consumer {consumer} failed on event {envelope.event_id} ({envelope.event_type}) at "
                         f"{record.topic}[{record.partition}]@{record.offset}: {error!r}")
        self.consumer = consumer
        self.record = record
        self.envelope = envelope
        self.error = error


class Outcome(enum.Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class IncomingRecord:
    """The parts of a Kafka record the consumer needs (independent of the client library)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]


class DeadLetters:
    """Parks records a consumer cannot use on its service's dead-letter topic (with the reason in the
    headers) and notes them in ``dead_letters``; the consumer then goes on with the next record."""

    def __init__(self, *, consumer: str, db: Database, producer: AIOKafkaProducer, topic: str) -> None:
        self.consumer = consumer
        self.db = db
        self.producer = producer
        self.topic = topic

    async def park(self, record: IncomingRecord, reason: str, error_type: str, event_id: str | None = None) -> None:
        """Publish the record to the dead-letter topic with the reason, and note it; once per record (offsets
        are committed in groups, so a record parked before a restart can be delivered again)."""
        event_id = event_id or str(event_id_of(record.headers) or "")
        async with self.db.connection() as conn:
            if await conn.fetchval('SELECT true FROM dead_letters WHERE consumer = $1 AND topic = $2 '
                                   'AND partition = $3 AND "offset" = $4',
                                   self.consumer, record.topic, record.partition, record.offset):
                log.info("consumer.already_dead_lettered", consumer=self.consumer, topic=record.topic,
                         offset=record.offset)
                return
        headers = [*record.headers, *[
            (name, value.encode("utf-8")) for name, value in (
                ("kinerja_dlt_reason", reason[:2000]),
                ("kinerja_dlt_error", error_type),
                ("kinerja_dlt_consumer", self.consumer),
                ("kinerja_dlt_topic", record.topic),
                ("kinerja_dlt_partition", str(record.partition)),
                ("kinerja_dlt_offset", str(record.offset)),
            )
        ]]
        await (await self.producer.send(self.topic, value=record.value, key=record.key, headers=headers))
        async with self.db.connection() as conn:
            await conn.execute(
                'INSERT INTO dead_letters (consumer, topic, partition, "offset", event_id, reason) '
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                self.consumer, record.topic, record.partition, record.offset, event_id or None, reason[:2000],
            )
        log.warning("consumer.dead_lettered", consumer=self.consumer, topic=record.topic, offset=record.offset,
                    event_id=event_id, reason=reason)


class InboxConsumer:
    """Dispatches events to handlers by type, once each, and dead-letters what cannot be used."""

    def __init__(
        self,
        *,
        name: str,
        db: Database,
        handlers: Mapping[str, Handler],
        producer: AIOKafkaProducer,
        dead_letter_topic: str,
        registry: EventRegistry = REGISTRY,
        retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0),
    ) -> None:
        self.name = name
        self.db = db
        self.handlers = dict(handlers)
        self.producer = producer
        self.dead_letter_topic = dead_letter_topic
        self.registry = registry
        self.retry_delays = retry_delays
        self.dead_letters = DeadLetters(consumer=name, db=db, producer=producer, topic=dead_letter_topic)

    async def process(self, record: IncomingRecord) -> Outcome:
        """Handle one record; raises for transient errors that outlived the retries, and ``HandlerFailed`` for a
        bug in the handler (neither is dead-lettered: the record must be delivered again)."""
        try:
            envelope = from_kafka(record.value, record.headers)
        except KinerjaError as exc:
            return await self._dead_letter(record, exc.message_en, type(exc).__name__)
        handler = self.handlers.get(envelope.event_type)
        if handler is None:
            return Outcome.IGNORED
        try:
            event = self.registry.decode(envelope.event_type, envelope.event_version, envelope.payload)
        except (KinerjaError, ValidationError) as exc:
            return await self._dead_letter(record, _reason(exc), type(exc).__name__, envelope)
        with bind_event_context(envelope), tracing.consumer_span(envelope, self.name):
            attempt = 0
            while True:
                try:
                    return await self._apply(handler, envelope, event)
                except RETRIED_ERRORS as exc:
                    if attempt >= len(self.retry_delays):
                        raise
                    log.warning("consumer.retry", consumer=self.name, attempt=attempt + 1, error=repr(exc))
                    await asyncio.sleep(self.retry_delays[attempt])
                    attempt += 1
                except KinerjaError as exc:  # the message is refused: park it, go on
                    return await self._dead_letter(record, _reason(exc), type(exc).__name__, envelope)
                except Exception as exc:  # a bug: stop before this record, never park it
                    raise HandlerFailed(self.name, record, envelope, exc) from exc

    async def _apply(self, handler: Handler, envelope: EventEnvelope, event: DomainEvent) -> Outcome:
        async with self.db.transaction() as conn:
            inserted = await conn.fetchval(
                "INSERT INTO inbox (consumer, event_id, event_type, hash) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT DO NOTHING RETURNING true",
                self.name, envelope.event_id, envelope.event_type, envelope.hash,
            )
            if not inserted:
                seen = await conn.fetchval("SELECT hash FROM inbox WHERE consumer = $1 AND event_id = $2",
                                           self.name, envelope.event_id)
                if seen is not None and seen != envelope.hash:  # the same id with other content: not a redelivery
                    raise RejectedMessage("kernel.message.forged-redelivery", event_id=str(envelope.event_id),
                                          seen=seen, hash=envelope.hash)
                log.info("consumer.duplicate", consumer=self.name, event_id=str(envelope.event_id))
                return Outcome.DUPLICATE
            await handler(conn, envelope, event)
        log.info("consumer.processed", consumer=self.name, event_type=envelope.event_type,
                 event_id=str(envelope.event_id))
        return Outcome.PROCESSED

    async def _dead_letter(
        self, record: IncomingRecord, reason: str, error_type: str, envelope: EventEnvelope | None = None
    ) -> Outcome:
        await self.dead_letters.park(record, reason, error_type, str(envelope.event_id) if envelope else None)
        return Outcome.DEAD_LETTERED


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]]
        return "invalid payload: " + "; ".join(parts)
    if isinstance(exc, KinerjaError):
        return exc.message_en
    return f"{type(exc).__name__}: {exc} @ {traceback.format_exc(limit=2).splitlines()[-1] if exc else ''}"


async def prune_inbox(db: Database, *, older_than_days: int, consumer: str | None = None) -> int:
    """Delete inbox rows processed more than ``older_than_days`` ago (of one consumer, or all); returns how many.

    The inbox only has to outlive redeliveries: offsets are committed seconds after processing, so a
    record comes again only after a crash or rebalance, or when an operator re-reads a topic from an older
    offset (a group reset, a redrive). Keep the rows longer than any such replay you may run.
    """
    async with db.connection() as conn:
        status = await conn.execute(
            "DELETE FROM inbox WHERE processed_at < now() - make_interval(days => $1) "
            "AND ($2::text IS NULL OR consumer = $2)", older_than_days, consumer)
    deleted = int(status.split()[-1])
    log.info("inbox.pruned", deleted=deleted, older_than_days=older_than_days, consumer=consumer)
    return deleted
