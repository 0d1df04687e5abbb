"""Kafka plumbing: topic names, topic creation, and the idempotent producer every process uses."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from kinerja_kernel.transport import KafkaTarget, kafka_config

log = structlog.get_logger(__name__)


def events_topic(service: str) -> str:
    """The topic a service publishes its events to, e.g. ``kinerja.planning.events``."""
    return f"kinerja.{service}.events"


def dead_letter_topic(service: str) -> str:
    """The topic where a service's consumers park the messages they cannot process."""
    return f"kinerja.{service}.deadletter"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int = 6
    replication_factor: int = 1
    config: dict[str, str] = field(default_factory=lambda: {"retention.ms": "-1"})

    @property
    def topic_configs(self) -> dict[str, str]:
        """``config``, and ``min.insync.replicas`` one below the replication factor (at most 2) unless given:
        with factor 3 an ``acks=all`` write needs two copies, so one broker may be down and none is lost."""
        min_insync = max(1, min(2, self.replication_factor - 1))
        return {"min.insync.replicas": str(min_insync), **self.config}


async def ensure_topics(kafka: KafkaTarget, topics: Sequence[TopicSpec]) -> None:
    """Create the topics that do not exist yet (events are kept forever: ``retention.ms=-1``).

    A topic this principal may not create (another service's topic, under ACLs) is left to its owner or the
    operator's ``KafkaTopic``: a warning names it, and the consumer reads it once it exists."""
    admin = AIOKafkaAdminClient(**kafka_config(kafka).client_kwargs(), client_id="kinerja-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if not missing:
            return
        with contextlib.suppress(TopicAlreadyExistsError):
            response = await admin.create_topics(
                [NewTopic(t.name, t.partitions, t.replication_factor, topic_configs=t.topic_configs) for t in missing]
            )
            refused = {name: for_code(code).__name__ for name, code, *_ in response.topic_errors
                       if code not in (0, TopicAlreadyExistsError.errno)}
            if refused:
                log.warning("kafka.topics_not_created", topics=refused)
            created = [t.name for t in missing if t.name not in refused]
            if created:
                log.info("kafka.topics_created", topics=created)
    finally:
        await admin.close()


def idempotent_producer(kafka: KafkaTarget, *, client_id: str, linger_ms: int = 2) -> AIOKafkaProducer:
    """A producer with idempotence on and ``acks=all`` (aiokafka's defaults are neither)."""
    return AIOKafkaProducer(
        **kafka_config(kafka).client_kwargs(),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=linger_ms,
        max_batch_size=1024 * 1024,
        request_timeout_ms=30_000,
    )
