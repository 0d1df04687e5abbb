"""Feedback adapters: repositories and read models in the feedback database."""
