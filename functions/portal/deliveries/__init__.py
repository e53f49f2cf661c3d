"""The deliveries feature."""
