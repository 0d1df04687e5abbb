"""The Kafka client settings (PLAINTEXT, SSL/mutual TLS, SASL_SSL SCRAM-SHA-512) and the PostgreSQL TLS URL."""

from __future__ import annotations

import ssl
from urllib.parse import parse_qs, urlsplit

import pytest
from faststream.security import SASLScram512
from pydantic import ValidationError

from kinerja_kernel.settings import ServiceSettings
from kinerja_kernel.transport import KafkaClientConfig, kafka_config, kafka_from_env, postgres_dsn


def test_plaintext_is_the_default_and_a_bare_address_stays_plaintext() -> None:
    kwargs = kafka_config("127.0.0.1:1,127.0.0.1:2").client_kwargs()
    assert kwargs == {"bootstrap_servers": "127.0.0.1:1,127.0.0.1:2", "security_protocol": "PLAINTEXT"}
    broker = kafka_config("127.0.0.1:1, 127.0.0.1:2").broker_kwargs()
    assert broker == {"bootstrap_servers": ["127.0.0.1:1", "127.0.0.1:2"], "security": None}


def test_sasl_ssl_gives_scram_512_over_a_verifying_tls_context() -> None:
    config = KafkaClientConfig(bootstrap_servers="kafka:9093", security_protocol="SASL_SSL",
                               sasl_username="feedback", sasl_password="s3cret")
    kwargs = config.client_kwargs()
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (kwargs["sasl_plain_username"], kwargs["sasl_plain_password"]) == ("feedback", "s3cret")
    context = kwargs["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED
    security = config.broker_kwargs()["security"]
    assert isinstance(security, SASLScram512)
    assert security.use_ssl
    assert "s3cret" not in repr(config)
    assert "s3cret" not in str(config.model_dump())


def test_incomplete_or_unused_credentials_are_refused() -> None:
    with pytest.raises(ValidationError, match="SASL_SSL needs a username and a password"):
        KafkaClientConfig(security_protocol="SASL_SSL", sasl_username="feedback")
    with pytest.raises(ValidationError, match="needs its key"):
        KafkaClientConfig(security_protocol="SSL", ssl_cert_file="/x/client.crt")
    with pytest.raises(ValidationError, match="PLAINTEXT"):
        KafkaClientConfig(sasl_username="feedback", sasl_password="x")


def test_service_settings_build_the_client_and_refuse_sasl_without_a_password(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KINERJA_KAFKA_SASL_USERNAME", "career")
    with pytest.raises(ValidationError, match="SASL_SSL needs"):
        ServiceSettings(database_url="postgresql://db/x")
    monkeypatch.setenv("KINERJA_KAFKA_SASL_PASSWORD", "pw-career")
    settings = ServiceSettings(database_url="postgresql://db/x", kafka_bootstrap_servers="k:9093")
    assert settings.kafka.sasl_username == "career"
    assert settings.kafka.client_kwargs()["sasl_plain_password"] == "pw-career"
    assert "pw-career" not in repr(settings)
    assert kafka_from_env("k:9093") == settings.kafka  # the tools read the same names


def test_postgres_dsn_adds_verify_full_and_the_ca_over_what_the_url_says() -> None:
    assert postgres_dsn("postgresql://u:p@db:5432/x") == "postgresql://u:p@db:5432/x"
    dsn = postgres_dsn("postgresql://u:p@db:5432/x?application_name=a", ssl_mode="verify-full",
                       ssl_root_cert="/etc/pg/ca.crt")
    query = parse_qs(urlsplit(dsn).query)
    assert query == {"application_name": ["a"], "sslmode": ["verify-full"], "sslrootcert": ["/etc/pg/ca.crt"]}
    raised = postgres_dsn("postgresql://db/x?sslmode=require", ssl_mode="verify-full")
    assert parse_qs(urlsplit(raised).query)["sslmode"] == ["verify-full"]
    assert parse_qs(urlsplit(postgres_dsn("postgresql://db/x?sslmode=require")).query)["sslmode"] == ["require"]
    settings = ServiceSettings(database_url="postgresql://db/x", database_ssl_mode="verify-full",
                               database_ssl_root_cert="/ca.pem")
    assert "sslmode=verify-full" in settings.database_dsn
    assert "sslrootcert=%2Fca.pem" in settings.database_dsn
