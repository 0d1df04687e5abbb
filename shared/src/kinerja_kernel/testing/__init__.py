"""Test support: fixtures that start real PostgreSQL and Kafka, and helpers for Kafka assertions."""
