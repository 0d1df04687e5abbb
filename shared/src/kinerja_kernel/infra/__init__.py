"""Launchers for the real infrastructure on a machine without Docker: PostgreSQL and Kafka."""
