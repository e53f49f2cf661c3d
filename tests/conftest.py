"""Test harness. The suite runs inside ``firebase emulators:exec`` (see ``make test``):
Auth, Firestore (with ``firestore.rules``), the Python functions and Hosting are the
real emulators. Data is cleared between tests through the emulators' REST endpoints."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from env import AUTH, FIRESTORE, PORTAL, PROJECT, ROOT


def emulators_running() -> bool:
    try:
        httpx.get(FIRESTORE, timeout=2)
        httpx.get(AUTH, timeout=2)
        return True
    except httpx.HTTPError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if emulators_running():
        return
    skip = pytest.mark.skip(reason="needs the emulators: run `make test`")
    for item in items:
        if "unit" not in item.path.parts:
            item.add_marker(skip)


def clear_emulators() -> None:
    httpx.delete(f"{FIRESTORE}/emulator/v1/projects/{PROJECT}/databases/(default)/documents", timeout=30)
    httpx.delete(f"{AUTH}/emulator/v1/projects/{PROJECT}/accounts", timeout=30)
    from portal import db

    db._ORG_CACHE.clear()


@pytest.fixture
def clean() -> Iterator[None]:
    clear_emulators()
    yield


@pytest.fixture
def world(clean: None) -> dict:
    """The demo data: agency, Acme and Globex, one account per role, projects."""
    from portal.seed import seed_demo

    return seed_demo()


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=PORTAL, timeout=60) as client:
        yield client


@pytest.fixture(scope="session", autouse=True)
def standins() -> Iterator[tuple[dict, object]]:
    """The Whop API stand-in and the Slack/n8n recorder, over HTTP on 127.0.0.1, where
    the functions emulator reaches them (functions/.env.local, .env.demo-portal-test).
    Up for the whole run: deliveries made by any test's triggers find them, instead of
    failing and filling the task queue with retries."""
    from standins.server import HOOKS_PORT, WHOP_PORT, Recorder, serve
    from standins.whop import WhopStandIn

    holder: dict = {"whop": WhopStandIn(api_key=os.environ["WHOP_API_KEY"], company_id=os.environ["WHOP_COMPANY_ID"])}
    recorder = Recorder()
    servers = [serve(lambda request: holder["whop"].handle(request), WHOP_PORT), serve(recorder.handle, HOOKS_PORT)]
    drive = drive_standin_module().DriveStandIn()  # Drive, where DRIVE_API_URL points (port 9913)
    servers.append(drive_standin_module().serve(drive, drive_standin_module().DRIVE_PORT))
    holder["drive"] = drive
    yield holder, recorder
    for server in servers:
        server.shutdown()
    drive.close()


def drive_standin_module() -> Any:
    """dev/standins/drive.py (outside the test packages), imported once."""
    import importlib.util
    import sys

    if "drive_standin" not in sys.modules:
        spec = importlib.util.spec_from_file_location("drive_standin", ROOT / "dev" / "standins" / "drive.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["drive_standin"] = module
        spec.loader.exec_module(module)
    return sys.modules["drive_standin"]


@pytest.fixture
def drive_standin(standins: tuple[dict, object]) -> object:
    """The Drive stand-in the functions emulator talks to (shared by the whole run)."""
    return standins[0]["drive"]


@pytest.fixture
def whop(standins: tuple[dict, object]) -> object:
    """A fresh Whop company behind the stand-in, with the key the portal is configured with."""
    from standins.whop import WhopStandIn

    instance = WhopStandIn(api_key=os.environ["WHOP_API_KEY"], company_id=os.environ["WHOP_COMPANY_ID"])
    standins[0]["whop"] = instance
    return instance


@pytest.fixture
def hooks(standins: tuple[dict, object]) -> object:
    recorder = standins[1]
    recorder.reset()  # type: ignore[attr-defined]
    return recorder
