"""Errors shared by every service: a *kind* (what went wrong, mapped to an HTTP status at the edge), a
*code* and its *parameters* (which rule, rendered to text by the message catalog, ``kinerja_kernel.messages``)
and the ``field`` that caused it when there is one.

    raise InvalidInput("planning.rhk.target-not-positive", field="target", value=0)

The text a person reads is never written here or in a domain: ``message`` and ``message_en`` are rendered
from the catalog. ``details`` carries further problems of the same refusal (every blocker of a submission).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from kinerja_kernel import messages


@dataclass(frozen=True)
class Detail:
    """One further problem of a refusal: the field, a message code and its parameters."""

    field: str
    code: str
    params: Mapping[str, Any] = dc_field(default_factory=dict)

    @property
    def message(self) -> str:
        return messages.render(self.code, self.params, "id")

    @property
    def message_en(self) -> str:
        return messages.render(self.code, self.params, "en")


class KinerjaError(Exception):
    """Base of the project's expected errors."""

    kind = "error"

    def __init__(
        self, code: str, /, *, field: str | None = None, details: Iterable[Detail] = (), **params: Any,
    ) -> None:
        if not messages.CODE.match(code):
            raise ValueError(f"an error is raised with a message code, not a text: {code!r}")
        self.code = code
        self.params: dict[str, Any] = params
        self.field = field
        self.details: list[Detail] = list(details)
        super().__init__(self.message_en)

    @property
    def message(self) -> str:
        """The Indonesian text (from the catalog)."""
        return messages.render(self.code, self.params, "id")

    @property
    def message_en(self) -> str:
        """The English text (from the catalog): logs, dead-letter reasons, English users."""
        return messages.render(self.code, self.params, "en")


class DomainRuleViolation(KinerjaError):
    """A command breaks a business rule of an aggregate (state conflict)."""

    kind = "rule-violation"


class InvalidInput(KinerjaError):
    """A value is well-formed but not acceptable (e.g. an NIP with an impossible birth date)."""

    kind = "invalid-input"


class RejectedMessage(KinerjaError):
    """A consumer refuses a message that breaks the contract (e.g. an employee id that is not an NIP): the
    message goes to the dead-letter topic with this reason. Every expected error (``KinerjaError``, except a
    lost race) raised by a consumer's handler is treated so; any other exception is a bug and stops the
    consumer."""

    kind = "rejected-message"


class NotFound(KinerjaError):
    """The referenced thing does not exist (or is not visible to the caller)."""

    kind = "not-found"


class Forbidden(KinerjaError):
    """The caller's role or office scope does not allow this."""

    kind = "forbidden"


class Unauthenticated(KinerjaError):
    """No valid credentials."""

    kind = "unauthenticated"


class TooLarge(KinerjaError):
    """A value (a file, a batch) above its size limit."""

    kind = "payload-too-large"


class ConcurrencyError(KinerjaError):
    """An append lost a race: the stream is not at the expected version."""

    kind = "concurrency-conflict"

    def __init__(self, stream_id: str, expected_version: int, detail: str = "") -> None:
        super().__init__("kernel.concurrency.stale-version", field="expected_version", stream_id=stream_id,
                         expected_version=expected_version, detail=detail)
        self.stream_id = stream_id
        self.expected_version = expected_version
