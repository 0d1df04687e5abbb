"""HTTP routes of the evaluation service: thin — parse, call a use case, answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, ConfigDict, Field
from pydantic_core import PydanticUndefined

from kinerja_evaluation.application.service import Evaluation
from kinerja_evaluation.application.views import (
    AppraisalRef,
    AppraisalRow,
    AppraisalView,
    BoardRow,
    CalibrationView,
    HistoryRow,
    MyPeerInput,
    ObjectionRow,
    OfficeVersion,
    OfficeView,
    OrganisationPredicateView,
    PeerRequestRow,
    PeriodOpenedView,
    RaterCandidate,
)
from kinerja_evaluation.domain.appraisal import Ratings
from kinerja_kernel.contracts.evaluation import (
    ObjectionDecision,
    OfficeSettings,
    OrganisationPredicate,
    Rater,
    RaterRelation,
    Rating,
    RhkRating,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.http import CurrentPrincipal, RequestBody, VersionedBody
from kinerja_kernel.identity import Nip

router = APIRouter(prefix="/api/v1")


async def evaluation(request: Request) -> Evaluation:
    service: Evaluation = request.app.state.evaluation
    return service


Service = Annotated[Evaluation, Depends(evaluation)]
PeriodKey = Annotated[str, Query(min_length=4, max_length=8, description="2026, 2026-Q1 .. Q4, 2026-M01 .. M12")]


class SettingsBody(OfficeSettings):
    """Every setting, each required (422 naming each one missing): a PUT replaces the office's whole calendar
    and rules, so a rule that decides pay and objections is never reset to its default by being left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: str = Field(min_length=1, max_length=1000)


class SettingsChangeBody(OfficeSettings):
    """Only the settings sent change (each with its bounds; ``null`` is refused); the others stay as they are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: str = Field(min_length=1, max_length=1000)


# The settings' own types and bounds, without the regulation's defaults: required in a PUT, absent in a PATCH.
# The names documents print are optional in a PUT too; left out, they keep their current values.
NAMES = frozenset({"office_name", "unit_names"})
for _name, _setting in SettingsBody.model_fields.items():
    if _name not in NAMES:
        _setting.default = PydanticUndefined
    if _name != "reason":
        SettingsChangeBody.model_fields[_name].default = None
SettingsBody.model_rebuild(force=True)
SettingsChangeBody.model_rebuild(force=True)


class PeriodBody(RequestBody):
    period: str = Field(min_length=4, max_length=8, description="2026, 2026-Q1 .. 2026-Q4, 2026-M01 .. 2026-M12")


Comment = Annotated[str, Field(max_length=2000)]


class RhkRatingBody(RequestBody):
    rhk_id: uuid.UUID
    rating: Rating
    comment: Comment | None = None


class ValueRatingBody(RequestBody):
    value: BerAkhlak
    rating: Rating
    comment: Comment | None = None


class SelfAssessmentBody(VersionedBody):
    rhk_ratings: list[RhkRatingBody] = Field(max_length=50)
    value_ratings: list[ValueRatingBody] = Field(max_length=7)
    summary: Comment | None = None


class RaterBody(RequestBody):
    rater_id: Nip
    relation: RaterRelation


class RatersBody(RequestBody):
    raters: list[RaterBody] = Field(max_length=20)
    window_closes_at: AwareDatetime | None = Field(default=None, description="default: the rating deadline")


class PeerInputBody(RequestBody):
    scores: dict[BerAkhlak, Annotated[int, Field(ge=1, le=5)]]
    comments: dict[BerAkhlak, Annotated[str, Field(max_length=1000)]] = Field(default_factory=dict)


class RatingsBody(VersionedBody):
    rhk_ratings: list[RhkRatingBody] = Field(default_factory=list, max_length=50)
    value_ratings: list[ValueRatingBody] = Field(default_factory=list, max_length=7)
    results_rating: Rating | None = None
    behaviour_rating: Rating | None = None
    reason: str | None = Field(default=None, max_length=1000)


class FinaliseBody(VersionedBody):
    justification: str | None = Field(default=None, min_length=10, max_length=2000,
                                      description="required when the unit's distribution breaks the curve")


class ObjectionBody(RequestBody):
    reasons: str = Field(min_length=10, max_length=5000)


class ExplanationBody(RequestBody):
    text: str = Field(min_length=1, max_length=5000)


class DecisionBody(RequestBody):
    decision: ObjectionDecision
    reason: str = Field(min_length=1, max_length=2000)
    results_rating: Rating | None = None
    behaviour_rating: Rating | None = None


class OrganisationPredicateBody(RequestBody):
    predicate: OrganisationPredicate
    reason: str = Field(min_length=1, max_length=1000)
    instructed_by: Nip | None = Field(default=None, description="the leader who instructed HR")


class CalibrationBody(RequestBody):
    results_rating: Rating | None = None
    behaviour_rating: Rating | None = None
    reason: str = Field(min_length=1, max_length=1000)


def _rhks(items: list[RhkRatingBody]) -> list[RhkRating]:
    return [RhkRating(**i.model_dump()) for i in items]


def _values(items: list[ValueRatingBody]) -> list[ValueRating]:
    return [ValueRating(**i.model_dump()) for i in items]


# -- office -----------------------------------------------------------------------------------------
@router.put("/offices/{office_id}/settings", tags=["Kantor"])
async def configure_office(office_id: str, body: SettingsBody, by: CurrentPrincipal, svc: Service
                           ) -> OfficeVersion:
    """Office settings and period calendar (HR administrator), every one of them (422 naming each one missing;
    PATCH changes some); every change is an event with a reason, the same settings again record nothing."""
    kept = NAMES - body.model_fields_set
    if kept:  # the names not sent stay as they are
        changes = body.model_dump(exclude={"reason", *kept})
        return await svc.commands.amend_office(office_id, changes, body.reason, by)
    settings = OfficeSettings(**body.model_dump(exclude={"reason"}))
    return await svc.commands.configure_office(office_id, settings, body.reason, by)


@router.patch("/offices/{office_id}/settings", tags=["Kantor"])
async def change_office_settings(office_id: str, body: SettingsChangeBody, by: CurrentPrincipal, svc: Service
                                 ) -> OfficeVersion:
    """Change only the settings sent (HR administrator); the others keep their current values."""
    changes = body.model_dump(exclude_unset=True, exclude={"reason"})
    return await svc.commands.amend_office(office_id, changes, body.reason, by)


@router.get("/offices/{office_id}", tags=["Kantor"])
async def office(office_id: str, by: CurrentPrincipal, svc: Service) -> OfficeView:
    """The office's settings and the periods it opened."""
    return await svc.queries.office(office_id, by)


@router.post("/offices/{office_id}/periods", status_code=201, tags=["Kantor"])
async def open_period(office_id: str, body: PeriodBody, by: CurrentPrincipal, svc: Service
                      ) -> PeriodOpenedView:
    """Open an evaluation period: an appraisal for each employee with an approved SKP of its year."""
    return await svc.commands.open_period(office_id, body.period, by)


@router.put("/offices/{office_id}/units/{unit_id}/periods/{period_key}/organisation-predicate", tags=["Kalibrasi"])
async def set_organisation_predicate(office_id: str, unit_id: str, period_key: str, body: OrganisationPredicateBody,
                                     by: CurrentPrincipal, svc: Service) -> OrganisationPredicateView:
    """The unit's organisation predicate (the leader of the unit above, or HR on their instruction); a unit
    head's results rating follows it."""
    return await svc.commands.set_organisation_predicate(office_id, unit_id, period_key, body.predicate,
                                                         body.reason, body.instructed_by, by)


@router.get("/offices/{office_id}/units/{unit_id}/calibration", tags=["Kalibrasi"])
async def calibration(office_id: str, unit_id: str, period: PeriodKey, by: CurrentPrincipal,
                      svc: Service) -> CalibrationView:
    """The unit's predicates against the curve's bounds (each with its share), counts and the arithmetic."""
    return await svc.queries.calibration(office_id, unit_id, period, by)


# -- appraisals -------------------------------------------------------------------------------------
@router.get("/me/appraisals", tags=["Penilaian"])
async def my_appraisals(by: CurrentPrincipal, svc: Service) -> list[AppraisalRow]:
    """The caller's own appraisals, newest period first."""
    return await svc.queries.my_appraisals(by)


@router.get("/appraisals/{appraisal_id}", tags=["Penilaian"])
async def get_appraisal(appraisal_id: uuid.UUID, by: CurrentPrincipal, svc: Service) -> AppraisalView:
    """The appraisal as the caller may see it (360 only as aggregates, from the office's threshold)."""
    return await svc.queries.view(appraisal_id, by)


@router.put("/appraisals/{appraisal_id}/self-assessment", tags=["Penilaian"])
async def self_assess(appraisal_id: uuid.UUID, body: SelfAssessmentBody, by: CurrentPrincipal,
                      svc: Service) -> AppraisalRef:
    return await svc.commands.self_assess(appraisal_id, _rhks(body.rhk_ratings), _values(body.value_ratings),
                                            body.summary, body.expected_version, by)


@router.put("/appraisals/{appraisal_id}/raters", tags=["360"])
async def assign_raters(appraisal_id: uuid.UUID, body: RatersBody, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    raters = [Rater(rater_id=r.rater_id, relation=r.relation) for r in body.raters]
    return await svc.commands.assign_raters(appraisal_id, raters, body.window_closes_at, by)


@router.get("/me/peer-requests", tags=["360"])
async def peer_requests(by: CurrentPrincipal, svc: Service) -> list[PeerRequestRow]:
    """The 360 inputs the caller is asked for."""
    return await svc.queries.peer_requests(by)


@router.put("/appraisals/{appraisal_id}/peer-input", tags=["360"])
async def peer_input(appraisal_id: uuid.UUID, body: PeerInputBody, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    return await svc.commands.submit_peer_input(appraisal_id, body.scores, body.comments, by)


@router.get("/appraisals/{appraisal_id}/peer-input", tags=["360"])
async def my_peer_input(appraisal_id: uuid.UUID, by: CurrentPrincipal, svc: Service) -> MyPeerInput:
    """The caller's own 360 request on this appraisal and their answer once sent (to revise it)."""
    return await svc.queries.my_peer_input(appraisal_id, by)


@router.post("/appraisals/{appraisal_id}/peer-window/close", tags=["360"])
async def close_peer_window(appraisal_id: uuid.UUID, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    """Close the 360 window before its deadline (the evaluator or HR); refused when nobody is assigned or it
    is closed already."""
    return await svc.commands.close_peer_window(appraisal_id, by)


@router.get("/appraisals/{appraisal_id}/rater-candidates", tags=["360"])
async def rater_candidates(appraisal_id: uuid.UUID, by: CurrentPrincipal, svc: Service) -> list[RaterCandidate]:
    """Who may rate this employee per the roster: peers (same evaluator) and subordinates, with names."""
    return await svc.queries.rater_candidates(appraisal_id, by)


@router.put("/appraisals/{appraisal_id}/ratings", tags=["Penilaian"])
async def rate(appraisal_id: uuid.UUID, body: RatingsBody, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    """The evaluator's ratings (any part; each change is an event with the previous value)."""
    ratings = Ratings(rhks=_rhks(body.rhk_ratings), values=_values(body.value_ratings), results=body.results_rating,
                      behaviour=body.behaviour_rating)
    return await svc.commands.rate(appraisal_id, ratings, body.reason, body.expected_version, by)


@router.post("/appraisals/{appraisal_id}/calibration", tags=["Kalibrasi"])
async def calibrate(appraisal_id: uuid.UUID, body: CalibrationBody, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    return await svc.commands.calibrate(appraisal_id, body.results_rating, body.behaviour_rating, body.reason, by)


@router.post("/appraisals/{appraisal_id}/finalise", tags=["Penilaian"])
async def finalise(appraisal_id: uuid.UUID, body: FinaliseBody, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    return await svc.commands.finalise(appraisal_id, body.justification, body.expected_version, by)


@router.post("/appraisals/{appraisal_id}/acknowledge", tags=["Penilaian"])
async def acknowledge(appraisal_id: uuid.UUID, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    return await svc.commands.acknowledge(appraisal_id, by)


@router.post("/appraisals/{appraisal_id}/objection", status_code=201, tags=["Keberatan"])
async def file_objection(appraisal_id: uuid.UUID, body: ObjectionBody, by: CurrentPrincipal,
                         svc: Service) -> AppraisalRef:
    return await svc.commands.file_objection(appraisal_id, body.reasons, by)


@router.post("/appraisals/{appraisal_id}/objection/explanations", tags=["Keberatan"])
async def explain(appraisal_id: uuid.UUID, body: ExplanationBody, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    return await svc.commands.explain(appraisal_id, body.text, by)


@router.post("/appraisals/{appraisal_id}/objection/decision", tags=["Keberatan"])
async def decide(appraisal_id: uuid.UUID, body: DecisionBody, by: CurrentPrincipal, svc: Service) -> AppraisalRef:
    return await svc.commands.decide_objection(appraisal_id, body.decision, body.reason, body.results_rating,
                                                 body.behaviour_rating, by)


# -- read models ------------------------------------------------------------------------------------
@router.get("/me/objections", tags=["Keberatan"])
async def my_objections(by: CurrentPrincipal, svc: Service) -> list[ObjectionRow]:
    """Objections the caller decides (``my_role`` atasan_penilai) or explains (pejabat_penilai); pending first."""
    return await svc.queries.my_objections(by)


@router.get("/team/appraisals", tags=["Read models"])
async def team(period: PeriodKey, by: CurrentPrincipal, svc: Service) -> list[BoardRow]:
    """The evaluator's team board: each appraisal and what it is waiting on."""
    return await svc.queries.team(period, by)


@router.get("/employees/{employee_id}/rating-history", tags=["Read models"])
async def rating_history(employee_id: Nip, by: CurrentPrincipal, svc: Service) -> list[HistoryRow]:
    """Every published result of the employee; a correction names the result it replaces."""
    return await svc.queries.history(employee_id, by)
