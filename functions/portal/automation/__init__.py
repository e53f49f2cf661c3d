"""The automation feature."""
