"""More of the portal's strings, one module per area (feedback, career, audit ...), merged into
``kinerja_portal.i18n``. Each module defines ``STRINGS`` and may define ``FIELD_LABELS`` and ``LABELS`` in
the same shapes as ``i18n``; a key defined twice is an error (``i18n`` checks at import)."""
