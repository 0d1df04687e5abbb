"""Continuous feedback (umpan balik berkelanjutan): given at any time, answered by the employee."""

from __future__ import annotations

import uuid
from datetime import date

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.feedback import (
    AuthorRelation,
    FeedbackEvidence,
    FeedbackGiven,
    FeedbackKind,
    FeedbackResponded,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_kernel.labels import value_label


class Feedback(Aggregate):
    """One piece of feedback to one employee, and the employee's response."""

    def __init__(self) -> None:
        super().__init__()
        self.feedback_id: uuid.UUID | None = None
        self.employee_id = ""
        self.office_id = ""
        self.author_id = ""
        self.response: str | None = None

    @classmethod
    def give(
        cls, *, feedback_id: uuid.UUID, employee_id: str, office_id: str, author_id: str, relation: AuthorRelation,
        kind: FeedbackKind, rhk_id: uuid.UUID | None, iki_id: uuid.UUID | None, value: BerAkhlak | None, text: str,
        evidence: tuple[FeedbackEvidence, ...], given_on: date,
    ) -> Feedback:
        if (rhk_id is None) == (value is None):
            raise InvalidInput("feedback.feedback.link-exactly-one", field="rhk_id")
        if iki_id is not None and rhk_id is None:
            raise InvalidInput("feedback.feedback.iki-needs-rhk", field="iki_id")
        if not text.strip():
            raise InvalidInput("feedback.feedback.text-empty", field="text")
        feedback = cls()
        feedback.record(FeedbackGiven(
            feedback_id=feedback_id, employee_id=employee_id, office_id=office_id, author_id=author_id,
            relation=relation, kind=kind, rhk_id=rhk_id, iki_id=iki_id, value=value, text=text.strip(),
            evidence=evidence, given_on=given_on,
        ))
        return feedback

    def respond(self, *, actor_id: str, response: str) -> None:
        if actor_id != self.employee_id:
            raise Forbidden("feedback.feedback.employee-responds", field="feedback_id")
        if not response.strip():
            raise InvalidInput("feedback.feedback.response-empty", field="response")
        if response.strip() == self.response:
            raise DomainRuleViolation("feedback.feedback.response-unchanged", field="response")
        assert self.feedback_id is not None
        self.record(FeedbackResponded(feedback_id=self.feedback_id, employee_id=self.employee_id,
                                      author_id=self.author_id, response=response.strip(), previous=self.response))

    def _on_FeedbackGiven(self, e: FeedbackGiven) -> None:  # noqa: N802
        self.feedback_id = e.feedback_id
        self.employee_id = e.employee_id
        self.office_id = e.office_id
        self.author_id = e.author_id

    def _on_FeedbackResponded(self, e: FeedbackResponded) -> None:  # noqa: N802
        self.response = e.response


def feedback_received(e: FeedbackGiven, author_name: str | None = None) -> tuple[str, str, str]:
    """(kind, title, body) of the notification to the employee."""
    about = f"nilai {value_label(e.value.value)}" if e.value is not None else "RHK Anda"
    jenis = "apresiasi" if e.kind is FeedbackKind.APRESIASI else "umpan balik konstruktif"
    who = "pejabat penilai" if e.relation is AuthorRelation.EVALUATOR else "rekan kerja"
    return ("feedback_received", f"Anda menerima {jenis}",
            f"{who.capitalize()} Anda ({author_name or e.author_id}) memberikan {jenis} tentang {about}: "
            f"{e.text[:500]}")


def feedback_answered(e: FeedbackResponded, employee_name: str | None = None) -> tuple[str, str, str]:
    return ("feedback_responded", "Umpan balik Anda ditanggapi",
            f"{employee_name or 'Pegawai ' + e.employee_id} menanggapi umpan balik Anda: {e.response[:500]}")
