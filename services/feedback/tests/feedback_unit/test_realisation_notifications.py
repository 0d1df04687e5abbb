"""An entry sent back for correction tells the employee why and where to correct it; correcting or withdrawing it
settles that notice."""

import uuid
from datetime import date
from decimal import Decimal

from kinerja_feedback.domain.notifications import Settled, realisation_returned, settled_by
from kinerja_kernel.contracts.planning import RealisationCorrected, RealisationReturned, RealisationWithdrawn

EMPLOYEE, EVALUATOR = "199001012015011001", "198001012005011002"
PLAN, ENTRY, IKI = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
LINK = f"/skp/{PLAN}/realisasi/{ENTRY}/perbaiki"


def test_a_returned_entry_tells_the_employee_the_reason_by_the_evaluators_name() -> None:
    draft = realisation_returned(RealisationReturned(plan_id=PLAN, employee_id=EMPLOYEE, entry_id=ENTRY,
                                                     evaluator_id=EVALUATOR, reason="Lampirkan notulen"),
                                 "K1", {EVALUATOR: "Hendra Wijaya"})
    assert (draft.recipient_id, draft.office_id, draft.kind, draft.link) == (EMPLOYEE, "K1", "realisation_returned",
                                                                             LINK)
    assert "Hendra Wijaya" in draft.body and "Lampirkan notulen" in draft.body


def test_correcting_or_withdrawing_the_entry_settles_the_notice() -> None:
    corrected = RealisationCorrected(plan_id=PLAN, employee_id=EMPLOYEE, entry_id=ENTRY, iki_id=IKI,
                                     value=Decimal(2), previous_value=Decimal(3), unit=None,
                                     occurred_on=date(2026, 3, 2), previous_occurred_on=date(2026, 3, 1),
                                     description="Diperbaiki")
    withdrawn = RealisationWithdrawn(plan_id=PLAN, employee_id=EMPLOYEE, entry_id=ENTRY, iki_id=IKI, value=Decimal(3))
    for event in (corrected, withdrawn):
        assert settled_by(event) == [Settled(EMPLOYEE, ("realisation_returned",), LINK)]
