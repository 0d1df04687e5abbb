"""Secure transport: how every Kafka client of the kernel connects, and TLS to PostgreSQL.

``KafkaClientConfig`` is the one place a Kafka client's address and security come from: every producer,
consumer and admin client (the services, the relay, the consumers, topic creation, the topic readers, the
transparency checkpoints, ``kinerja-audit``, the dead-letter tools) is built from ``client_kwargs()``
(aiokafka) or ``broker_kwargs()`` (FastStream's ``KafkaBroker``). Three modes:

- ``PLAINTEXT`` (the default: ``make run`` and the tests on a laptop);
- ``SSL``: TLS with the broker verified against ``ssl_ca_file``; with ``ssl_cert_file``/``ssl_key_file`` the
  client presents a certificate (mutual TLS) and the broker takes the certificate's CN as the principal;
- ``SASL_SSL``: TLS plus SCRAM-SHA-512 with ``sasl_username``/``sasl_password`` as the principal.

PostgreSQL TLS is part of the libpq URL asyncpg reads (``sslmode``, ``sslrootcert``): ``postgres_dsn`` adds
the settings' ``database_ssl_mode``/``database_ssl_root_cert`` to it, so the pool, the relay's and the
transparency log's own connections all verify the server the same way.
"""

from __future__ import annotations

import os
import ssl
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aiokafka.helpers import create_ssl_context
from faststream.security import BaseSecurity, SASLScram512
from pydantic import BaseModel, ConfigDict, SecretStr, model_validator

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_SSL"]
SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


class KafkaClientConfig(BaseModel):
    """Where a Kafka client connects and how it proves who it is (the password never appears in a repr)."""

    model_config = ConfigDict(frozen=True)

    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: Literal["SCRAM-SHA-512"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_ca_file: str | None = None
    ssl_cert_file: str | None = None
    ssl_key_file: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> KafkaClientConfig:
        if self.security_protocol == "SASL_SSL" and not (self.sasl_username and self.sasl_password):
            raise ValueError("kafka: SASL_SSL needs a username and a password (SCRAM-SHA-512)")
        if (self.ssl_cert_file is None) != (self.ssl_key_file is None):
            raise ValueError("kafka: a client certificate needs its key (ssl_cert_file and ssl_key_file together)")
        if self.security_protocol == "PLAINTEXT" and (self.sasl_username or self.ssl_cert_file):
            raise ValueError("kafka: credentials are set but the security protocol is PLAINTEXT "
                             "(they would not be used); choose SSL or SASL_SSL")
        return self

    @property
    def servers(self) -> list[str]:
        """The bootstrap addresses one by one (FastStream takes a string as one address)."""
        return [server.strip() for server in self.bootstrap_servers.split(",") if server.strip()]

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context (broker verified against the CA, host name checked), or None for PLAINTEXT."""
        if self.security_protocol == "PLAINTEXT":
            return None
        context: ssl.SSLContext = create_ssl_context(cafile=self.ssl_ca_file, certfile=self.ssl_cert_file,
                                                     keyfile=self.ssl_key_file)
        return context

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``AIOKafkaProducer``, ``AIOKafkaConsumer`` and ``AIOKafkaAdminClient``."""
        kwargs: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers,
                                  "security_protocol": self.security_protocol}
        if self.security_protocol != "PLAINTEXT":
            kwargs["ssl_context"] = self.ssl_context()
        if self.security_protocol == "SASL_SSL":
            assert self.sasl_password is not None
            kwargs |= {"sasl_mechanism": self.sasl_mechanism, "sasl_plain_username": self.sasl_username,
                       "sasl_plain_password": self.sasl_password.get_secret_value()}
        return kwargs

    def broker_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for FastStream's ``KafkaBroker`` (its ``security`` object)."""
        security: BaseSecurity | None = None
        if self.security_protocol == "SSL":
            security = BaseSecurity(ssl_context=self.ssl_context(), use_ssl=True)
        elif self.security_protocol == "SASL_SSL":
            assert self.sasl_username is not None
            assert self.sasl_password is not None
            security = SASLScram512(self.sasl_username, self.sasl_password.get_secret_value(),
                                    ssl_context=self.ssl_context(), use_ssl=True)
        return {"bootstrap_servers": self.servers, "security": security}


KafkaTarget = KafkaClientConfig | str
"""What the kernel's Kafka helpers accept: a full configuration, or a bare bootstrap address (PLAINTEXT)."""


def kafka_config(target: KafkaTarget) -> KafkaClientConfig:
    """``target`` as a configuration: a bare address is a PLAINTEXT client (tests, benchmarks, laptops)."""
    return target if isinstance(target, KafkaClientConfig) else KafkaClientConfig(bootstrap_servers=target)


KAFKA_ENV_PREFIX = "KINERJA_KAFKA_"


def kafka_from_env(bootstrap_servers: str, environ: dict[str, str] | None = None) -> KafkaClientConfig:
    """The command-line tools' client: ``bootstrap_servers`` with the security from ``KINERJA_KAFKA_*``
    (``KINERJA_KAFKA_SECURITY_PROTOCOL``, ``..._SASL_USERNAME``, ``..._SASL_PASSWORD``, ``..._SSL_CA_FILE``,
    ``..._SSL_CERT_FILE``, ``..._SSL_KEY_FILE``): the names a service reads without its service prefix."""
    env = os.environ if environ is None else environ
    fields = set(KafkaClientConfig.model_fields) - {"bootstrap_servers"}
    given = {f: env[KAFKA_ENV_PREFIX + f.upper()] for f in fields if env.get(KAFKA_ENV_PREFIX + f.upper())}
    return KafkaClientConfig.model_validate({"bootstrap_servers": bootstrap_servers, **given})


class DatabaseTlsError(RuntimeError):
    """PostgreSQL's certificate was refused (``sslmode=verify-ca``/``verify-full``): wrong CA or host name."""


def tls_refusal(dsn: str, error: ssl.SSLCertVerificationError) -> str:
    """Why a connection to ``dsn`` was refused, naming the host, the mode and the CA (never the password)."""
    parts = urlsplit(dsn)
    query = dict(parse_qsl(parts.query))
    where = f"{parts.hostname}:{parts.port or 5432}"
    ca = query.get("sslrootcert") or "~/.postgresql/root.crt"
    return (f"PostgreSQL TLS: the certificate of {where} was refused ({error.verify_message or error}); "
            f"sslmode={query.get('sslmode', '?')}, CA {ca}. Check database_ssl_root_cert (the CA that signed the "
            f"server's certificate) and that the host in database_url is a name on that certificate")


def postgres_dsn(url: str, *, ssl_mode: SslMode | None = None, ssl_root_cert: str | None = None) -> str:
    """``url`` with ``sslmode``/``sslrootcert`` set (asyncpg reads them like libpq): ``verify-full`` checks
    the server's certificate against the CA and its name against the host. The settings win over the URL (a
    URL from a secret with ``sslmode=require`` is raised to ``verify-full`` by the setting)."""
    if ssl_mode is None and ssl_root_cert is None:
        return url
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if ssl_mode is not None:
        query["sslmode"] = ssl_mode
    if ssl_root_cert is not None:
        query["sslrootcert"] = ssl_root_cert
    return urlunsplit(parts._replace(query=urlencode(query)))
