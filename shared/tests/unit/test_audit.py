"""Pure parts of the audit: the generic timeline entry and the store-vs-topic reconciliation."""

from __future__ import annotations

import json
import uuid

from kinerja_kernel.audit import reconcile_records, timeline_entry
from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.contracts.evaluation import Rating, RatingSource, ResultsRatingSet
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.testing.kafka_helpers import TopicRecord, envelope_of

EMPLOYEE = "199001012015011001"


def stream(n: int, office: str = "KANTOR-A") -> list[EventEnvelope]:
    events: list[EventEnvelope] = []
    appraisal = uuid.uuid4()
    for version in range(1, n + 1):
        change = ResultsRatingSet(appraisal_id=appraisal, employee_id=EMPLOYEE, rating=Rating.SESUAI,
                                  previous=Rating.DI_ATAS if version > 1 else None, source=RatingSource.CALIBRATION,
                                  reason=f"Kalibrasi {version}")
        events.append(envelope_of(change, subject=EMPLOYEE, office_id=office, source="/kinerja/evaluation",
                                  stream_id=f"penilaian-{appraisal}", stream_version=version,
                                  prev_hash=events[-1].hash if events else "0" * 64))
    return events


def records(events: list[EventEnvelope], *, start: int = 0) -> list[TopicRecord]:
    out = []
    for i, e in enumerate(events):
        r = to_kafka(e)
        out.append(TopicRecord(0, start + i, r.key, r.value, tuple(r.headers)))
    return out


def test_a_timeline_entry_names_who_where_old_new_and_why() -> None:
    entry = timeline_entry(stream(2)[1])
    assert (entry["actor_id"], entry["actor_role"], entry["office_id"]) == ("evaluation", "system", "KANTOR-A")
    assert (entry["previous"], entry["new"], entry["reason"]) == ("di_atas_ekspektasi", "sesuai_ekspektasi",
                                                                  "Kalibrasi 2")


def test_the_same_events_reconcile_and_a_redelivered_duplicate_is_only_counted() -> None:
    events = stream(3)
    topic = records(events) + records(events[1:2], start=3)
    report = reconcile_records(events, topic, "t")
    assert report.ok
    assert (report.stored, report.on_topic, report.duplicates) == (3, 4, 1)


def test_missing_extra_out_of_order_and_altered_records_are_located() -> None:
    events = stream(4)
    other = stream(1)
    altered = records(events[2:3], start=2)[0]
    payload = json.loads(altered.value or b"{}")
    payload["reason"] = "dipalsukan"
    forged = TopicRecord(0, 2, altered.key, json.dumps(payload).encode(), altered.headers)
    topic = [*records([events[1], events[0]]), forged, *records(other, start=3)]
    report = reconcile_records(events, topic, "t")
    found = {(d.kind, d.event_id): d for d in report.differences}
    assert set(found) == {("out_of_order", str(events[0].event_id)), ("content_differs", str(events[2].event_id)),
                          ("extra_on_topic", str(other[0].event_id)), ("missing_on_topic", str(events[3].event_id))}
    assert (found[("content_differs", str(events[2].event_id))].partition,
            found[("content_differs", str(events[2].event_id))].offset) == (0, 2)
    assert "payload" in found[("content_differs", str(events[2].event_id))].detail
    assert found[("missing_on_topic", str(events[3].event_id))].stream_version == 4


def test_reconciliation_can_be_limited_to_offices() -> None:
    mine, theirs = stream(2, "KANTOR-A"), stream(2, "KANTOR-B")
    report = reconcile_records(mine, records(mine) + records(theirs, start=2), "t", offices=frozenset({"KANTOR-A"}))
    assert report.ok and report.on_topic == 2
