"""Use cases of the planning service: load, decide, save."""
