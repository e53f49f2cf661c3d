"""Scheduled functions: polling fallbacks, reminders, digests, clean-ups."""
