"""HTTP routes of continuous feedback, office feedback settings, and clarification threads."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from kinerja_feedback.adapters.views import ClarificationView, FeedbackView
from kinerja_feedback.application.feedback import GiveFeedback
from kinerja_feedback.entrypoints.http import App
from kinerja_kernel.contracts.feedback import (
    ClarificationTopic,
    FeedbackEvidence,
    FeedbackKind,
    FeedbackOfficeSettings,
    RatingAspect,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.http import CurrentPrincipal, RequestBody
from kinerja_kernel.identity import Nip

router = APIRouter(prefix="/api/v1")
Period = Annotated[str | None, Query(max_length=8, description="periode: 2026, 2026-Q2 atau 2026-M03")]




class EvidenceBody(RequestBody):
    uri: str = Field(min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=500)


class FeedbackBody(RequestBody):
    employee_id: Nip
    kind: FeedbackKind
    rhk_id: uuid.UUID | None = None
    iki_id: uuid.UUID | None = None
    value: BerAkhlak | None = None
    text: str = Field(min_length=1, max_length=4000)
    evidence: list[EvidenceBody] = Field(default_factory=list, max_length=10)


class ResponseBody(RequestBody):
    response: str = Field(min_length=1, max_length=4000)


class Created(BaseModel):
    id: uuid.UUID
    version: int


class Versioned(BaseModel):
    version: int


class SettingsBody(RequestBody):
    """Every feedback setting, each required: a PUT never resets one to its default by leaving it out."""

    peer_feedback_allowed: bool
    dialogues_per_period: int = Field(ge=0, le=12)
    reason: str = Field(min_length=1, max_length=500)


class TopicBody(RequestBody):
    rhk_id: uuid.UUID | None = None
    value: BerAkhlak | None = None
    aspect: RatingAspect | None = None


class ClarificationBody(RequestBody):
    appraisal_id: uuid.UUID
    topic: TopicBody
    question: str = Field(min_length=1, max_length=4000)


class MessageBody(RequestBody):
    text: str = Field(min_length=1, max_length=4000)


# -- feedback ---------------------------------------------------------------------------------------
@router.post("/feedback", status_code=status.HTTP_201_CREATED, response_model=Created, tags=["Umpan balik"])
async def give_feedback(body: FeedbackBody, by: CurrentPrincipal, svc: App) -> Created:
    """Give feedback to a subordinate (or a peer, where the office allows it), about an RHK/IKI or a
    BerAKHLAK value."""
    feedback_id, version = await svc.feedback.give(GiveFeedback(
        employee_id=body.employee_id, kind=body.kind, text=body.text, rhk_id=body.rhk_id, iki_id=body.iki_id,
        value=body.value, evidence=tuple(FeedbackEvidence(**e.model_dump()) for e in body.evidence)), by)
    return Created(id=feedback_id, version=version)


@router.post("/feedback/{feedback_id}/response", response_model=Versioned, tags=["Umpan balik"])
async def respond_to_feedback(feedback_id: uuid.UUID, body: ResponseBody, by: CurrentPrincipal,
                              svc: App) -> Versioned:
    return Versioned(version=await svc.feedback.respond(feedback_id, body.response, by))


@router.get("/feedback/{feedback_id}", response_model=FeedbackView, tags=["Umpan balik"])
async def get_feedback(feedback_id: uuid.UUID, by: CurrentPrincipal, svc: App) -> FeedbackView:
    """One piece of feedback with the employee's response (where notifications link)."""
    return await svc.feedback.get(feedback_id, by)


@router.get("/employees/{employee_id}/feedback", response_model=list[FeedbackView], tags=["Umpan balik"])
async def employee_feedback(employee_id: Nip, by: CurrentPrincipal, svc: App,
                            period: Period = None) -> list[FeedbackView]:
    """An employee's feedback in a period (context for the appraisal)."""
    return await svc.feedback.of_employee(employee_id, period, by)


@router.get("/me/feedback/given", response_model=list[FeedbackView], tags=["Umpan balik"])
async def feedback_given(by: CurrentPrincipal, svc: App, period: Period = None) -> list[FeedbackView]:
    return await svc.feedback.given_by_me(period, by)


@router.get("/offices/{office_id}/feedback-settings", response_model=FeedbackOfficeSettings, tags=["Umpan balik"])
async def get_settings(office_id: str, by: CurrentPrincipal, svc: App) -> FeedbackOfficeSettings:
    return await svc.feedback.office_settings(office_id, by)


@router.put("/offices/{office_id}/feedback-settings", response_model=Versioned, tags=["Umpan balik"])
async def put_settings(office_id: str, body: SettingsBody, by: CurrentPrincipal, svc: App) -> Versioned:
    """HR: whether peers may give feedback, and how many dialogues each period expects."""
    settings = FeedbackOfficeSettings(peer_feedback_allowed=body.peer_feedback_allowed,
                                      dialogues_per_period=body.dialogues_per_period)
    return Versioned(version=await svc.feedback.change_settings(office_id, settings, body.reason, by))


# -- clarifications ---------------------------------------------------------------------------------
@router.post("/clarifications", status_code=status.HTTP_201_CREATED, response_model=Created, tags=["Klarifikasi"])
async def ask_clarification(body: ClarificationBody, by: CurrentPrincipal, svc: App) -> Created:
    """The appraised employee asks about one rating point before the result is final."""
    clarification_id, version = await svc.clarifications.ask(
        body.appraisal_id, ClarificationTopic(**body.topic.model_dump()), body.question, by)
    return Created(id=clarification_id, version=version)


@router.post("/clarifications/{clarification_id}/messages", response_model=Versioned, tags=["Klarifikasi"])
async def reply_clarification(clarification_id: uuid.UUID, body: MessageBody, by: CurrentPrincipal,
                              svc: App) -> Versioned:
    """The evaluator answers, or the employee follows up."""
    return Versioned(version=await svc.clarifications.reply(clarification_id, body.text, by))


@router.get("/clarifications/{clarification_id}", response_model=ClarificationView, tags=["Klarifikasi"])
async def get_clarification(clarification_id: uuid.UUID, by: CurrentPrincipal, svc: App) -> ClarificationView:
    return await svc.clarifications.get(clarification_id, by)


@router.get("/appraisals/{appraisal_id}/clarifications", response_model=list[ClarificationView],
            tags=["Klarifikasi"])
async def appraisal_clarifications(appraisal_id: uuid.UUID, by: CurrentPrincipal, svc: App) -> list[ClarificationView]:
    return await svc.clarifications.of_appraisal(appraisal_id, by)
