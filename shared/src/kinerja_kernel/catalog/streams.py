"""The stream ids and Kafka keys Kinerja writes: every stream-id prefix, and every form of the subject (key).

A stream id is ``<prefix>-<id>``: the prefix names the aggregate (one plan, one appraisal, one office's
settings, ...), so one stream is one hash chain. The subject is the Kafka key: one subject's events share a
partition and keep their order. The services name their streams (``EventSourcedRepository(prefix=...)``); the
kernel cannot import them, so the table is kept here and ``shared/tests/unit/test_event_docs.py`` fails when a
service uses a prefix this table does not document (or the table lists one neither a service nor a contract
module's docstring names).
"""

from __future__ import annotations

from dataclasses import dataclass

from kinerja_kernel.catalog.published import GENERATED


@dataclass(frozen=True)
class KeyForm:
    """One form the subject (and Kafka key) takes."""

    name: str
    form: str  # how it reads, e.g. ``<office>/<unit>``
    meaning: str


@dataclass(frozen=True)
class StreamKind:
    """One stream-id prefix: which service writes it, what one stream holds, what follows the prefix, its key."""

    prefix: str
    service: str
    holds: str
    id_form: str
    key: str  # a KeyForm name


KEY_FORMS: tuple[KeyForm, ...] = (
    KeyForm("nip", "`<NIP>`",
            "a civil servant: the 18-digit NIP of the employee the stream is about (the appraised employee, the "
            "absent official of an acting appointment, the recipient of a notification or reminder)"),
    KeyForm("office", "`<office>`",
            "an office (tenant) id, exactly `ce_office`: office settings, evaluation periods, an office's training "
            "catalog and its webhook subscriptions"),
    KeyForm("office-unit", "`<office>/<unit>`",
            "a unit of an office: `ce_office`, one `/`, then the unit id as HR entered it on the roster (an "
            "office-local code such as `BIDANG-MUTASI`, which does not repeat the office). Neither part is "
            "escaped, so take the unit as the key without the leading `ce_office` + `/` rather than splitting at "
            "a `/`. Used for a unit's organisation predicate"),
)

STREAMS: tuple[StreamKind, ...] = (
    StreamKind("skp", "planning", "one SKP (performance plan) of one employee and year", "`<plan uuid>`", "nip"),
    StreamKind("realisasi", "planning", "the realisation entries of one SKP", "`<plan uuid>`", "nip"),
    StreamKind("pegawai", "planning", "one employee's roster entry", "`<NIP>`", "nip"),
    StreamKind("plt", "planning", "one acting appointment (Plt/Plh)", "`<appointment uuid>`", "nip"),
    StreamKind("interaksi", "planning", "one service interaction, recorded once", "`<interaction uuid>`", "nip"),
    StreamKind("penilaian", "evaluation", "one appraisal of one employee and period", "`<appraisal uuid>`", "nip"),
    StreamKind("kantor", "evaluation", "one office's evaluation settings and periods", "`<office>`", "office"),
    StreamKind("predikat-organisasi", "evaluation", "one unit's organisation predicate for one period",
               "`<office>/<unit>/<period key>`", "office-unit"),
    StreamKind("umpan-balik", "feedback", "one piece of continuous feedback", "`<feedback uuid>`", "nip"),
    StreamKind("pengaturan-umpan-balik", "feedback", "one office's feedback settings", "`<office>`", "office"),
    StreamKind("dialog", "feedback", "one performance dialogue", "`<dialogue uuid>`", "nip"),
    StreamKind("klarifikasi", "feedback", "one clarification request", "`<clarification uuid>`", "nip"),
    StreamKind("notification", "feedback", "one notification in a user's inbox", "`<notification uuid>`", "nip"),
    StreamKind("pengingat", "feedback", "one deadline reminder at one offset", "`<reminder uuid>` (UUID v5)",
               "nip"),
    StreamKind("webhook", "feedback", "one webhook subscription of an office", "`<subscription uuid>`", "office"),
    StreamKind("dokumen", "planning, evaluation", "one official document (the SKP, the Dokumen Evaluasi Kinerja "
               "Pegawai) and its signatures", "`<document code>`", "nip"),
    StreamKind("karier", "career", "one employee's career record", "`<NIP>`", "nip"),
    StreamKind("idp", "career", "one individual development plan", "`<idp uuid>`", "nip"),
    StreamKind("katalog", "career", "one office's training catalog", "`<office>`", "office"),
)


def stream_prefixes() -> set[str]:
    return {kind.prefix for kind in STREAMS}


def streams_markdown() -> str:
    """The README's tables of key forms and stream-id prefixes."""
    forms = {form.name: form for form in KEY_FORMS}
    lines = [GENERATED, "", "| key form | what it is |", "| --- | --- |"]
    lines += [f"| {form.form} | {form.meaning}. |" for form in KEY_FORMS]
    lines += ["", "| `ce_streamid` | service | one stream is | `<id>` | key (`ce_subject`) |",
              "| --- | --- | --- | --- | --- |"]
    lines += [f"| `{kind.prefix}-<id>` | {kind.service} | {kind.holds} | {kind.id_form} | {forms[kind.key].form} |"
              for kind in sorted(STREAMS, key=lambda k: (k.service, k.prefix))]
    return "\n".join(lines) + "\n"
