"""Triggers: Firestore and Auth events, each turned into one service call."""
