"""The published language: event models other services (and downstream systems) consume.

Importing this package registers every published event type in the default registry.
"""

from kinerja_kernel.contracts import career, evaluation, feedback, planning

__all__ = ["career", "evaluation", "feedback", "planning"]
