"""The career domain: pure rules, no I/O (its aggregates arrive with the career issue)."""
