"""Use cases and policies of the career service."""
