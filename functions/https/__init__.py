"""HTTPS functions: one function per API path, each a one-line doorway into
``portal.api``. Hosting rewrites ``/api/...`` paths to them (``firebase.json``)."""
