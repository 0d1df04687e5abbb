"""Settings of the feedback service (``KINERJA_FEEDBACK_*``)."""

import ipaddress

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from kinerja_kernel.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_FEEDBACK_", extra="ignore", frozen=True)

    http_port: int = 8103
    consumer_group: str = Field(default="kinerja-feedback", description="Kafka consumer group of the policies")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, description="larger request bodies get 413")

    reminders_enabled: bool = Field(default=True, description="run the reminder loop in this process")
    reminder_interval_seconds: float = Field(default=60.0, gt=0)
    reminder_offsets_days: tuple[int, ...] = Field(default=(3, 0), description="days before the deadline (0 = on it)")

    webhooks_enabled: bool = Field(default=True, description="run the webhook delivery worker in this process")
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_base_seconds: float = Field(default=5.0, gt=0)
    webhook_backoff_cap_seconds: float = Field(default=3600.0, gt=0)
    webhook_poll_interval_seconds: float = Field(default=1.0, gt=0)
    webhook_allowed_targets: tuple[str, ...] = Field(default=(), description=(
        "internal networks (CIDR) and host names webhooks may reach anyway, e.g. an on-premise gateway: "
        '["10.20.0.0/16", "wa-gateway.kantor.local"]; everything else must be a public address'))

    @field_validator("webhook_allowed_targets")
    @classmethod
    def _targets(cls, entries: tuple[str, ...]) -> tuple[str, ...]:
        for entry in entries:
            if not entry.strip() or ("/" in entry and not _network(entry)):
                raise ValueError(f"not a CIDR or host name: {entry!r}")
        return tuple(e.strip() for e in entries)


def _network(entry: str) -> bool:
    try:
        ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError:
        return False
    return True
