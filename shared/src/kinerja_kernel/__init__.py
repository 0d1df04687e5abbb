"""Kinerja shared kernel: what every service needs and no business rule."""
