"""The message catalog: codes turned into Indonesian and English text at the edge.

Domain and application code raise errors with a *code* and *parameters* only
(``raise InvalidInput("planning.rhk.target-not-positive", field="target", value=0)``); what a person reads
is here. Each service keeps its own table in ``kinerja_<service>/messages.py`` and registers it when its
package is imported; the kernel registers its own below. The HTTP edge renders a problem's ``detail``
(Indonesian) and ``detail_en`` from the code, and puts ``code`` and ``params`` in the body so a client
(the portal, an integrator) can render its own text.

A template is a ``str.format`` string. ``{status:plan_status}`` formats the parameter with the *label*
registered under that name (``register_label``), Indonesian in the Indonesian text and the raw value in
the English one; any other format spec is Python's own.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

Language = Literal["id", "en"]
CODE: Final = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
"""A message code: dotted lower-case words, the first naming the owner (``planning.plan.not-editable``)."""

_CATALOG: dict[str, tuple[str, str]] = {}
_LABELS: dict[str, Callable[[Any], str]] = {}


def register(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add a service's ``{code: (Indonesian, English)}`` table. A code registered twice with other text is a
    programming error (two owners of one code)."""
    for code, texts in entries.items():
        if not CODE.match(code):
            raise ValueError(f"not a message code: {code!r}")
        if _CATALOG.get(code, texts) != texts:
            raise ValueError(f"message code {code!r} registered twice with different text")
        _CATALOG[code] = texts


def register_label(name: str, label: Callable[[Any], str]) -> None:
    """A label usable as a format spec (``{status:plan_status}``) in Indonesian templates."""
    _LABELS[name] = label


def known(code: str) -> bool:
    return code in _CATALOG


def codes() -> frozenset[str]:
    return frozenset(_CATALOG)


def template(code: str, language: Language = "id") -> str:
    texts = _CATALOG[code]
    return texts[0] if language == "id" else texts[1]


class _Formatter(string.Formatter):
    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec in _LABELS:
            return _LABELS[format_spec](value) if self.language == "id" else str(getattr(value, "value", value))
        return super().format_field(value, format_spec)


_FORMATTERS: Final = {"id": _Formatter("id"), "en": _Formatter("en")}


def render(code: str, params: Mapping[str, Any] | None = None, language: Language = "id") -> str:
    """The text of a code in a language. An unknown code renders as itself (a test keeps every raised code
    in the catalog); a missing parameter leaves its placeholder visible rather than failing the request."""
    if code not in _CATALOG:
        return code
    text = template(code, language)
    try:
        return _FORMATTERS[language].vformat(text, (), dict(params or {}))
    except (KeyError, IndexError, ValueError):
        return text


KERNEL_MESSAGES: Final = {
    "kernel.access.not-allowed": ("Anda tidak berhak mengakses data pegawai ini",
                                  "not allowed to access this employee's data"),
    "kernel.access.other-office": ("Data ini milik pegawai yang bukan pegawai kantor Anda",
                                   "user {user_id} has no access to the office of this item"),
    "kernel.access.office": ("Anda tidak memiliki akses ke kantor {office_id}",
                             "user {user_id} has no access to office {office_id}"),
    "kernel.access.role": ("Tindakan ini memerlukan peran: {roles}", "requires one of roles: {roles}"),
    "kernel.auth.missing-token": ("Silakan masuk terlebih dahulu", "missing bearer token"),
    "kernel.auth.expired": ("Sesi Anda telah berakhir, silakan masuk kembali", "token expired"),
    "kernel.auth.invalid": ("Token tidak valid", "invalid token: {reason}"),
    "kernel.auth.lifetime": ("Masa berlaku token terlalu panjang, silakan masuk kembali",
                             "token lifetime {lifetime}s exceeds {maximum}s"),
    "kernel.auth.unknown-role": ("Token memuat peran yang tidak dikenal", "unknown role in token: {reason}"),
    "kernel.auth.no-subject": ("Token tidak memuat identitas pengguna", "token sub is empty"),
    "kernel.auth.bad-client-id": ("Identitas sistem pada token tidak valid",
                                  "a system token's sub must be a client id [A-Za-z0-9._:-]{{1,64}}"),
    "kernel.auth.subject-not-nip": ("Identitas pengguna pada token bukan NIP yang valid: {problem}",
                                    "a person's token must carry a well-formed NIP as sub"),
    "kernel.nip.invalid": ("{problem}", "invalid NIP {value!r}"),
    "kernel.period.unknown-key": (
        "Periode '{key}' tidak dikenal; gunakan 2026, 2026-Q1 .. 2026-Q4 atau 2026-M01 .. 2026-M12",
        "unknown period key {key!r}"),
    "kernel.event.unknown-type": ("Jenis peristiwa tidak dikenal: {event_type}", "unknown event type {event_type}"),
    "kernel.event.version-too-new": ("Versi peristiwa {event_type} v{version} lebih baru dari yang dikenal",
                                     "{event_type} v{version} is newer than known v{known}"),
    "kernel.event.no-upcaster": ("Tidak ada konversi untuk {event_type} v{version}",
                                 "no upcaster for {event_type} v{version}"),
    "kernel.message.header-not-utf8": ("Header pesan bukan UTF-8", "header not UTF-8: {error}"),
    "kernel.message.not-cloudevents": ("Pesan bukan CloudEvents 1.0", "missing or unsupported ce_specversion"),
    "kernel.message.content-type": ("Jenis isi pesan harus application/json",
                                    "unsupported content-type {content_type}"),
    "kernel.message.no-value": ("Pesan tanpa isi", "record has no value"),
    "kernel.message.forged-redelivery": (
        "Pesan memakai id peristiwa {event_id} yang sudah diterima dengan isi lain (bukan pengiriman ulang)",
        "event id {event_id} was seen with hash {seen}; this record hashes to {hash}: a forgery, not a redelivery"),
    "kernel.message.not-json": ("Isi pesan bukan JSON yang valid", "value is not JSON: {error}"),
    "kernel.message.not-object": ("Isi pesan harus objek JSON", "value is not a JSON object"),
    "kernel.message.bad-attribute": ("Atribut pesan tidak valid: {attribute}",
                                     "invalid CloudEvents attribute ce_{attribute}: {reason}"),
    "kernel.concurrency.stale-version": (
        "Data telah diubah oleh orang lain (versi {expected_version} sudah tidak terbaru). Muat ulang lalu "
        "coba lagi.",
        "stream {stream_id} is not at expected version {expected_version}",
    ),
    "kernel.transparency.no-checkpoint": ("Log transparansi belum memiliki checkpoint{witnessed}",
                                          "the transparency log has no checkpoint{witnessed_en} yet"),
    "kernel.transparency.unknown-checkpoint": ("Tidak ada checkpoint dengan ukuran pohon {size}",
                                               "no checkpoint of tree size {size}"),
    "kernel.transparency.event-not-in-log": ("Peristiwa {event_id} belum tercatat dalam log transparansi",
                                             "event {event_id} is not in the transparency log yet"),
    "kernel.transparency.sizes": ("Ukuran lama ({old_size}) harus antara 1 dan ukuran baru ({new_size})",
                                  "old size {old_size} must be between 1 and the new size {new_size}"),
    "kernel.transparency.size-beyond-log": ("Ukuran {size} melebihi log ({log_size} peristiwa)",
                                            "size {size} is beyond the log ({log_size} events)"),
}
register(KERNEL_MESSAGES)
