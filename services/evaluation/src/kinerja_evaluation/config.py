"""Settings of the evaluation service (``KINERJA_EVALUATION_*``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kinerja_kernel.settings import ServiceSettings


class EvaluationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_EVALUATION_", extra="ignore", frozen=True)

    http_port: int = 8102
    consumer_group: str = Field(default="kinerja-evaluation", description="Kafka consumer group (planning's and "
                                "feedback's topics); give each separate deployment, e.g. a test stack, its own")
