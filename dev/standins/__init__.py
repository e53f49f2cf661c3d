"""Local stand-ins for the external services the portal talks to.

Each one speaks its provider's real API (paths, query parameters, auth header, JSON shapes,
signatures) from an in-memory store, so adapters are tested through their real client
libraries with only the network swapped out. ``make dev`` serves them on 127.0.0.1 for the
emulators (``python -m standins.server`` from ``dev/``), and the test suite imports them
(``tests/env.py`` puts ``dev/`` on the import path).

- ``whop.py``: Whop's REST API (v1) and its Standard Webhooks signatures;
- ``server.py``: serves any stand-in over HTTP, and records what Slack's and n8n's webhooks
  receive;
- ``model.py``: OpenAI's Chat Completions API (streamed text, tool calls, usage) for the
  assistant, scripted per test or with canned answers.

New stand-ins (Google Drive, Calendar, an SMTP sink, ...) belong here too: one module per
provider, an ``httpx``-style ``handle(request) -> response`` so that :func:`server.serve`
can put it on a port, and no dependency on the tests.
"""
