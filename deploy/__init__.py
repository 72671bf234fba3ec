"""Operator tooling that runs outside the application (the local production stack)."""
