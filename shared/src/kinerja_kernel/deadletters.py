"""Re-publishing dead letters after a fix (redrive).

A consumer parks a record it refuses on its service's dead-letter topic (``kinerja.<service>.deadletter``)
with the original key, value and headers plus ``kinerja_dlt_*`` headers (reason, consumer, origin), and
notes it in ``dead_letters``. Once the cause is fixed (a handler that refused too much, a missing
reference now known), ``redrive`` publishes that consumer's dead letters back to their original topic,
unchanged, and marks them ``redriven_at``:

- idempotent: a dead letter already redriven is not published again, and an event the consumer's inbox
  already holds is skipped (the inbox would skip it anyway);
- only CloudEvents are redriven (an event id is what makes a second delivery harmless); plain records
  (a batch consumer's input, a value that is not JSON) stay parked;
- every consumer group of the original topic receives the record again; their inboxes skip what they
  already processed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from kinerja_kernel.cloudevents import event_id_of
from kinerja_kernel.db import Database
from kinerja_kernel.kafka import dead_letter_topic, idempotent_producer
from kinerja_kernel.topic_reader import TopicRecord, read_topic
from kinerja_kernel.transport import KafkaTarget

DLT_HEADER_PREFIX = "kinerja_dlt_"


@dataclass
class RedriveReport:
    """What a redrive did (or would do, in a dry run), by event id."""

    published: list[str] = field(default_factory=list)
    already_redriven: list[str] = field(default_factory=list)
    already_processed: list[str] = field(default_factory=list)
    not_cloudevents: int = 0


async def redrive(
    *, db: Database, bootstrap: KafkaTarget, service: str, consumer: str, event_ids: Iterable[str] = (),
    dry_run: bool = False,
) -> RedriveReport:
    """Publish ``consumer``'s dead letters (all, or those of ``event_ids``) back to their original topics."""
    wanted = {str(uuid.UUID(e)) for e in event_ids}
    report = RedriveReport()
    records = [r for r in await read_topic(bootstrap, dead_letter_topic(service))
               if r.header(f"{DLT_HEADER_PREFIX}consumer") == consumer]
    producer = idempotent_producer(bootstrap, client_id=f"kinerja-redrive-{service}")
    await producer.start()
    try:
        for record in records:
            event_id = event_id_of(record.headers)
            if event_id is None:
                report.not_cloudevents += 1
                continue
            if wanted and str(event_id) not in wanted:
                continue
            origin = _origin(record)
            async with db.connection() as conn:
                redriven = await conn.fetchval(
                    'SELECT redriven_at IS NOT NULL FROM dead_letters WHERE consumer = $1 AND topic = $2 '
                    'AND partition = $3 AND "offset" = $4', consumer, *origin)
                processed = await conn.fetchval("SELECT true FROM inbox WHERE consumer = $1 AND event_id = $2",
                                                consumer, event_id)
            if redriven:
                report.already_redriven.append(str(event_id))
                continue
            if processed:
                report.already_processed.append(str(event_id))
                continue
            report.published.append(str(event_id))
            if dry_run:
                continue
            headers = [(k, v) for k, v in record.headers if not k.startswith(DLT_HEADER_PREFIX)]
            await producer.send_and_wait(origin[0], record.value, key=record.key, headers=headers)
            async with db.connection() as conn:
                await conn.execute(
                    'UPDATE dead_letters SET redriven_at = now() WHERE consumer = $1 AND topic = $2 '
                    'AND partition = $3 AND "offset" = $4', consumer, *origin)
    finally:
        await producer.stop()
    return report


def _origin(record: TopicRecord) -> tuple[str, int, int]:
    """The topic, partition and offset the dead letter was first delivered at."""
    return (record.header(f"{DLT_HEADER_PREFIX}topic") or "", int(record.header(f"{DLT_HEADER_PREFIX}partition") or -1),
            int(record.header(f"{DLT_HEADER_PREFIX}offset") or -1))
