"""HTTPS functions: one function per API path, a file per feature, each a one-line
doorway into that feature's routes (``portal/<feature>/routes.py``). Hosting rewrites
``/api/...`` paths to them (``firebase.json``)."""
