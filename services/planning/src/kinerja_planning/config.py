"""Settings of the planning service (``KINERJA_PLANNING_*``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kinerja_kernel.settings import ServiceSettings


class PlanningSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_PLANNING_", extra="ignore", frozen=True)

    http_port: int = 8101
    consumer_group: str = Field(default="kinerja-planning", description="Kafka consumer group of evaluation's topic "
                                "(office time zones); give each separate deployment, e.g. a test stack, its own")
