"""The orgs feature."""
