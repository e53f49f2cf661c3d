"""The portal's HTTPS functions served the way a deployment serves them, for the load run.

Deployed, each HTTPS function is a Cloud Run service whose container runs functions-framework:
one gunicorn process with a thread per concurrent request (``THREADS``, to match the
service's concurrency), importing ``main.py`` once and calling the function with the Flask
request. Hosting's rewrites (``firebase.json``) pick the function from the path. This module is
such a functions-framework source: its one function, ``portal``, picks the function of
``main.py`` the way Hosting's rewrites do (first matching ``source``) and calls it, so that a
single process answers what the Functions emulator spreads over a worker process per request.
It talks to the same Firestore and Auth emulators (``tests/env.py``) with the same settings
(``functions/.env*``) as the emulated functions.

    THREADS=8 functions-framework --source bench/deployed.py --target portal --port 7095

``bench/load.py --mode deployed`` starts and stops it. What differs from a deployment: one
process for every function (deployed, each function scales its own instances, 1 vCPU each),
no Hosting hop in front, and the emulators and the load generator on the same cores.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "functions"))

import env  # noqa: E402, F401  (the emulators' addresses and the functions' local settings)


def _glob(source: str) -> re.Pattern[str]:
    """Hosting's glob: ``**`` any path, ``*`` one segment."""
    parts = re.split(r"(\*\*|\*)", source)
    regex = "".join(".*" if p == "**" else "[^/]*" if p == "*" else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$")


@cache
def rewrites() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, function name) for every rewrite to a function, in ``firebase.json``'s order."""
    config = json.loads((ROOT / "firebase.json").read_text())
    return tuple(
        (_glob(r["source"]), r["function"]["functionId"]) for r in config["hosting"]["rewrites"] if "function" in r
    )


def function_for(path: str) -> str | None:
    return next((name for pattern, name in rewrites() if pattern.match(path)), None)


@cache
def _main() -> Any:
    import main  # every function (FUNCTION_TARGET is `portal`, which main.py does not name)

    return main


def portal(request: Any) -> Any:
    """The function Hosting would call for this path, called as functions-framework calls it."""
    name = function_for(request.path)
    if name is None:
        body = {"error": {"code": "not_found", "message": "No function serves this path."}}
        return json.dumps(body), 404, {"Content-Type": "application/json"}
    return getattr(_main(), name)(request)


_main()  # imported at start, as a deployed instance imports its function before its first request
