"""The feedback domain: pure rules, no I/O."""
