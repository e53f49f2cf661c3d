"""Writes firebase.emulators.json: firebase.json with the development Content-Security-Policy.

firebase.json holds the production headers, which name no emulator. The browser talks
to the Auth emulator (sign-in) and the Firestore emulator (live updates) directly, and the
browser tests' stand-in for Sentry's ingest (tests/e2e/test_error_tracking.py) listens on
ERROR_INGEST_PORT, so under the emulators every policy's ``connect-src`` also allows those origins.
Everything else (rewrites, functions, the other headers) is firebase.json's own;
scripts/emulators.sh passes this file with --config.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ERROR_INGEST_PORT = 9916


def development_config(config: dict) -> dict:
    emulators = config.get("emulators", {})
    origins = []
    for name, default in (("auth", 9099), ("firestore", 8080)):
        port = emulators.get(name, {}).get("port", default)
        origins += [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    origins.append(f"http://127.0.0.1:{ERROR_INGEST_PORT}")
    for block in config.get("hosting", {}).get("headers", []):
        for header in block["headers"]:
            if header["key"].lower() == "content-security-policy":
                header["value"] = re.sub(
                    r"connect-src ([^;]*)", lambda m: f"connect-src {m.group(1)} {' '.join(origins)}", header["value"]
                )
    return config


def main() -> None:
    config = json.loads((ROOT / "firebase.json").read_text())
    out = ROOT / "firebase.emulators.json"
    out.write_text(json.dumps(development_config(config), indent=2) + "\n")


if __name__ == "__main__":
    main()
