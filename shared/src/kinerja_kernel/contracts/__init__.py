"""The published language: event models other services (and downstream systems) consume.

Importing this package registers every published event type in the default registry.
"""

from kinerja_kernel.contracts import career, documents, evaluation, feedback, planning

__all__ = ["career", "documents", "evaluation", "feedback", "planning"]
