"""Notifications for an acting official (Plt/Plh): while an appointment covers the day, what the absent
evaluator or superior is asked to do reaches the one acting in their place as well."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from kinerja_feedback.domain.notifications import NotificationDraft

# the requests an official acts on: approve an SKP, rate, decide or explain an objection
ACTING_KINDS = frozenset({"plan_awaiting_approval", "objection_filed", "reminder_rating_due"})
OFFICIAL_ROLES = frozenset({"pejabat_penilai", "atasan_penilai"})


def needs_acting_copy(draft: NotificationDraft) -> bool:
    return draft.kind in ACTING_KINDS and draft.recipient_role in OFFICIAL_ROLES


def acting_copies(drafts: Sequence[NotificationDraft],
                  appointments: Sequence[Mapping[str, object]]) -> list[NotificationDraft]:
    """A copy of each request to an absent official for whoever acts for them that day, saying in whose place
    (``Sebagai Plh Kepala Bidang: …``); the acting official is never sent a copy of their own request."""
    copies = []
    for draft in drafts:
        if not needs_acting_copy(draft):
            continue
        for a in appointments:
            acting_id = str(a["acting_id"])
            if a["absent_id"] != draft.recipient_id or acting_id == draft.recipient_id:
                continue
            kind = str(a["kind"]).capitalize()  # Plt / Plh
            absent = str(a.get("absent_name") or f"NIP {a['absent_id']}")
            copies.append(replace(
                draft, recipient_id=acting_id, title=f"Sebagai {kind} {absent}: {draft.title}",
                body=f"{draft.body} Anda menerima ini sebagai {kind} {absent}, yang berhalangan; tindakan Anda "
                     f"dicatat atas nama {absent}."))
    return copies
