"""Notifications: which event tells whom what (in Indonesian), and the notification aggregate."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kinerja_feedback.domain.calendar import format_local
from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.evaluation import (
    PREDICATE_LABELS,
    AppraisalFinalised,
    AppraisalOpened,
    ObjectionDecided,
    ObjectionFiled,
    PeerInputSubmitted,
    RatersAssigned,
    SelfAssessmentSubmitted,
    TimeZone,
)
from kinerja_kernel.contracts.feedback import NotificationIssued, NotificationRead
from kinerja_kernel.contracts.planning import (
    IkiTargetAchieved,
    PlanApproved,
    PlanReturned,
    PlanSubmitted,
    RealisationCorrected,
    RealisationReturned,
    RealisationWithdrawn,
)
from kinerja_kernel.errors import Forbidden

Names = Mapping[str, str]
NO_NAMES: Names = {}

NOTIFICATION_NAMESPACE = uuid.UUID("0e5a3c4e-7d0b-4c1f-8f51-3f2b9b1d6a20")


@dataclass(frozen=True)
class NotificationDraft:
    """What to tell whom, decided from a source event."""

    recipient_id: str
    office_id: str
    kind: str
    title: str
    body: str
    link: str | None
    recipient_role: str | None = None


def named(names: Names, nip: str | None) -> str:
    """A person as colleagues know them: the name from the roster copy; the NIP only when it has none."""
    if not nip:
        return "—"
    return names.get(nip) or f"NIP {nip}"


def angka(value: Decimal | int) -> str:
    """A number as Indonesians read it: thousands with ``.``, decimals with ``,`` (``1.000``, ``12,5``); a
    fraction of exactly three digits gets a trailing zero (``1,1250``) so it cannot be read as thousands."""
    text = f"{Decimal(value).copy_abs():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    if len(fraction) == 3 and whole != "0" and len(whole) <= 3:
        fraction += "0"
    sign = "-" if Decimal(value) < 0 and any(d not in "0." for d in text) else ""
    return f"{sign}{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")


def notification_id_for(source_event_id: uuid.UUID, kind: str, recipient_id: str) -> uuid.UUID:
    """Deterministic: the same source event never yields two notifications for one recipient."""
    return uuid.uuid5(NOTIFICATION_NAMESPACE, f"{source_event_id}/{kind}/{recipient_id}")


def plan_awaiting_approval(e: PlanSubmitted, names: Names = NO_NAMES) -> NotificationDraft:
    return NotificationDraft(
        recipient_id=e.evaluator_id, office_id=e.office_id, kind="plan_awaiting_approval",
        recipient_role="pejabat_penilai",
        title="SKP menunggu persetujuan Anda",
        body=f"{named(names, e.employee_id)} mengajukan SKP periode {e.period_year}. Mohon ditinjau dan disetujui "
             "atau dikembalikan dengan catatan.",
        link=f"/skp/{e.plan_id}",
    )


def plan_approved(e: PlanApproved, names: Names = NO_NAMES) -> NotificationDraft:
    return NotificationDraft(
        recipient_id=e.employee_id, office_id=e.office_id, kind="plan_approved", recipient_role="pegawai",
        title="SKP Anda telah disetujui",
        body=f"SKP periode {e.period_year} telah disetujui oleh pejabat penilai {named(names, e.approved_by)}.",
        link=f"/skp/{e.plan_id}",
    )


def plan_returned(e: PlanReturned, names: Names = NO_NAMES) -> NotificationDraft:
    return NotificationDraft(
        recipient_id=e.employee_id, office_id=e.office_id, kind="plan_returned", recipient_role="pegawai",
        title="SKP Anda dikembalikan untuk diperbaiki",
        body=f"Pejabat penilai {named(names, e.evaluator_id)} mengembalikan SKP periode {e.period_year} dengan "
             f"catatan: {e.comments}",
        link=f"/skp/{e.plan_id}",
    )


def target_achieved(e: IkiTargetAchieved, names: Names = NO_NAMES) -> NotificationDraft:
    unit = f" {e.unit}" if e.unit else ""
    return NotificationDraft(
        recipient_id=e.evaluator_id, office_id=e.office_id, kind="target_achieved",
        recipient_role="pejabat_penilai",
        title="Target IKI tercapai",
        body=f"{named(names, e.employee_id)} mencapai target IKI \"{e.iki_description}\": "
             f"{angka(e.realised)}{unit} dari target {angka(e.target)}{unit} (periode {e.period_year}).",
        link=f"/skp/{e.plan_id}/realisasi",
    )


def realisation_returned(e: RealisationReturned, office_id: str, names: Names = NO_NAMES) -> NotificationDraft:
    """The employee is told an entry was sent back, why, and where to correct it (the event names no office: the
    envelope's)."""
    return NotificationDraft(
        recipient_id=e.employee_id, office_id=office_id, kind="realisation_returned", recipient_role="pegawai",
        title="Entri realisasi dikembalikan untuk diperbaiki",
        body=f"Pejabat penilai {named(names, e.evaluator_id)} mengembalikan entri realisasi Anda dengan alasan: "
             f"{e.reason}. Entri itu tidak dihitung sampai diperbaiki atau ditarik.",
        link=f"/skp/{e.plan_id}/realisasi/{e.entry_id}/perbaiki",
    )


class Notification(Aggregate):
    """One notification in one user's inbox."""

    def __init__(self) -> None:
        super().__init__()
        self.notification_id: uuid.UUID | None = None
        self.recipient_id = ""
        self.office_id = ""
        self.read = False

    @classmethod
    def issue(cls, draft: NotificationDraft, *, source_event_id: uuid.UUID, source_event_type: str) -> Notification:
        n = cls()
        n.record(NotificationIssued(
            notification_id=notification_id_for(source_event_id, draft.kind, draft.recipient_id),
            recipient_id=draft.recipient_id, office_id=draft.office_id, kind=draft.kind, title=draft.title,
            body=draft.body, link=draft.link, source_event_id=source_event_id, source_event_type=source_event_type,
            recipient_role=draft.recipient_role,
        ))
        return n

    def mark_read(self, *, actor_id: str) -> None:
        if actor_id != self.recipient_id:
            raise Forbidden("feedback.notification.not-recipient")
        if self.read:
            return  # read again: nothing changes, nothing is recorded
        assert self.notification_id is not None
        self.record(NotificationRead(notification_id=self.notification_id, recipient_id=actor_id))

    def _on_NotificationIssued(self, e: NotificationIssued) -> None:  # noqa: N802
        self.notification_id = e.notification_id
        self.recipient_id = e.recipient_id
        self.office_id = e.office_id

    def _on_NotificationRead(self, e: NotificationRead) -> None:  # noqa: N802
        self.read = True


# -- evaluation sources ------------------------------------------------------------------------------
# Each decides the drafts for one event; ``zone`` is the office's time zone for the deadlines shown.


def self_assessment_due(e: AppraisalOpened, zone: TimeZone, names: Names = NO_NAMES) -> list[NotificationDraft]:
    return [NotificationDraft(
        recipient_id=e.employee_id, office_id=e.office_id, kind="self_assessment_due", recipient_role="pegawai",
        title="Penilaian kinerja dibuka: isi penilaian diri",
        body=f"Penilaian kinerja periode {e.period.key} telah dibuka. Silakan isi penilaian diri paling lambat "
             f"{format_local(e.self_assessment_due, zone)}.",
        link=f"/penilaian/{e.appraisal_id}/penilaian-diri",
    )]


def peer_review_requested(e: RatersAssigned, zone: TimeZone, names: Names = NO_NAMES) -> list[NotificationDraft]:
    """Only raters newly added by this assignment are asked (a re-assignment asks nobody twice)."""
    before = {r.rater_id for r in e.previous}
    return [NotificationDraft(
        recipient_id=r.rater_id, office_id=e.office_id, kind="peer_review_requested", recipient_role="pegawai",
        title="Permintaan penilaian perilaku (360)",
        body=f"Anda diminta menilai perilaku kerja (BerAKHLAK) {named(names, e.employee_id)} sebagai "
             f"{'rekan kerja' if r.relation.value == 'peer' else 'bawahan'}, paling lambat "
             f"{format_local(e.window_closes_at, zone)}.",
        link=f"/penilaian/{e.appraisal_id}/360",
    ) for r in e.raters if r.rater_id not in before and r.rater_id != e.employee_id]


def rating_ready(e: AppraisalFinalised, zone: TimeZone, names: Names = NO_NAMES) -> list[NotificationDraft]:
    r = e.result
    return [NotificationDraft(
        recipient_id=r.employee_id, office_id=r.office_id, kind="rating_ready", recipient_role="pegawai",
        title="Hasil penilaian kinerja Anda telah ditetapkan",
        body=f"Hasil penilaian kinerja periode {r.period.key}: predikat {PREDICATE_LABELS[r.predicate]}. Jika tidak "
             f"sependapat, Anda dapat mengajukan keberatan paling lambat {format_local(e.objection_deadline, zone)}.",
        link=f"/penilaian/{r.appraisal_id}",
    )]


def objection_filed(e: ObjectionFiled, zone: TimeZone, names: Names = NO_NAMES) -> list[NotificationDraft]:
    to_superior = NotificationDraft(
        recipient_id=e.superior_id, office_id=e.office_id, kind="objection_filed", recipient_role="atasan_penilai",
        title="Keberatan atas hasil penilaian kinerja",
        body=f"{named(names, e.employee_id)} mengajukan keberatan atas hasil penilaian kinerjanya. Mohon diputuskan "
             f"setelah meminta penjelasan pejabat penilai ({named(names, e.evaluator_id)}) dan pegawai.",
        link=f"/penilaian/{e.appraisal_id}/keberatan/{e.objection_id}",
    )
    to_evaluator = NotificationDraft(
        recipient_id=e.evaluator_id, office_id=e.office_id, kind="objection_filed", recipient_role="pejabat_penilai",
        title="Keberatan atas penilaian yang Anda berikan",
        body=f"{named(names, e.employee_id)} mengajukan keberatan atas hasil penilaian kinerjanya kepada atasan "
             f"pejabat penilai ({named(names, e.superior_id)}). Anda dapat diminta memberikan penjelasan.",
        link=f"/penilaian/{e.appraisal_id}/keberatan/{e.objection_id}",
    )
    return [to_superior] if e.superior_id == e.evaluator_id else [to_superior, to_evaluator]


def objection_decided(e: ObjectionDecided, zone: TimeZone, names: Names = NO_NAMES) -> list[NotificationDraft]:
    outcome = "hasil penilaian tetap (keberatan tidak diterima)" if e.decision.value == "upheld" else \
        "hasil penilaian diubah"
    return [NotificationDraft(
        recipient_id=e.employee_id, office_id=e.office_id, kind="objection_decided", recipient_role="pegawai",
        title="Keberatan Anda telah diputuskan",
        body=f"Atasan pejabat penilai ({named(names, e.decided_by)}) memutuskan: {outcome}. Alasan: {e.reason}. "
             "Keputusan ini bersifat final.",
        link=f"/penilaian/{e.appraisal_id}/keberatan/{e.objection_id}",
    )]


# -- settling: the person did what a notification asked -------------------------------------------------


@dataclass(frozen=True)
class Settled:
    """Unread notifications of these kinds, with this link, in this recipient's inbox (any recipient's when
    ``recipient_id`` is None) are done: the event that settles them marks them read."""

    recipient_id: str | None
    kinds: tuple[str, ...]
    link: str


def settled_by(e: object) -> list[Settled]:
    """Which notifications an event settles: the approval request once the SKP is approved or returned, the
    returned-SKP notice once it is submitted again, the self-assessment and 360 requests (and their reminders)
    once answered, the rating reminder once finalised, the objection once decided."""
    if isinstance(e, PlanApproved | PlanReturned):
        found = [Settled(e.evaluator_id, ("plan_awaiting_approval",), f"/skp/{e.plan_id}")]
        return found + ([Settled(e.employee_id, ("plan_due",), "/skp")] if isinstance(e, PlanApproved) else [])
    if isinstance(e, PlanSubmitted):
        return [Settled(e.employee_id, ("plan_returned",), f"/skp/{e.plan_id}")]
    if isinstance(e, RealisationCorrected | RealisationWithdrawn):
        return [Settled(e.employee_id, ("realisation_returned",), f"/skp/{e.plan_id}/realisasi/{e.entry_id}/perbaiki")]
    if isinstance(e, SelfAssessmentSubmitted):
        return [Settled(e.employee_id, ("self_assessment_due",), f"/penilaian/{e.appraisal_id}/penilaian-diri")]
    if isinstance(e, PeerInputSubmitted):
        return [Settled(e.rater_id, ("peer_review_requested",), f"/penilaian/{e.appraisal_id}/360")]
    if isinstance(e, AppraisalFinalised):
        return [Settled(e.result.evaluator_id, ("rating_due",), f"/penilaian/{e.result.appraisal_id}")]
    if isinstance(e, ObjectionFiled):
        return [Settled(e.employee_id, ("objection_window_closing",), f"/penilaian/{e.appraisal_id}/keberatan")]
    if isinstance(e, ObjectionDecided):
        return [Settled(None, ("objection_filed",), f"/penilaian/{e.appraisal_id}/keberatan/{e.objection_id}")]
    return []
