"""The evaluation domain: pure rules, no I/O (its aggregates arrive with the evaluation issue)."""
