"""What a file is, found from its bytes (never from the name or the uploader's content type): the types
accepted as evidence — PDF, PNG, JPEG, WebP, and Office Open XML / OpenDocument documents without macros.
Anything else (HTML, SVG, scripts, executables, legacy OLE documents that may carry macros, archives) is
not recognised and so refused."""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp", DOCX: "docx", XLSX: "xlsx", PPTX: "pptx",
              ODT: "odt", ODS: "ods", ODP: "odp"}
"""Every accepted type with its usual extension."""

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_MAX_ZIP_MEMBERS = 5000


def sniff(data: bytes) -> str | None:
    """The accepted media type ``data`` is, or None when it is none of them."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def _office(data: bytes) -> str | None:
    """An Office Open XML or OpenDocument file (a zip of a known shape), never one with macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > _MAX_ZIP_MEMBERS or any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS, ODP) and "Basic/" not in "".join(names) else None
            if "[Content_Types].xml" in names:
                if archive.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
                    return None  # not a real document's: refuse rather than inflate it
                if b"macroEnabled" in archive.read("[Content_Types].xml"):
                    return None
                for prefix, media in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return media
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError):
        return None
    return None
