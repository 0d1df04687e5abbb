"""The consumers' group timeouts: a setting every service reads, checked, and handed to the Kafka consumer."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from kinerja_kernel.runtime import attach_consumer
from kinerja_kernel.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_TESTSVC_", extra="ignore", frozen=True)


def test_the_session_timeout_defaults_to_ten_seconds_and_is_read_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_TESTSVC_DATABASE_URL", "postgresql://x@db/x")
    defaults = Settings()
    assert (defaults.consumer_session_timeout_ms, defaults.consumer_heartbeat_interval_ms) == (10_000, 3_000)
    monkeypatch.setenv("KINERJA_TESTSVC_CONSUMER_SESSION_TIMEOUT_MS", "6000")
    monkeypatch.setenv("KINERJA_TESTSVC_CONSUMER_HEARTBEAT_INTERVAL_MS", "2000")
    assert Settings().consumer_session_timeout_ms == 6_000


@pytest.mark.parametrize(("session", "heartbeat"), [(5_000, 1_000), (6_000, 2_500), (400_000, 3_000)])
def test_a_session_the_brokers_refuse_or_a_heartbeat_too_slow_for_it_is_refused(session: int, heartbeat: int) -> None:
    with pytest.raises(ValidationError):
        Settings(database_url="postgresql://x@db/x", consumer_session_timeout_ms=session,
                 consumer_heartbeat_interval_ms=heartbeat)


def test_the_consumer_is_subscribed_with_the_timeouts() -> None:
    broker = KafkaBroker("127.0.0.1:1")
    committer = attach_consumer(broker, SimpleNamespace(name="group"), ["topic"],  # type: ignore[arg-type]
                                session_timeout_ms=6_000, heartbeat_interval_ms=2_000)
    subscriber: Any = committer.subscriber
    arguments = subscriber._connection_args  # FastStream keeps the AIOKafkaConsumer arguments here
    assert (arguments["session_timeout_ms"], arguments["heartbeat_interval_ms"]) == (6_000, 2_000)
