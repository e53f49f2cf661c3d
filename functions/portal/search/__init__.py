"""Search across what a caller may see: a token index kept by Firestore triggers."""
