"""The consumer of other services' events: keep what evaluation needs to know of planning (opening the
appraisals of already-open periods when an SKP is approved) and the continuous feedback given."""

from __future__ import annotations

from typing import Any

import asyncpg

from kinerja_evaluation.adapters import feedback_context
from kinerja_evaluation.adapters import planning_facts as facts
from kinerja_evaluation.application.commands import AppraisalCommands
from kinerja_kernel.contracts.planning import PlanApproved
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.inbox import Handler


def consumer_handlers(commands: AppraisalCommands) -> dict[str, Handler]:
    handlers: dict[str, Handler] = dict(facts.HANDLERS)
    record_approval = handlers[PlanApproved.event_type]

    async def on_approved(conn: asyncpg.Connection, envelope: EventEnvelope, event: Any) -> None:
        await record_approval(conn, envelope, event)
        await commands.open_for_approved_plan(conn, event.plan_id)

    handlers[PlanApproved.event_type] = on_approved
    return {**handlers, **feedback_context.HANDLERS}
