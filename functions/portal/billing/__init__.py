"""The billing feature."""
