"""Evaluation adapters: persistence through the kernel's event store."""
