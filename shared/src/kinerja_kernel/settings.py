"""Settings every service shares (pydantic-settings); each service subclasses with its own prefix."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kinerja_kernel.transport import KafkaClientConfig, SecurityProtocol, SslMode, postgres_dsn


class ServiceSettings(BaseSettings):
    """Read from the environment as ``KINERJA_<SERVICE>_<FIELD>`` (e.g. ``KINERJA_PLANNING_DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="KINERJA_", extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(description="PostgreSQL URL of this service's own database")
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: SecurityProtocol = Field(
        default="PLAINTEXT", description="PLAINTEXT (laptops), SSL (TLS; mutual with a client certificate) or "
                                         "SASL_SSL (TLS + SCRAM-SHA-512)")
    kafka_sasl_username: str | None = Field(default=None, description="this service's SCRAM principal")
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_ca_file: str | None = Field(default=None, description="PEM CA that signed the brokers' certificates")
    kafka_ssl_cert_file: str | None = Field(default=None, description="PEM client certificate (mutual TLS)")
    kafka_ssl_key_file: str | None = Field(default=None, description="PEM key of the client certificate")
    database_ssl_mode: SslMode | None = Field(
        default=None, description="libpq sslmode for every connection (verify-full in production); "
                                  "unset: what database_url says")
    database_ssl_root_cert: str | None = Field(default=None, description="PEM CA of the PostgreSQL server")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"
    log_json: bool | None = Field(default=None, description="JSON logs; default: only in production")

    jwt_secret: SecretStr | None = Field(default=None, description="HS256 key (development and tests)")
    jwt_public_key: str | None = Field(default=None, description="PEM public key (RS256/ES256) in production")
    jwt_issuer: str = "kinerja-dev"
    jwt_audience: str = "kinerja"
    jwt_max_lifetime_seconds: int = Field(
        default=12 * 3600, ge=60, le=7 * 24 * 3600,
        description="a token whose exp - iat is longer is refused (401); iat is required")

    max_body_bytes: int = Field(default=256 * 1024, ge=1024, description="larger request bodies get 413")
    max_bulk_body_bytes: int = Field(
        default=32 * 1024 * 1024, ge=1024,
        description="the limit of the bulk routes a service names (imports, batches of interactions)")

    blob_backend: Literal["filesystem", "s3"] = Field(
        default="filesystem", description="where files (evidence) are kept: a folder, or an S3-compatible store")
    blob_dir: str = Field(default="~/.local/share/kinerja/blobs", description="the filesystem store's folder")
    blob_s3_endpoint: str | None = Field(default=None, description="e.g. https://s3.ap-southeast-3.amazonaws.com")
    blob_s3_bucket: str = "kinerja-blobs"
    blob_s3_region: str = "us-east-1"
    blob_s3_prefix: str = Field(default="", description="key prefix inside the bucket, e.g. planning/")
    blob_s3_access_key: str | None = None
    blob_s3_secret_key: SecretStr | None = None
    max_evidence_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=512 * 1024 * 1024,
                                    description="the largest evidence file accepted (the upload route's limit)")

    topic_partitions: int = 6
    topic_replication_factor: int = Field(default=1, ge=1, description="1 for the dev broker; 3 in production")
    otlp_endpoint: str | None = Field(default=None, description=(
        "OpenTelemetry collector (OTLP/HTTP, e.g. http://otel-collector:4318): traces are exported only when set"))
    relay_enabled: bool = True
    relay_batch_size: int = 1000
    relay_idle_interval_ms: int = 20
    consumer_enabled: bool = True
    consumer_session_timeout_ms: int = Field(
        default=10_000, ge=6_000, le=300_000, description=(
            "a consumer that sends no heartbeat for this long is taken for dead and its partitions move to the "
            "other replicas: how long a crashed replica's partitions wait (a stopped one leaves the group at "
            "once). Lower fails over sooner, but a replica whose event loop is busy longer than this (a large "
            "PDF, a paused VM) loses its partitions for nothing; the brokers allow 6 s to 5 min by default"))
    consumer_heartbeat_interval_ms: int = Field(
        default=3_000, ge=500, description="how often a consumer tells the group it is alive: at most a third of "
                                           "the session timeout")
    inbox_retention_days: int = Field(
        default=90, ge=0,
        description="inbox rows (processed event ids) older than this are deleted hourly; 0 keeps them forever. "
                    "Keep it longer than any replay of a topic from an older offset")
    db_pool_min: int = 2
    db_pool_max: int = 10

    transparency_enabled: bool = Field(default=True, description="keep the Merkle log of the events (issue 16)")
    transparency_signing_key: SecretStr | None = Field(
        default=None, description="the log's C2SP note signer key, PRIVATE+KEY+<origin>+<key id>+<base64>; "
                                  "without it the log is kept but no checkpoint is signed")
    transparency_checkpoint_interval_s: float = Field(default=2.0, ge=0, description="at most one checkpoint per")
    transparency_witness_url: str | None = Field(default=None, description="the witness's submission prefix")
    transparency_witness_key: str | None = Field(
        default=None, description="the witness's verifier key (C2SP vkey, signature type 0x04)")

    @model_validator(mode="after")
    def _transport_complete(self) -> ServiceSettings:
        self.kafka  # noqa: B018 - refuses SASL_SSL without credentials when the settings are read
        if self.consumer_heartbeat_interval_ms * 3 > self.consumer_session_timeout_ms:
            raise ValueError("consumer_heartbeat_interval_ms must be at most a third of consumer_session_timeout_ms")
        return self

    @property
    def kafka(self) -> KafkaClientConfig:
        """How this service's Kafka clients connect (``kinerja_kernel.transport``)."""
        return KafkaClientConfig(
            bootstrap_servers=self.kafka_bootstrap_servers, security_protocol=self.kafka_security_protocol,
            sasl_username=self.kafka_sasl_username, sasl_password=self.kafka_sasl_password,
            ssl_ca_file=self.kafka_ssl_ca_file, ssl_cert_file=self.kafka_ssl_cert_file,
            ssl_key_file=self.kafka_ssl_key_file)

    @property
    def database_dsn(self) -> str:
        """``database_url`` with the TLS settings (``sslmode``, ``sslrootcert``) every connection uses."""
        return postgres_dsn(self.database_url, ssl_mode=self.database_ssl_mode,
                            ssl_root_cert=self.database_ssl_root_cert)

    @property
    def blob_s3_secret(self) -> str | None:
        return self.blob_s3_secret_key.get_secret_value() if self.blob_s3_secret_key else None

    @property
    def json_logs(self) -> bool:
        return self.log_json if self.log_json is not None else self.environment == "production"
