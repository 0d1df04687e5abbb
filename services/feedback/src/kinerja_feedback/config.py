"""Settings of the feedback service (``KINERJA_FEEDBACK_*``)."""

from pydantic_settings import SettingsConfigDict

from kinerja_kernel.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_FEEDBACK_", extra="ignore", frozen=True)

    http_port: int = 8103
