"""Settings of the planning service (``KINERJA_PLANNING_*``)."""

from datetime import date

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kinerja_kernel.settings import ServiceSettings


class PlanningSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_PLANNING_", extra="ignore", frozen=True)

    http_port: int = 8101
    consumer_group: str = Field(default="kinerja-planning", description="Kafka consumer group of evaluation's topic "
                                "(office time zones); give each separate deployment, e.g. a test stack, its own")
    today: date | None = Field(default=None, description="the day planning takes as today in every office instead of "
                               "the clock (realisation may not be dated after it): for tests and rehearsals of "
                               "another year only; leave unset in production")
    group_commit: bool = Field(default=True, description="realisation entries of concurrent requests commit in shared "
                               "transactions (one commit for many; each keeps its own outcome); false: one "
                               "transaction per entry")
