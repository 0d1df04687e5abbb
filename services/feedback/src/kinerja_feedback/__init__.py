"""Feedback service: continuous feedback, performance dialogues and the notification inbox."""

from kinerja_feedback import messages as messages  # the message catalog, registered on import
