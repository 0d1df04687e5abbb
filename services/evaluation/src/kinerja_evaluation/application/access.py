"""Who may do what to an appraisal, beyond what the appraisal itself checks (it names its own parties): one
rule per question, each through ``kinerja_kernel.access`` (the office first, then a relation or a role).

Acting officials (Plt/Plh): an appointment learned from planning lets ``by`` take an absent evaluator's or
superior's decisions on the days it covers, counted in the office's time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kinerja_evaluation.application.ports import Facts
from kinerja_evaluation.domain.appraisal import Appraisal
from kinerja_kernel.access import require_access
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.planning import acting_for

HR = Role.PENGELOLA_KEPEGAWAIAN
READERS = (HR, Role.AUDITOR)
"""Roles that read every appraisal of their offices (besides its parties)."""


def evaluator_or_hr(by: Principal, appraisal: Appraisal, code: str) -> Role:
    """The appraisal's evaluator or HR of its office (assigning 360 raters, closing the 360 window): the role
    ``by`` acts in, or ``Forbidden(code)``."""
    require_access(by, appraisal.office_id, parties=(appraisal.evaluator_id,), roles=(HR,), field="evaluator_id",
                   code=code)
    return HR if by.has_role(HR) else Role.PEJABAT_PENILAI


def calibrator(by: Principal, appraisal: Appraisal) -> Role:
    """HR of the office, or the evaluator's superior holding the superior's role, calibrates."""
    superior = appraisal.superior_id if by.has_role(Role.ATASAN_PENILAI) else None
    require_access(by, appraisal.office_id, parties=(superior,), roles=(HR,), field="appraisal_id",
                   code="evaluation.calibration.not-allowed")
    return HR if by.has_role(HR) else Role.ATASAN_PENILAI


def require_reader(by: Principal, appraisal: Appraisal, *, acting: bool) -> None:
    """The appraisal's parties (and an acting official of its evaluator or superior), HR and auditors read it."""
    require_access(by, appraisal.office_id,
                   parties=(appraisal.employee_id, appraisal.evaluator_id, appraisal.superior_id,
                            by.user_id if acting else None),
                   roles=READERS, field="appraisal_id", code="evaluation.appraisal.not-allowed")


async def acting_official(facts: Facts, by: Principal, office_id: str, official_id: str | None, role: Role | None,
                          now: datetime, conn: Any = None) -> str | None:
    """The absent official (``official_id``) ``by`` acts for today in the office's zone (Plt/Plh), or ``None``
    when ``by`` is the official themself (who must then hold ``role``) or acts for nobody today (then the
    appraisal refuses, naming the official's field)."""
    if official_id is not None and by.user_id != official_id:
        windows = await facts.acting_windows(by.user_id, conn)
        if windows:
            zone = (await facts.office_settings(office_id, conn)).time_zone
            found = acting_for(windows, actor_id=by.user_id, official_id=official_id, day=zone.local_date(now))
            if found:
                return found
    if role is not None and by.user_id == official_id:
        by.require_role(role)
    return None


async def represented(facts: Facts, by: Principal, now: datetime, conn: Any = None) -> list[str]:
    """The officials ``by`` acts for today (Plt/Plh), each by its office's zone, within ``by``'s offices."""
    found = []
    for w in await facts.acting_windows(by.user_id, conn):
        member = await facts.staff_member(w.absent_id, conn)
        if member is None or not by.in_office(member.office_id):
            continue
        zone = (await facts.office_settings(member.office_id, conn)).time_zone
        if acting_for([w], actor_id=by.user_id, official_id=w.absent_id, day=zone.local_date(now)):
            found.append(w.absent_id)
    return found
