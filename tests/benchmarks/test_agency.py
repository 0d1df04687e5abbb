"""The agency generator's data (no services): the same arguments give the same agency, and it is shaped
like one (everyone evaluated by their unit head, NIPs unique, a month of working days)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from agency import Agency, build_agency, last_month


def agency(seed: int = 7, employees: int = 1000, offices: int = 2) -> Agency:
    return build_agency(offices=offices, employees=employees, seed=seed, year=2026, month=11)


def test_the_same_seed_gives_the_same_agency() -> None:
    first, second = agency(), agency()
    assert first == second
    person = first.offices[1].units[2].staff[3]
    assert first.daily_entries(person, "iki", "plan") == second.daily_entries(person, "iki", "plan")
    assert first.interactions(person) == second.interactions(person)
    assert first.feedback() == second.feedback()


def test_another_seed_gives_other_people() -> None:
    one, other = agency(seed=7), agency(seed=8)
    assert not {p.nip for o in one.offices for p in o.people()} & {p.nip for o in other.offices for p in o.people()}
    assert [p.name for p in one.offices[0].people()] != [p.name for p in other.offices[0].people()]


def test_the_agency_is_shaped_like_one() -> None:
    built = agency(employees=1000, offices=2)
    people = [p for o in built.offices for p in o.people()]
    assert built.size == len(people) == 1000
    assert len({p.nip for p in people}) == 1000
    for office in built.offices:
        assert office.leader.evaluator_id == office.top.nip
        assert sum(u.front_office for u in office.units) == 1
        for unit in office.units:
            assert 8 <= len(unit.staff) <= 40
            assert unit.head.evaluator_id == office.leader.nip
            assert all(p.evaluator_id == unit.head.nip and p.superior_id == office.leader.nip for p in unit.staff)
            assert all(p.unit_id == unit.unit_id and p.office_id == office.office_id for p in unit.staff)
    staff = {p.nip for o in built.offices for u in o.units for p in u.staff}
    assert built.pending <= staff
    assert 0.03 * len(staff) < len(built.pending) < 0.07 * len(staff)


def test_a_month_of_daily_entries_on_working_days() -> None:
    built = agency()
    person = built.offices[0].units[1].staff[0]
    entries = built.daily_entries(person, "iki", "plan")
    days = [date.fromisoformat(e["occurred_on"]) for e in entries]
    assert 15 <= len(entries) <= 21  # 21 working days in November 2026, a few missed
    assert all(d.month == 11 and d.weekday() < 5 for d in days)
    assert len({e["entry_id"] for e in entries}) == len(entries)
    assert all(e["evidence"] and e["evidence"][0]["uri"].startswith("https://") for e in entries)


def test_ten_thousand_employees_in_ten_offices() -> None:
    built = build_agency(offices=10, employees=10_000, seed=1, year=2026, month=11)
    assert built.size == 10_000
    assert len({p.nip for o in built.offices for p in o.people()}) == 10_000


def test_last_month_is_the_month_before() -> None:
    assert last_month(date(2026, 12, 3)) == (2026, 11)
    assert last_month(date(2027, 1, 1)) == (2026, 12)
