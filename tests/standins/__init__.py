"""Local stand-ins for the external services the portal talks to.

Each one speaks its provider's real API (paths, query parameters, auth header, JSON shapes,
signatures) from an in-memory store, so adapters are tested through their real client
libraries with only the network swapped out.
"""
