"""Settings of the career service (``KINERJA_CAREER_*``)."""

from pydantic_settings import SettingsConfigDict

from kinerja_kernel.kafka import events_topic
from kinerja_kernel.settings import ServiceSettings


class CareerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_CAREER_", extra="ignore", frozen=True)

    http_port: int = 8104
    consumer_group: str = "kinerja-career"
    evaluation_topic: str = events_topic("evaluation")
    planning_topic: str = events_topic("planning")
