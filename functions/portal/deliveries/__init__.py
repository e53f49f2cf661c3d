"""The deliveries feature."""

MAX_ATTEMPTS = 8
"""Attempts of one outbound delivery (the task queue's retry configuration says the same)."""
