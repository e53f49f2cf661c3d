"""The approvals feature."""
