"""Where the emulators are and the functions' local settings, for every kind of test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "dev"))


def _load_env(path: Path) -> None:
    """The functions' local settings (written by scripts/setup.sh), for in-process calls."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


_load_env(ROOT / "functions" / ".env.local")
_load_env(ROOT / "functions" / ".secret.local")
_load_env(ROOT / "functions" / ".env.demo-portal-test")
PROJECT = os.environ.setdefault("GCLOUD_PROJECT", "demo-portal-test")
os.environ.setdefault("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080")
os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
os.environ.setdefault("PORTAL_URL", "http://127.0.0.1:5000")

FIRESTORE = f"http://{os.environ['FIRESTORE_EMULATOR_HOST']}"
AUTH = f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}"
PORTAL = "http://127.0.0.1:5000"
HUB = f"http://{os.environ.get('FIREBASE_EMULATOR_HUB', '127.0.0.1:4400')}"
"""The emulator hub (``emulators:exec`` names it in FIREBASE_EMULATOR_HUB)."""
TASKS = "http://127.0.0.1:9499"
"""The Cloud Tasks emulator (firebase.json)."""
