"""HTML/CSS templates to PDF/A-3b with WeasyPrint (Pango/HarfBuzz shaping, fonts embedded and subset, table
headers repeated on every page a table spans), and the QR code pointing to the verification page (segno)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import segno

from kinerja_kernel.labels import tanggal

TEMPLATES = Path(__file__).with_name("templates")
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)
_ENV.filters["tanggal"] = tanggal


@dataclass(frozen=True)
class SignatureSpot:
    """Where a signer's visible signature goes: page (0-based) and box in PDF points (x1, y1, x2, y2 from the
    bottom left), found from the rendered layout of the element ``id="ttd-<role>"``."""

    role: str
    page: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    spots: dict[str, SignatureSpot]
    pages: int


def qr_svg(url: str) -> str:
    """An SVG QR code (error correction M) of ``url``, to place inline in a template."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=3, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


def render_pdf(template: str, context: dict[str, Any], attachments: Mapping[str, tuple[bytes, str]] | None = None
               ) -> Rendered:
    """Render ``templates/<template>`` with ``context`` to a PDF/A-3b document; returns the bytes and where each
    signature block (``id="ttd-<role>"``) landed. ``attachments`` (file name -> (bytes, description)) are
    embedded as PDF/A-3 associated files (relationship ``Supplement``)."""
    from weasyprint import HTML, Attachment  # type: ignore[import-untyped]  # loaded on the first document

    html = _ENV.get_template(template).render(**context)
    document = HTML(string=html, base_url=str(TEMPLATES)).render()
    spots = _signature_spots(document)
    files = [Attachment(file_obj=io.BytesIO(data), name=name, description=about, relationship="Supplement")
             for name, (data, about) in (attachments or {}).items()]
    pdf = document.write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=False, custom_metadata=False,
                             attachments=files)
    assert pdf is not None
    return Rendered(pdf=pdf, spots=spots, pages=len(document.pages))


def warm_up() -> None:
    """Load WeasyPrint and its fonts once (seconds on a busy machine), so the first document a service is asked
    for does not pay for it inside a caller's timeout. Run in a daemon thread when a service's desk is built."""
    render_pdf("_warm.html", {})


def _signature_spots(document: Any) -> dict[str, SignatureSpot]:
    """Walk the laid-out boxes for ``ttd-<role>`` elements (CSS px at 96 dpi -> PDF points at 72)."""
    spots: dict[str, SignatureSpot] = {}
    for number, page in enumerate(document.pages):
        height = page.height * 0.75
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None and hasattr(element, "get") else None
            if ident and ident.startswith("ttd-") and ident[4:] not in spots:
                x, y = box.border_box_x() * 0.75, box.border_box_y() * 0.75
                w, h = box.border_width() * 0.75, box.border_height() * 0.75
                spots[ident[4:]] = SignatureSpot(ident[4:], number, (int(x), int(height - y - h), int(x + w),
                                                                     int(height - y)))
            stack.extend(getattr(box, "children", ()))
    return spots
