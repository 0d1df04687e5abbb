"""Clarification (klarifikasi) of a rating point before the result is final: a thread between the
employee and the evaluator that stays part of the record."""

from __future__ import annotations

import uuid

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.feedback import (
    ClarificationReplied,
    ClarificationRequested,
    ClarificationTopic,
    DialogueParty,
)
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput


class Clarification(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.clarification_id: uuid.UUID | None = None
        self.appraisal_id: uuid.UUID | None = None
        self.employee_id = ""
        self.evaluator_id = ""
        self.office_id = ""
        self.messages = 0
        self.last_party: DialogueParty | None = None

    @property
    def answered(self) -> bool:
        return self.last_party is DialogueParty.EVALUATOR

    @classmethod
    def request(cls, *, clarification_id: uuid.UUID, appraisal_id: uuid.UUID, employee_id: str, evaluator_id: str,
                office_id: str, period_key: str, topic: ClarificationTopic, question: str,
                appraisal_final: bool) -> Clarification:
        if appraisal_final:
            raise DomainRuleViolation("feedback.clarification.final-ask", field="appraisal_id")
        if sum(x is not None for x in (topic.rhk_id, topic.value, topic.aspect)) != 1:
            raise InvalidInput("feedback.clarification.one-rating-point", field="topic")
        if not question.strip():
            raise InvalidInput("feedback.clarification.question-empty", field="question")
        c = cls()
        c.record(ClarificationRequested(
            clarification_id=clarification_id, appraisal_id=appraisal_id, employee_id=employee_id,
            evaluator_id=evaluator_id, office_id=office_id, period_key=period_key, topic=topic,
            question=question.strip()))
        return c

    def reply(self, *, actor_id: str, text: str, appraisal_final: bool) -> DialogueParty:
        if actor_id == self.employee_id:
            party = DialogueParty.EMPLOYEE
        elif actor_id == self.evaluator_id:
            party = DialogueParty.EVALUATOR
        else:
            raise Forbidden("feedback.clarification.not-a-party", field="clarification_id")
        if appraisal_final:
            raise DomainRuleViolation("feedback.clarification.final-reply", field="clarification_id")
        if not text.strip():
            raise InvalidInput("feedback.clarification.text-empty", field="text")
        assert self.clarification_id is not None
        assert self.appraisal_id is not None
        self.record(ClarificationReplied(clarification_id=self.clarification_id, appraisal_id=self.appraisal_id,
                                         employee_id=self.employee_id, author_id=actor_id, party=party,
                                         text=text.strip()))
        return party

    def _on_ClarificationRequested(self, e: ClarificationRequested) -> None:  # noqa: N802
        self.clarification_id, self.appraisal_id = e.clarification_id, e.appraisal_id
        self.employee_id, self.evaluator_id, self.office_id = e.employee_id, e.evaluator_id, e.office_id
        self.messages = 1
        self.last_party = DialogueParty.EMPLOYEE

    def _on_ClarificationReplied(self, e: ClarificationReplied) -> None:  # noqa: N802
        self.messages += 1
        self.last_party = e.party
