"""Settings of the career service (``KINERJA_CAREER_*``)."""

from pydantic_settings import SettingsConfigDict

from kinerja_kernel.settings import ServiceSettings


class CareerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_CAREER_", extra="ignore", frozen=True)

    http_port: int = 8104
