"""Copies of an absent official's requests for their acting official (Plt/Plh), decided without I/O."""

from __future__ import annotations

from datetime import date

from kinerja_feedback.domain.acting import acting_copies
from kinerja_feedback.domain.notifications import NotificationDraft

HEAD, PLT, STAFF = "197503102000061602", "199003102015061610", "199003102015062611"
APPOINTMENT = {"absent_id": HEAD, "acting_id": PLT, "kind": "plt", "starts_on": date(2026, 12, 1),
               "ends_on": date(2026, 12, 31), "absent_name": "Kepala Bidang"}


def draft(kind: str, recipient: str, role: str | None) -> NotificationDraft:
    return NotificationDraft(recipient_id=recipient, office_id="K", kind=kind, title="SKP menunggu persetujuan Anda",
                             body="Dewi mengajukan SKP.", link="/skp/1", recipient_role=role)


class TestActingCopies:
    def test_a_request_to_the_absent_official_is_copied_to_the_plt_saying_in_whose_place(self) -> None:
        [copy] = acting_copies([draft("plan_awaiting_approval", HEAD, "pejabat_penilai")], [APPOINTMENT])
        assert copy.recipient_id == PLT and copy.link == "/skp/1" and copy.kind == "plan_awaiting_approval"
        assert copy.title == "Sebagai Plt Kepala Bidang: SKP menunggu persetujuan Anda"
        assert "sebagai Plt Kepala Bidang" in copy.body

    def test_nothing_is_copied_for_someone_else_a_personal_notice_or_the_plt_themself(self) -> None:
        drafts = [draft("plan_awaiting_approval", STAFF, "pejabat_penilai"),
                  draft("plan_approved", HEAD, "pegawai"),
                  draft("objection_filed", PLT, "atasan_penilai")]
        assert acting_copies(drafts, [APPOINTMENT, {**APPOINTMENT, "absent_id": PLT}]) == []
