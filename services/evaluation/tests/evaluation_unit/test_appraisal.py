"""The appraisal aggregate: who may do what, when, and what each step records."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from kinerja_evaluation.domain.appraisal import Appraisal, Ratings, Status
from kinerja_evaluation.domain.peers import summarise
from kinerja_evaluation.domain.rules import check_curve
from kinerja_kernel.contracts.evaluation import (
    AppraisalCorrected,
    AppraisalFinalised,
    BehaviourRatingSet,
    CurveEnforcement,
    CurveOverrideJustified,
    ObjectionDecision,
    OrganisationPredicate,
    PeerWindowClosed,
    Predicate,
    PredicateDetermined,
    Rater,
    RaterRelation,
    Rating,
    RatingSource,
    ResultsRatingSet,
    RhkRated,
    RhkRating,
    TimeZone,
)
from kinerja_kernel.contracts.planning import BerAkhlak, PositionType
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput

from .builders import (
    EMPLOYEE,
    EVALUATOR,
    NOW,
    PEER,
    PEER_2,
    PEER_3,
    RHK_1,
    RHK_2,
    SUPERIOR,
    all_values,
    full_ratings,
    opened,
    scores,
)

PEERS = {PEER: frozenset({RaterRelation.PEER}), PEER_2: frozenset({RaterRelation.PEER}),
         PEER_3: frozenset({RaterRelation.SUBORDINATE})}
WINDOW = NOW + timedelta(days=10)


def finalised(appraisal: Appraisal | None = None, *, ratings: Ratings | None = None) -> Appraisal:
    appraisal = appraisal or opened()
    appraisal.rate(actor_id=EVALUATOR, ratings=ratings or full_ratings(), reason=None)
    appraisal.finalise(actor_id=EVALUATOR, curve=None, enforcement=CurveEnforcement.WARN, justification=None,
                       now=NOW, time_zone=TimeZone.WITA, objection_window_days=14)
    appraisal.pending.clear()
    return appraisal


def test_self_assessment_must_cover_every_rhk_and_value_and_a_revision_keeps_the_previous() -> None:
    appraisal = opened()
    with pytest.raises(Forbidden):
        appraisal.self_assess(actor_id=EVALUATOR, rhk_ratings=[], value_ratings=[], summary=None)
    with pytest.raises(InvalidInput) as missing:
        appraisal.self_assess(actor_id=EMPLOYEE, rhk_ratings=[RhkRating(rhk_id=RHK_1, rating=Rating.SESUAI)],
                              value_ratings=all_values(Rating.SESUAI), summary=None)
    assert missing.value.message == "RHK 'Laporan bulanan' belum dinilai"
    rhks = [RhkRating(rhk_id=RHK_1, rating=Rating.SESUAI), RhkRating(rhk_id=RHK_2, rating=Rating.DI_ATAS)]
    appraisal.self_assess(actor_id=EMPLOYEE, rhk_ratings=rhks, value_ratings=all_values(Rating.SESUAI), summary="ok")
    appraisal.self_assess(actor_id=EMPLOYEE, rhk_ratings=rhks, value_ratings=all_values(Rating.DI_ATAS), summary="ok")
    first, revision = appraisal.pending
    assert first.previous_value_ratings is None  # type: ignore[attr-defined]
    assert revision.previous_value_ratings == tuple(all_values(Rating.SESUAI))  # type: ignore[attr-defined]


def test_raters_are_never_the_employee_and_must_really_be_peers_or_subordinates() -> None:
    appraisal = opened()
    with pytest.raises(InvalidInput) as self_rating:
        appraisal.assign_raters(assigned_by=EVALUATOR, raters=[Rater(rater_id=EMPLOYEE, relation=RaterRelation.PEER)],
                                window_closes_at=WINDOW, now=NOW, relations=PEERS)
    assert (self_rating.value.field, self_rating.value.message) == (
        "raters.0.rater_id", "Pegawai tidak dapat menilai dirinya sendiri")
    with pytest.raises(InvalidInput) as wrong:
        appraisal.assign_raters(assigned_by=EVALUATOR, raters=[Rater(rater_id=PEER, relation=RaterRelation.PEER),
                                                               Rater(rater_id=PEER_3, relation=RaterRelation.PEER)],
                                window_closes_at=WINDOW, now=NOW, relations=PEERS)
    assert wrong.value.field == "raters.1.relation"
    assert appraisal.pending == []


def test_one_submission_per_rater_revisable_until_the_window_closes() -> None:
    appraisal = opened()
    appraisal.assign_raters(assigned_by=EVALUATOR, raters=[Rater(rater_id=PEER, relation=RaterRelation.PEER)],
                            window_closes_at=WINDOW, now=NOW, relations=PEERS)
    with pytest.raises(Forbidden):
        appraisal.submit_peer_input(rater_id=PEER_2, scores=scores(), comments={}, now=NOW)
    appraisal.submit_peer_input(rater_id=PEER, scores=scores(4), comments={}, now=NOW)
    appraisal.submit_peer_input(rater_id=PEER, scores=scores(5), comments={}, now=NOW)
    assert len(appraisal.peer_inputs) == 1
    assert appraisal.pending[-1].previous_scores == scores(4)  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput):
        appraisal.submit_peer_input(rater_id=PEER, scores={**scores(), BerAkhlak.LOYAL: 6}, comments={}, now=NOW)
    with pytest.raises(DomainRuleViolation):
        appraisal.submit_peer_input(rater_id=PEER, scores=scores(3), comments={}, now=WINDOW + timedelta(seconds=1))
    with pytest.raises(DomainRuleViolation):  # a rater who answered cannot be dropped
        appraisal.assign_raters(assigned_by=EVALUATOR, raters=[], window_closes_at=WINDOW, now=NOW, relations=PEERS)
    assert dict(appraisal.peer_inputs[PEER].scores) == scores(5)


def test_the_employee_sees_360_only_from_the_threshold_and_never_comments() -> None:
    appraisal = opened()
    appraisal.assign_raters(assigned_by=EVALUATOR, raters=[Rater(rater_id=r, relation=next(iter(PEERS[r])))
                                                           for r in PEERS], window_closes_at=WINDOW, now=NOW,
                            relations=PEERS)
    appraisal.submit_peer_input(rater_id=PEER, scores=scores(5), comments={BerAkhlak.HARMONIS: "Ramah"}, now=NOW)
    appraisal.submit_peer_input(rater_id=PEER_2, scores=scores(4), comments={}, now=NOW)
    below = summarise(appraisal.peer_inputs, assigned=3, threshold=3, with_comments=False)
    assert (below.visible, below.averages, below.answered) == (False, {}, 2)
    appraisal.submit_peer_input(rater_id=PEER_3, scores=scores(4), comments={BerAkhlak.HARMONIS: "Sabar"}, now=NOW)
    employee = summarise(appraisal.peer_inputs, assigned=3, threshold=3, with_comments=False)
    evaluator = summarise(appraisal.peer_inputs, assigned=3, threshold=3, with_comments=True)
    assert str(employee.averages[BerAkhlak.HARMONIS]) == "4.33"
    assert employee.comments == {}
    assert evaluator.comments == {BerAkhlak.HARMONIS: ["Ramah", "Sabar"]}


def test_only_the_evaluator_rates_and_every_change_names_the_previous_value() -> None:
    appraisal = opened()
    with pytest.raises(Forbidden):
        appraisal.rate(actor_id=PEER, ratings=full_ratings(), reason=None)
    appraisal.rate(actor_id=EVALUATOR, ratings=full_ratings(), reason=None)
    assert appraisal.predicate is Predicate.BAIK
    appraisal.pending.clear()
    appraisal.rate(actor_id=EVALUATOR, ratings=Ratings(rhks=[RhkRating(rhk_id=RHK_1, rating=Rating.DI_ATAS)],
                                                       results=Rating.DI_ATAS, behaviour=Rating.DI_ATAS),
                   reason="Bukti dukung baru")
    rated, results, behaviour, determined = appraisal.pending
    assert isinstance(rated, RhkRated) and (rated.previous, rated.rating) == (Rating.SESUAI, Rating.DI_ATAS)
    assert isinstance(results, ResultsRatingSet) and results.previous is Rating.SESUAI
    assert isinstance(behaviour, BehaviourRatingSet) and behaviour.reason == "Bukti dukung baru"
    assert isinstance(determined, PredicateDetermined)
    assert (determined.previous, determined.predicate) == (Predicate.BAIK, Predicate.SANGAT_BAIK)


def test_a_unit_heads_results_rating_comes_from_the_organisation_predicate() -> None:
    head = opened(position_type=PositionType.KEPALA_UNIT)
    with pytest.raises(DomainRuleViolation) as refused:
        head.rate(actor_id=EVALUATOR, ratings=full_ratings(), reason=None)
    assert refused.value.field == "results_rating"
    head.rate(actor_id=EVALUATOR, ratings=full_ratings(results=None, behaviour=Rating.DI_ATAS), reason=None)
    assert head.missing_ratings()[0].field == "results_rating"
    head.apply_organisation_predicate(OrganisationPredicate.ISTIMEWA, reason="Capaian unit")
    assert head.results_rating is Rating.DI_ATAS
    assert head.results_source is RatingSource.ORGANISATION
    assert head.predicate is Predicate.SANGAT_BAIK


def test_finalising_needs_every_rating() -> None:
    appraisal = opened()
    appraisal.rate(actor_id=EVALUATOR, ratings=Ratings(rhks=[RhkRating(rhk_id=RHK_1, rating=Rating.SESUAI)]),
                   reason=None)
    with pytest.raises(DomainRuleViolation) as missing:
        appraisal.finalise(actor_id=EVALUATOR, curve=None, enforcement=CurveEnforcement.WARN, justification=None,
                           now=NOW, time_zone=TimeZone.WIB, objection_window_days=14)
    assert missing.value.field == f"rhk_ratings.{RHK_2}"
    assert len(missing.value.details) == 9  # 7 values, results and behaviour
    assert appraisal.status is Status.OPEN


def test_the_curve_warns_and_needs_a_justification_or_blocks() -> None:
    curve = check_curve(OrganisationPredicate.BAIK, [Predicate.BAIK] * 4)  # nobody in BP/Kurang, 4 Baik of 4
    assert len(curve.violations) == 2
    blocked = opened()
    blocked.rate(actor_id=EVALUATOR, ratings=full_ratings(), reason=None)
    with pytest.raises(DomainRuleViolation) as block:
        blocked.finalise(actor_id=EVALUATOR, curve=curve, enforcement=CurveEnforcement.BLOCK, justification="x",
                         now=NOW, time_zone=TimeZone.WIB, objection_window_days=14)
    assert block.value.field == "curve"
    with pytest.raises(DomainRuleViolation) as warn:
        blocked.finalise(actor_id=EVALUATOR, curve=curve, enforcement=CurveEnforcement.WARN, justification=None,
                         now=NOW, time_zone=TimeZone.WIB, objection_window_days=14)
    assert warn.value.field == "justification"
    assert "Baik paling banyak 70%: 4 pegawai, batas 2" in warn.value.message
    blocked.pending.clear()
    blocked.finalise(actor_id=EVALUATOR, curve=curve, enforcement=CurveEnforcement.WARN,
                     justification="Seluruh anggota tim mencapai target", now=NOW, time_zone=TimeZone.WIB,
                     objection_window_days=14)
    override, closed, final = blocked.pending
    assert isinstance(override, CurveOverrideJustified) and override.violations == curve.violations
    assert isinstance(closed, PeerWindowClosed)
    assert isinstance(final, AppraisalFinalised) and final.result.predicate is Predicate.BAIK


def test_the_objection_window_is_counted_in_the_office_time_zone() -> None:
    appraisal = finalised()  # NOW is 2026-04-03 11:00 WITA; 14 days -> until 2026-04-17 23:59:59 WITA
    assert appraisal.objection_deadline is not None
    assert appraisal.objection_deadline.isoformat() == "2026-04-17T23:59:59+08:00"
    late = appraisal.objection_deadline + timedelta(seconds=1)
    with pytest.raises(DomainRuleViolation) as closed:
        appraisal.object(actor_id=EMPLOYEE, reasons="Tidak sesuai", now=late)
    assert "17 April 2026 23.59 WITA" in closed.value.message
    with pytest.raises(Forbidden):
        appraisal.object(actor_id=EVALUATOR, reasons="x", now=NOW)
    assert appraisal.objection is None


def test_an_objection_is_decided_once_by_the_superior_and_a_change_is_a_correction() -> None:
    appraisal = finalised()
    appraisal.object(actor_id=EMPLOYEE, reasons="Bukti dukung belum dipertimbangkan", now=NOW)
    with pytest.raises(DomainRuleViolation):
        appraisal.object(actor_id=EMPLOYEE, reasons="lagi", now=NOW)
    appraisal.explain(actor_id=EVALUATOR, text="Bukti masuk setelah batas waktu")
    replaced = uuid.uuid4()
    with pytest.raises(Forbidden):
        appraisal.decide_objection(actor_id=EVALUATOR, decision=ObjectionDecision.CHANGED, reason="x",
                                   results=Rating.DI_ATAS, behaviour=None, replaces_event_id=replaced)
    with pytest.raises(InvalidInput):
        appraisal.decide_objection(actor_id=SUPERIOR, decision=ObjectionDecision.CHANGED, reason="x",
                                   results=Rating.SESUAI, behaviour=None, replaces_event_id=replaced)
    appraisal.pending.clear()
    appraisal.decide_objection(actor_id=SUPERIOR, decision=ObjectionDecision.CHANGED, reason="Bukti sah",
                               results=Rating.DI_ATAS, behaviour=Rating.DI_ATAS, replaces_event_id=replaced)
    correction = appraisal.pending[-1]
    assert isinstance(correction, AppraisalCorrected)
    assert correction.replaces_event_id == replaced
    assert (correction.previous.predicate, correction.result.predicate) == (Predicate.BAIK, Predicate.SANGAT_BAIK)
    assert appraisal.status is Status.DECIDED
    with pytest.raises(DomainRuleViolation):  # the decision is final: no second objection
        appraisal.object(actor_id=EMPLOYEE, reasons="lagi", now=NOW)
    with pytest.raises(DomainRuleViolation):
        appraisal.decide_objection(actor_id=SUPERIOR, decision=ObjectionDecision.UPHELD, reason="x", results=None,
                                   behaviour=None, replaces_event_id=replaced)


def test_nothing_changes_after_finalisation() -> None:
    appraisal = finalised()
    with pytest.raises(DomainRuleViolation):
        appraisal.rate(actor_id=EVALUATOR, ratings=full_ratings(results=Rating.DI_ATAS), reason=None)
    with pytest.raises(DomainRuleViolation):
        appraisal.calibrate(results=Rating.DI_BAWAH, behaviour=None, reason="x")
    appraisal.acknowledge(actor_id=EMPLOYEE)
    with pytest.raises(DomainRuleViolation):
        appraisal.acknowledge(actor_id=EMPLOYEE)
    assert appraisal.results_rating is Rating.SESUAI


def test_replay_gives_the_same_state() -> None:
    live = opened(keep_events=True)
    live.rate(actor_id=EVALUATOR, ratings=full_ratings(), reason=None)
    live.calibrate(results=Rating.DI_BAWAH, behaviour=None, reason="Rapat kalibrasi")
    replayed = Appraisal.replay(live.pending)
    assert (replayed.predicate, replayed.results_rating, replayed.results_source) == (
        Predicate.BUTUH_PERBAIKAN, Rating.DI_BAWAH, RatingSource.CALIBRATION)
    assert {k: v for k, v in vars(replayed).items() if k != "pending"} == {
        k: v for k, v in vars(live).items() if k != "pending"}


def test_replay_of_a_unit_head_keeps_the_organisation_predicate() -> None:
    head = opened(position_type=PositionType.KEPALA_UNIT, keep_events=True)
    head.apply_organisation_predicate(OrganisationPredicate.KURANG, reason="Capaian unit")
    head.apply_organisation_predicate(OrganisationPredicate.SANGAT_KURANG, reason="Koreksi capaian")
    assert head.results_rating is Rating.DI_BAWAH
    replayed = Appraisal.replay(head.pending)
    assert replayed.organisation_predicate is OrganisationPredicate.SANGAT_KURANG
    assert {k: v for k, v in vars(replayed).items() if k != "pending"} == {
        k: v for k, v in vars(head).items() if k != "pending"}

