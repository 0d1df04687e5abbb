"""Kafka entrypoints of the planning service: service interactions from counters, call centres and portals.

Topic ``kinerja.planning.interactions``: one JSON interaction per record (key: the employee's NIP).
Delivery: at least once, in batches; a record that is not a valid interaction is parked on the
dead-letter topic with the reason and the rest of its batch is recorded; so is one whose employee the
roster does not place in the office it names (or does not know); recording is idempotent per interaction
id, also within a batch; offsets are committed after the batch's transaction.
"""

from __future__ import annotations

from pydantic import ValidationError

from kinerja_kernel.contracts.planning import ServiceInteraction
from kinerja_kernel.envelope import Actor
from kinerja_kernel.inbox import DeadLetters, IncomingRecord
from kinerja_kernel.runtime import BatchConsumerSpec
from kinerja_planning.application.realisation import RealisationService

INTERACTIONS_TOPIC = "kinerja.planning.interactions"
KAFKA_ACTOR = Actor(id="kafka:kinerja.planning.interactions", role="system")


def interactions_consumer(realisation: RealisationService) -> BatchConsumerSpec:
    async def handle(records: list[IncomingRecord], dead_letters: DeadLetters) -> None:
        valid: list[tuple[IncomingRecord, ServiceInteraction]] = []
        for record in records:
            try:
                valid.append((record, ServiceInteraction.model_validate_json(record.value or b"")))
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"]) or "value"
                await dead_letters.park(record, f"invalid interaction: {field}: {first['msg']}", "ValidationError")
        if valid:
            result = await realisation.ingest([i for _, i in valid], KAFKA_ACTOR)
            for refusal in result.refused:
                await dead_letters.park(valid[refusal.index][0], f"interaction not backed by the roster: "
                                        f"{refusal.field}: {refusal.message_en}", "RosterMismatch")

    return BatchConsumerSpec(name="kinerja-planning-interactions", topics=[INTERACTIONS_TOPIC], handle=handle)
