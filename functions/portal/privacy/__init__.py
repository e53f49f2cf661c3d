"""Privacy: data exports, account and organisation deletion, and the retention policy."""
