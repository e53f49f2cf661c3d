"""Adapters behind the portal's ports (billing, file store, calendar, notifier).

Each adapter wraps one provider's real client library, imports it on first use rather than
at cold start, and takes its network (an httpx transport, a Google http object) as an
argument so that tests can put a local stand-in in its place without monkeypatching.

An instance's threads share its adapters: an adapter builds its httpx client once and reuses
it (``httpclients``), and a Google discovery client sends each thread's requests over that
thread's own transport (``googleapi``).
"""
