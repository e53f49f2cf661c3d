"""The members feature."""
