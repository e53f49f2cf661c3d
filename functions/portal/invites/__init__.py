"""The invites feature."""
