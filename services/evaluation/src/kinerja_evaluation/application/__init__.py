"""Use cases and policies of the evaluation service."""
