"""The projects feature."""
