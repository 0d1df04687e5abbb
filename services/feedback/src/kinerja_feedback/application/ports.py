"""What the feedback use cases need besides their event streams: the roster and office calendar the service
keeps from other services' events (``Directory``), and the notification inbox (``Notifier``).

In the service, ``Directory`` is the module ``kinerja_feedback.adapters.directory`` (PostgreSQL read models,
``conn`` an ``asyncpg.Connection``) and ``Notifier`` the ``NotificationService``; application tests pass
in-memory ones (``tests/feedback_application/fakes.py``). ``conn`` is the event store's transaction handle,
so what a use case writes through either joins the same transaction as its events.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from kinerja_feedback.domain.notifications import NotificationDraft, Settled
from kinerja_feedback.domain.reach import Person
from kinerja_kernel.contracts.evaluation import OfficeSettings, TimeZone
from kinerja_kernel.contracts.feedback import FeedbackOfficeSettings
from kinerja_kernel.envelope import Actor


class Directory(Protocol):
    async def person(self, conn: Any, employee_id: str, /) -> Person | None: ...

    async def names(self, conn: Any, employee_ids: list[str], /) -> dict[str, str]: ...

    async def calendar(self, conn: Any, office_id: str, /) -> OfficeSettings: ...

    async def zone_of(self, conn: Any, office_id: str, /) -> TimeZone: ...

    async def feedback_settings(self, conn: Any, office_id: str, /) -> FeedbackOfficeSettings: ...

    async def appraisal(self, conn: Any, appraisal_id: uuid.UUID, /) -> dict[str, object] | None: ...


class Notifier(Protocol):
    async def issue(self, conn: Any, drafts: Sequence[NotificationDraft], *, source_event_id: uuid.UUID,
                    source_event_type: str) -> list[uuid.UUID]: ...

    async def settle(self, conn: Any, settled: Sequence[Settled], *, actor: Actor) -> int: ...
