"""Evaluation's read-model rules, pure (no I/O): what each event does to the rows it touches.

The one source of truth for the live projection (the events of one append) and for the rebuild (a chunk of
~1,000 events): ``read_models.project`` asks ``touches`` which rows a run of events needs, loads those that
may exist once per table, applies every event in memory with ``RULES`` (row state + event -> new row state),
and writes the changed rows back in one statement per table (``row_tables``).

Events come as plain payloads at their current version (``kinerja_kernel.repository.current_payload``):
uuids are strings, times ISO strings. Rows hold uuids as strings, times as ``datetime`` and dates as ``date``.

Every row belongs to exactly one stream (an appraisal's rows, peer requests and rating history to its
``penilaian`` stream; settings and periods to the office's; a unit's predicate to its own), and the store
serialises appends to a stream, so reading a row, changing it and writing it back never loses another
writer's change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts.evaluation import OfficeSettings
from kinerja_kernel.envelope import EventEnvelope

Row = dict[str, Any]
Key = Any  # a row's primary key: one value, or a tuple for several columns

APPRAISALS, PEERS, HISTORY = "appraisals", "peer_requests", "rating_history"
PERIODS, SETTINGS, PREDICATES = "periods", "office_settings", "organisation_predicates"


class DuplicateRow(Exception):
    """A rule created a row that exists already (an insert's unique violation, found before writing)."""


class Touch(NamedTuple):
    """A row (or, for ``peer_requests``, all rows of an appraisal) an event reads or writes.

    ``creates``: the event makes the row (an appraisal's opening, a new rating-history entry, a period): it
    is not read first. A row an event only replaces whole (settings, a unit's predicate) is not touched.
    """

    table: str
    key: Key
    creates: bool = False


@dataclass
class Rows:
    """The rows a run of events reads and writes: loaded ones and created ones, changed in order."""

    tables: dict[str, dict[Key, Row | None]] = field(default_factory=lambda: {
        t: {} for t in (APPRAISALS, PEERS, HISTORY, PERIODS, SETTINGS, PREDICATES)})
    stored: dict[str, set[Key]] = field(default_factory=lambda: {t: set() for t in (APPRAISALS, PEERS, HISTORY)})
    """keys of the rows that were loaded (they exist in the table)"""
    known: dict[str, set[Key]] = field(default_factory=lambda: {
        t: set() for t in (APPRAISALS, PEERS, HISTORY, PERIODS, SETTINGS, PREDICATES)})
    """keys (for peer requests: appraisal ids) whose rows are all here: loaded, or made by the run"""
    replaced: dict[str, set[Key]] = field(default_factory=lambda: {t: set() for t in (SETTINGS, PREDICATES)})
    changed: dict[str, set[Key]] = field(default_factory=lambda: {
        t: set() for t in (APPRAISALS, PEERS, HISTORY, PERIODS, SETTINGS, PREDICATES)})
    peers_of: dict[str, dict[str, Row]] = field(default_factory=dict)
    """appraisal id -> rater id -> its peer_requests row (the same row objects as ``tables[PEERS]``)"""

    def loaded(self, table: str, key: Key, row: Row) -> None:
        """A row read from its table (uuids as strings)."""
        self.tables[table][key] = row
        self.stored[table].add(key)
        if table == PEERS:
            self.peers_of.setdefault(key[0], {})[key[1]] = row

    def get(self, table: str, key: Key) -> Row | None:
        return self.tables[table].get(key)

    def create(self, table: str, key: Key, row: Row) -> None:
        if self.tables[table].get(key) is not None:
            raise DuplicateRow(f"{table} {key} exists already")
        self.put(table, key, row)

    def put(self, table: str, key: Key, row: Row) -> None:
        self.tables[table][key] = row
        self.changed[table].add(key)
        if table == PEERS:
            self.peers_of.setdefault(key[0], {})[key[1]] = row

    def replace(self, table: str, key: Key, row: Row) -> None:
        """The whole row, whatever was there (written as an upsert)."""
        self.replaced[table].add(key)
        self.put(table, key, row)

    def delete(self, table: str, key: Key) -> None:
        self.tables[table][key] = None
        self.changed[table].add(key)
        if table == PEERS:
            self.peers_of.get(key[0], {}).pop(key[1], None)

    def peers(self, appraisal_id: str) -> dict[str, Row]:
        return self.peers_of.setdefault(appraisal_id, {})

    def changes(self, table: str) -> Iterator[tuple[Key, Row | None, bool]]:
        """Each changed row: (key, the row or None when deleted, whether it is in the table already)."""
        stored = self.stored.get(table, set()) | self.replaced.get(table, set())
        for key in self.changed[table]:
            yield key, self.tables[table][key], key in stored


Rule = Callable[[Rows, EventEnvelope, Mapping[str, Any]], None]
Touches = Callable[[Mapping[str, Any]], tuple[Touch, ...]]


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- office, periods, unit predicates -------------------------------------------------------------
def _settings(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    settings = OfficeSettings.model_validate(p["settings"]).model_dump_json()  # as the model writes it
    rows.replace(SETTINGS, p["office_id"], {"office_id": p["office_id"], "settings": settings,
                                            "updated_at": env.recorded_at})


def _period(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    period = p["period"]
    rows.create(PERIODS, (p["office_id"], period["key"]), {
        "office_id": p["office_id"], "period_key": period["key"], "kind": period["kind"], "year": period["year"],
        "starts_on": date.fromisoformat(period["start"]), "ends_on": date.fromisoformat(period["end"]),
        "self_assessment_due": _time(p["self_assessment_due"]), "rating_due": _time(p["rating_due"]),
        "opened_at": env.recorded_at})


def _organisation(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    key = (p["office_id"], p["unit_id"], p["period_key"])
    rows.replace(PREDICATES, key, {
        "office_id": p["office_id"], "unit_id": p["unit_id"], "period_key": p["period_key"],
        "predicate": p["predicate"], "set_by": p["set_by"], "reason": p["reason"], "updated_at": env.recorded_at})


# -- appraisals -----------------------------------------------------------------------------------
def _opened(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    period = p["period"]
    rows.create(APPRAISALS, p["appraisal_id"], {
        "appraisal_id": p["appraisal_id"], "employee_id": p["employee_id"], "office_id": p["office_id"],
        "unit_id": p["unit_id"], "period_key": period["key"], "period_kind": period["kind"], "year": period["year"],
        "plan_id": p["plan_id"], "evaluator_id": p["evaluator_id"], "superior_id": p["superior_id"],
        "unit_head": p["unit_head"], "rhk_count": len(p["rhks"]), "status": "open", "self_assessed": False,
        "raters": 0, "peer_answered": 0, "peer_window_closed": False, "rated_rhks": [], "rated_values": [],
        "results_rating": None, "behaviour_rating": None, "predicate": None,
        "self_assessment_due": _time(p["self_assessment_due"]), "rating_due": _time(p["rating_due"]),
        "finalised_at": None, "objection_deadline": None, "acknowledged_at": None, "objection_status": None,
        "version": env.stream_version, "updated_at": env.recorded_at, "objection_filed_at": None,
        "objection_decided_at": None, "explanations": 0})


Change = Callable[[Row, EventEnvelope, Mapping[str, Any]], Mapping[str, Any]]
"""The columns an event sets on its appraisal's row (besides its version and time of update)."""


def _update(rows: Rows, env: EventEnvelope, appraisal_id: str, values: Mapping[str, Any]) -> None:
    """Sets ``values``, the version and the time of update on an appraisal (none there: nothing)."""
    row = rows.get(APPRAISALS, appraisal_id)
    if row is not None:  # changed in place: the rows are the run's own (loaded or made by it)
        row.update(values)
        row["version"], row["updated_at"] = env.stream_version, env.recorded_at
        rows.put(APPRAISALS, appraisal_id, row)


def _appraisal(change: Change, of: str = "appraisal_id") -> Rule:
    """A rule changing the appraisal ``p[of]`` (or, with ``of="result"``, the result's)."""

    def rule(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
        appraisal_id = p["appraisal_id"] if of == "appraisal_id" else p[of]["appraisal_id"]
        row = rows.get(APPRAISALS, appraisal_id)
        if row is not None:
            _update(rows, env, appraisal_id, change(row, env, p))

    return rule


def _set(**values: Callable[[EventEnvelope, Mapping[str, Any]], Any]) -> Change:
    return lambda row, env, p: {column: value(env, p) for column, value in values.items()}


def _nothing(row: Row, env: EventEnvelope, p: Mapping[str, Any]) -> Mapping[str, Any]:
    return {}


def _const(value: Any) -> Callable[[EventEnvelope, Mapping[str, Any]], Any]:
    return lambda env, p: value


def _field(name: str) -> Callable[[EventEnvelope, Mapping[str, Any]], Any]:
    return lambda env, p: p[name]


def _recorded(env: EventEnvelope, p: Mapping[str, Any]) -> datetime:
    return env.recorded_at


def _added(column: str, name: str) -> Change:
    """Adds ``p[name]`` to the array ``column`` unless it is there."""
    return lambda row, env, p: {} if p[name] in row[column] else {column: [*row[column], p[name]]}


def _explained(row: Row, env: EventEnvelope, p: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"explanations": row["explanations"] + 1}


def _raters(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    """The appraisal's peer requests become the raters named (an answered one stays answered)."""
    appraisal_id, raters = p["appraisal_id"], p["raters"]
    ids = {r["rater_id"] for r in raters}
    for rater_id in [r for r in rows.peers(appraisal_id) if r not in ids]:
        rows.delete(PEERS, (appraisal_id, rater_id))
    window = _time(p["window_closes_at"])
    for r in raters:
        existing = rows.peers(appraisal_id).get(r["rater_id"])
        row = ({**existing, "relation": r["relation"], "window_closes_at": window} if existing is not None else
               {"appraisal_id": appraisal_id, "rater_id": r["rater_id"], "employee_id": p["employee_id"],
                "relation": r["relation"], "window_closes_at": window, "answered": False})
        rows.put(PEERS, (appraisal_id, r["rater_id"]), row)
    _update(rows, env, appraisal_id, {"raters": len(raters)})


def _peer_input(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    """The rater's request is answered; the appraisal counts its answered requests."""
    appraisal_id, requests = p["appraisal_id"], rows.peers(p["appraisal_id"])
    request = requests.get(p["rater_id"])
    if request is not None:
        rows.put(PEERS, (appraisal_id, p["rater_id"]), {**request, "answered": True})
    _update(rows, env, appraisal_id, {"peer_answered": sum(1 for r in requests.values() if r["answered"])})


def _history(rows: Rows, env: EventEnvelope, result: Mapping[str, Any], *, replaces: str | None,
             reason: str | None) -> None:
    period = result["period"]
    rows.create(HISTORY, str(env.event_id), {
        "event_id": str(env.event_id), "appraisal_id": result["appraisal_id"], "employee_id": result["employee_id"],
        "office_id": result["office_id"], "period_key": period["key"], "period_kind": period["kind"],
        "year": period["year"], "results_rating": result["results_rating"],
        "behaviour_rating": result["behaviour_rating"], "predicate": result["predicate"],
        "recorded_at": env.recorded_at, "replaces_event_id": replaces, "superseded_by": None, "reason": reason})


_finalised_appraisal = _appraisal(_set(status=_const("finalised"), finalised_at=_recorded,
                                       objection_deadline=lambda env, p: _time(p["objection_deadline"])),
                                  "result")


def _finalised(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    _finalised_appraisal(rows, env, p)
    _history(rows, env, p["result"], replaces=None, reason=None)


_corrected_appraisal = _appraisal(_nothing, "result")


def _corrected(rows: Rows, env: EventEnvelope, p: Mapping[str, Any]) -> None:
    _history(rows, env, p["result"], replaces=p["replaces_event_id"], reason=p["reason"])
    replaced = rows.get(HISTORY, p["replaces_event_id"])
    if replaced is not None:
        rows.put(HISTORY, p["replaces_event_id"], {**replaced, "superseded_by": str(env.event_id)})
    _corrected_appraisal(rows, env, p)


# -- what each event touches, and its rule --------------------------------------------------------
def _of_appraisal(p: Mapping[str, Any]) -> tuple[Touch, ...]:
    return (Touch(APPRAISALS, p["appraisal_id"]),)


def _of_appraisal_and_peers(p: Mapping[str, Any]) -> tuple[Touch, ...]:
    return Touch(APPRAISALS, p["appraisal_id"]), Touch(PEERS, p["appraisal_id"])


def _nothing_read(p: Mapping[str, Any]) -> tuple[Touch, ...]:
    return ()


RULES: dict[str, tuple[Touches, Rule]] = {
    ev.OfficeSettingsChanged.event_type: (_nothing_read, _settings),
    ev.EvaluationPeriodOpened.event_type: (
        lambda p: (Touch(PERIODS, (p["office_id"], p["period"]["key"]), creates=True),), _period),
    ev.OrganisationPredicateSet.event_type: (_nothing_read, _organisation),
    ev.AppraisalOpened.event_type: (
        lambda p: (Touch(APPRAISALS, p["appraisal_id"], creates=True),
                   Touch(PEERS, p["appraisal_id"], creates=True)), _opened),
    ev.SelfAssessmentSubmitted.event_type: (_of_appraisal, _appraisal(_set(self_assessed=_const(True)))),
    ev.RatersAssigned.event_type: (_of_appraisal_and_peers, _raters),
    ev.PeerInputSubmitted.event_type: (_of_appraisal_and_peers, _peer_input),
    ev.PeerWindowClosed.event_type: (_of_appraisal, _appraisal(_set(peer_window_closed=_const(True)))),
    ev.RhkRated.event_type: (_of_appraisal, _appraisal(_added("rated_rhks", "rhk_id"))),
    ev.BehaviourValueRated.event_type: (_of_appraisal, _appraisal(_added("rated_values", "value"))),
    ev.ResultsRatingSet.event_type: (_of_appraisal, _appraisal(_set(results_rating=_field("rating")))),
    ev.BehaviourRatingSet.event_type: (_of_appraisal, _appraisal(_set(behaviour_rating=_field("rating")))),
    ev.PredicateDetermined.event_type: (_of_appraisal, _appraisal(_set(predicate=_field("predicate")))),
    ev.CurveOverrideJustified.event_type: (_of_appraisal, _appraisal(_nothing)),
    ev.AppraisalFinalised.event_type: (
        lambda p: (Touch(APPRAISALS, p["result"]["appraisal_id"]),), _finalised),
    ev.ResultAcknowledged.event_type: (_of_appraisal, _appraisal(_set(acknowledged_at=_recorded))),
    ev.ObjectionFiled.event_type: (_of_appraisal, _appraisal(_set(
        status=_const("objected"), objection_status=_const("filed"), objection_filed_at=_recorded,
        superior_id=_field("superior_id")))),
    ev.ObjectionExplanationGiven.event_type: (_of_appraisal, _appraisal(_explained)),
    ev.ObjectionDecided.event_type: (_of_appraisal, _appraisal(_set(
        status=_const("decided"), objection_status=_field("decision"), objection_decided_at=_recorded))),
    ev.AppraisalCorrected.event_type: (
        lambda p: (Touch(APPRAISALS, p["result"]["appraisal_id"]), Touch(HISTORY, p["replaces_event_id"])),
        _corrected),
}
"""event type -> (the rows it reads, its rule)"""
