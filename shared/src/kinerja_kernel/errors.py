"""Errors shared by every service, mapped to HTTP problems at the edge.

Each error carries an Indonesian message for people (``message``) and an English one for logs
(``message_en``); ``field`` names the input that caused it when there is one.
"""

from __future__ import annotations


class KinerjaError(Exception):
    """Base of the project's expected errors."""

    status = 400
    code = "error"

    def __init__(
        self, message: str, *, message_en: str | None = None, field: str | None = None,
        details: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message_en or message)
        self.message = message
        self.message_en = message_en or message
        self.field = field
        self.details = details or []  # further (field, Indonesian message) pairs, e.g. every blocker


class DomainRuleViolation(KinerjaError):
    """A command breaks a business rule of an aggregate (state conflict)."""

    status = 409
    code = "rule-violation"


class InvalidInput(KinerjaError):
    """A value is well-formed but not acceptable (e.g. an NIP with an impossible birth date)."""

    status = 422
    code = "invalid-input"


class RejectedMessage(KinerjaError):
    """A consumer refuses a message that breaks the contract (e.g. an employee id that is not an NIP): the
    message goes to the dead-letter topic with this reason. Every expected error (``KinerjaError``, except a
    lost race) raised by a consumer's handler is treated so; any other exception is a bug and stops the
    consumer."""

    status = 422
    code = "rejected-message"


class NotFound(KinerjaError):
    """The referenced thing does not exist (or is not visible to the caller)."""

    status = 404
    code = "not-found"


class Forbidden(KinerjaError):
    """The caller's role or office scope does not allow this."""

    status = 403
    code = "forbidden"


class Unauthenticated(KinerjaError):
    """No valid credentials."""

    status = 401
    code = "unauthenticated"


class ConcurrencyError(KinerjaError):
    """An append lost a race: the stream is not at the expected version."""

    status = 409
    code = "concurrency-conflict"

    def __init__(self, stream_id: str, expected_version: int, detail: str = "") -> None:
        super().__init__(
            f"Data telah diubah oleh orang lain (versi {expected_version} sudah tidak terbaru). "
            "Muat ulang lalu coba lagi.",
            message_en=f"stream {stream_id} is not at expected version {expected_version}"
            + (f": {detail}" if detail else ""),
            field="expected_version",
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
