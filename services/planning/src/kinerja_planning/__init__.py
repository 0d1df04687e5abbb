"""Planning service: performance plans (SKP), their RHK/IKI, cascading and realisation."""
