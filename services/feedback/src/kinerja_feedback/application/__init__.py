"""Use cases and policies of the feedback service."""
