"""Feedback service: continuous feedback, performance dialogues and the notification inbox."""
