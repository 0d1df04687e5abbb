"""Settings of the planning service (``KINERJA_PLANNING_*``)."""

from pydantic_settings import SettingsConfigDict

from kinerja_kernel.settings import ServiceSettings


class PlanningSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_PLANNING_", extra="ignore", frozen=True)

    http_port: int = 8101
