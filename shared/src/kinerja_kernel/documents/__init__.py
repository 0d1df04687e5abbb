"""Official documents (issue 15): the SKP and the Dokumen Evaluasi Kinerja Pegawai as PDF/A, each stating the
events it was made from and carrying a QR code to the public verification page; signatures (PAdES) with the
project's development certificate authority or through BSrE's Esign Client Service API v2.

- :mod:`.render` HTML/CSS templates to PDF/A-3b (WeasyPrint), with a QR code (segno)
- :mod:`.provenance` the events a document is made from, its content hash and short code, re-checking them
- :mod:`.record` the document's own record (issued, signed in the regulation's order), a pure aggregate
- :mod:`.devca` the development certificate authority and PAdES signing (pyHanko)
- :mod:`.bsre` the BSrE Esign Client Service API v2 adapter
"""

from kinerja_kernel.documents import messages as _messages  # noqa: F401 - registers the refusals' texts
