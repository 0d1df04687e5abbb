"""One access rule for a person's or an office's data: the office claim first, then a relation or a role.

Every read and write of an employee's or an office's data goes through :func:`require_access` (or
:func:`require_office_role` for office-wide data). The office is the one the service itself holds for the
person or item (its roster, its aggregate), never one taken from the request. A relation (the person
themself, their evaluator, superior, an item's parties) never widens the office scope: a token that does
not list the office is refused whoever holds it. List endpoints keep only rows of the caller's offices
(:func:`within_offices`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.errors import Forbidden, NotFound

OVERSIGHT = (Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR, Role.ATASAN_PENILAI)
"""Roles that read every employee's record of their own offices."""

Row = TypeVar("Row")


def may_access(by: Principal, office_id: str | None, *, parties: Iterable[str | None] = (),
               roles: Iterable[Role] = ()) -> bool:
    """Whether ``by`` may reach data of ``office_id``: the office is in the token, and ``by`` is one of
    ``parties`` or holds one of ``roles``."""
    if office_id is None or not by.in_office(office_id):
        return False
    return by.user_id in {p for p in parties if p} or by.has_role(*roles)


def require_access(by: Principal, office_id: str | None, *, parties: Iterable[str | None] = (),
                   roles: Iterable[Role] = (), field: str = "employee_id", not_found: NotFound | None = None,
                   code: str = "kernel.access.not-allowed") -> None:
    """Refuse unless ``by`` may reach data of ``office_id`` (see :func:`may_access`). The office is checked
    first; with ``not_found`` an item of another office reads as not existing (404) instead of 403."""
    if office_id is None or not by.in_office(office_id):
        if not_found is not None:
            raise not_found
        raise Forbidden("kernel.access.other-office", field=field, user_id=by.user_id)
    if not may_access(by, office_id, parties=parties, roles=roles):
        raise Forbidden(code, field=field)


def require_office_role(by: Principal, office_id: str, *roles: Role) -> None:
    """Office-wide data: the office in the token first, then one of ``roles``."""
    by.require_office(office_id)
    by.require_role(*roles)


def within_offices(by: Principal, rows: Iterable[Row], key: str = "office_id") -> list[Row]:
    """The rows of a list (records, mappings or models with ``key``) that belong to the caller's offices: a
    relation never reaches another office."""
    return [row for row in rows if by.in_office(str(_office_of(row, key)))]


def _office_of(row: object, key: str) -> object:
    return row[key] if hasattr(row, "__getitem__") else getattr(row, key)
