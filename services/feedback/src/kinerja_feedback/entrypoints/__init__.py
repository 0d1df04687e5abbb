"""Feedback entrypoints: HTTP routes and the process main (the Kafka subscribers are wired in bootstrap)."""
