"""The planning domain: pure rules of the SKP, no I/O."""
