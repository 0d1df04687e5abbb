"""Planning service: performance plans (SKP), their RHK/IKI, cascading and realisation."""

from kinerja_planning import messages as _messages  # noqa: F401  (registers the message catalog)
