"""Test harness. The suite runs inside ``firebase emulators:exec`` (see ``make test``):
Auth, Firestore (with ``firestore.rules``), the Python functions and Hosting are the
real emulators. Firestore is cleared between tests through the emulator's REST endpoint.

The demo data (:mod:`portal.seed`) is made once per run, by ``seed_demo`` itself, in a
project of its own where no trigger listens; what it wrote is copied into the test project
once with the triggers on, and what is there when the functions are done (the seed's
documents and what the triggers derived from them) is the snapshot every test starts from.
Before each test the snapshot is written back in one batched write with the triggers paused
(they would only derive it again), after the previous test's functions have finished. The demo
Auth accounts are created once, with the seed's uids, and between tests only an account a
test changed (claims, disabled, revoked, password, ...) is made again and accounts a test
created are deleted. A test that shows something did not happen waits for the functions to
be done (``helpers.settle``), not for a fixed time."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import helpers
import httpx
import pytest
from env import AUTH, FIRESTORE, HUB, PORTAL, PROJECT, ROOT

SEED_PROJECT = f"{PROJECT}-seed"
"""Where ``seed_demo`` runs once per session: the same emulators, a project without triggers."""


def emulators_running() -> bool:
    try:
        helpers.web.get(FIRESTORE, timeout=2)
        helpers.web.get(AUTH, timeout=2)
        return True
    except httpx.HTTPError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``last`` (checks over what the whole run did) run after the others. Tests
    other than the unit tests need the emulators: without them the run stops at once and says
    how to run it, instead of skipping hundreds of tests."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)
    needing = [item for item in items if "unit" not in item.path.parts]
    if needing and not emulators_running():
        raise pytest.UsageError(
            f"{len(needing)} of the selected tests need the emulators (Firestore at {FIRESTORE}, Auth at {AUTH}), "
            "and they are not running. Run them with `make test` "
            "(a part: make test TESTS=../tests/api/test_projects.py); only tests/unit runs without them."
        )


@contextlib.contextmanager
def triggers_paused() -> Iterator[None]:
    """Background triggers paused: the functions still running finish first, and writes made
    meanwhile fire nothing (scripts/emulator-functions.cjs). The demo data is restored so:
    it already holds what the triggers derive, and a restore that fired them would run
    every trigger on every demo document before each test."""
    try:
        r = helpers.web.put(f"{HUB}/functions/pauseBackgroundTriggers", timeout=90)
        if r.status_code != 200:  # functions still running after a minute: the triggers take events again
            raise AssertionError(f"the emulator hub did not pause the triggers: {r.status_code} {r.text[:200]}")
        yield
    finally:
        helpers.web.put(f"{HUB}/functions/resumeBackgroundTriggers", timeout=30).raise_for_status()


def clear_firestore(project: str = PROJECT) -> None:
    """Delete every document. The emulator refuses while a trigger of the previous test holds
    a lock; then it is asked again, and a test never starts on another test's documents."""
    url = f"{FIRESTORE}/emulator/v1/projects/{project}/databases/(default)/documents"
    for attempt in range(10):
        r = helpers.web.delete(url, timeout=30)
        if r.is_success:
            break
        if attempt == 9:
            raise AssertionError(f"the Firestore emulator did not clear: {r.status_code} {r.text[:200]}")
        time.sleep(0.5)
    from portal import db

    db._ORG_CACHE.clear()


def clear_auth(project: str = PROJECT) -> None:
    helpers.web.delete(f"{AUTH}/emulator/v1/projects/{project}/accounts", timeout=30)
    helpers.forget_sessions()


def _fingerprint(user: Any) -> tuple:
    """Everything about an account a test could change (not its last sign-in)."""
    return (
        user.email,
        user.disabled,
        json.dumps(user.custom_claims or {}, sort_keys=True),
        user.tokens_valid_after_timestamp,
        user.password_hash,
        user.password_salt,
        user.display_name,
        user.email_verified,
        user.phone_number,
        user.photo_url,
        sorted((p.provider_id, p.uid) for p in user.provider_data),
        json.dumps(getattr(user, "_data", {}).get("mfaInfo") or [], sort_keys=True),  # second factors
    )


def _as_written(value: Any) -> Any:
    """The seed stores no timestamp of its own: every one was the server's clock, and is again."""
    from google.cloud import firestore

    if isinstance(value, dt.datetime):
        return firestore.SERVER_TIMESTAMP
    if isinstance(value, dict):
        return {k: _as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_written(v) for v in value]
    return value


def _documents(client: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every document of ``client``'s project, as it would be written again."""
    documents: list[tuple[str, dict[str, Any]]] = []

    def walk(collection: Any) -> None:
        for ref in collection.list_documents():
            snap = ref.get()
            if snap.exists:
                documents.append((ref.path, _as_written(snap.to_dict())))
            for sub in ref.collections():
                walk(sub)

    for collection in client.collections():
        walk(collection)
    return documents


@dataclass
class Demo:
    """The seed's result, its documents and its accounts, and how to bring them back."""

    result: dict[str, Any]
    documents: list[tuple[str, dict[str, Any]]]
    accounts: dict[str, Any]  # uid -> the seed's Auth record
    baseline: dict[str, tuple] = field(default_factory=dict)  # uid -> fingerprint in the test project

    @classmethod
    def made_by_seed(cls) -> Demo:
        clear_firestore(SEED_PROJECT)
        clear_auth(SEED_PROJECT)
        env = {**os.environ, "GCLOUD_PROJECT": SEED_PROJECT}
        code = "import json; from portal.seed import seed_demo; print(json.dumps(seed_demo()))"
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "functions", env=env, check=True,
                             capture_output=True, text=True)  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        import firebase_admin
        from firebase_admin import auth
        from google.cloud import firestore

        app = firebase_admin.initialize_app(options={"projectId": SEED_PROJECT}, name=SEED_PROJECT)
        accounts = {u.uid: u for u in auth.list_users(app=app).iterate_all()}
        made = cls(result, _documents(firestore.Client(project=SEED_PROJECT)), accounts)
        made.derive()
        return made

    def derive(self) -> None:
        """Write the seed's documents into the test project with the triggers on, let the
        functions finish, and keep what is there then. Each test starts from this snapshot,
        restored with the triggers paused: the same data as restoring the seed's documents
        and waiting for every trigger on every one of them, without the wait or the work."""
        from portal import db

        clear_firestore()
        self.restore_documents()
        helpers.settle(timeout=180)
        self.documents = _documents(db.client())

    def restore_accounts(self) -> None:
        """Make the test project's accounts the seed's again, touching only what differs."""
        from portal import authn
        from portal.seed import PASSWORD

        admin = authn.admin_auth()
        current = {u.uid: u for u in admin.list_users().iterate_all()}
        remake = [uid for uid in self.accounts
                  if uid not in current or _fingerprint(current[uid]) != self.baseline.get(uid)]  # fmt: skip
        for uid in [u for u in current if u not in self.accounts] + [u for u in remake if u in current]:
            admin.delete_user(uid)
        if set(current) - set(self.accounts):
            helpers.forget_sessions(*(u.email for uid, u in current.items() if uid not in self.accounts))
        for uid in remake:
            seed = self.accounts[uid]
            admin.create_user(uid=uid, email=seed.email, password=PASSWORD, display_name=seed.display_name,
                              email_verified=seed.email_verified)  # fmt: skip
            if seed.custom_claims:
                admin.set_custom_user_claims(uid, seed.custom_claims)
            helpers.forget_sessions(seed.email)
        if remake:
            made = {u.uid: u for u in admin.list_users().iterate_all()}
            self.baseline.update({uid: _fingerprint(made[uid]) for uid in remake})

    def restore_documents(self) -> None:
        from google.api_core.exceptions import Aborted

        from portal import db

        client = db.client()
        for start in range(0, len(self.documents), 500):
            batch = client.batch()
            for path, data in self.documents[start : start + 500]:
                batch.set(client.document(path), data)
            for attempt in range(5):  # a late trigger of the previous test may hold a lock
                try:
                    batch.commit()
                    break
                except Aborted:
                    if attempt == 4:
                        raise
                    time.sleep(0.5)


@pytest.fixture(scope="session")
def demo(standins: tuple[dict, object]) -> Demo:
    """The demo data (the stand-ins are up first: the triggers of its first writing deliver)."""
    from portal import querylog

    # The queries the index check reads are this run's (tests/parity); suites side by side
    # (scripts/test.sh) share one record, which the script empties before they start.
    log = querylog.log_path()
    if log is not None and not os.environ.get("TEST_SHARD"):
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("")
    made = Demo.made_by_seed()
    clear_auth()
    helpers.cache_sessions_for(*(u.email for u in made.accounts.values()))
    return made


@pytest.fixture(autouse=True)
def _emulator_tests_have_standins(request: pytest.FixtureRequest) -> None:
    """Tests against the emulators get the stand-ins; unit tests need neither them nor their ports."""
    if "unit" not in request.node.path.parts:
        request.getfixturevalue("standins")


@pytest.fixture
def clean() -> Iterator[None]:
    """Nothing at all: no documents, no accounts."""
    with triggers_paused():
        clear_firestore()
    clear_auth()
    yield


@pytest.fixture
def world(demo: Demo) -> dict:
    """The demo data: agency, Acme and Globex, one account per role, projects."""
    with triggers_paused():
        clear_firestore()
        demo.restore_documents()
    demo.restore_accounts()
    return json.loads(json.dumps(demo.result))


class EmulatorRetry(httpx.HTTPTransport):
    """Reads sent again when the Functions emulator itself drops the connection to a
    worker ("socket hang up"): Hosting then answers a bare 500 that no function wrote
    (the portal's own errors always carry a JSON body). Writes are never repeated."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(3):
            response = super().handle_request(request)
            if request.method != "GET" or response.status_code < 500 or attempt == 2:
                return response
            body = response.read()
            if body.startswith(b'{"error"'):
                return response
            response.close()
            time.sleep(0.5)
        raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=PORTAL, timeout=60, transport=EmulatorRetry()) as client:
        yield client


@pytest.fixture(scope="session")
def standins() -> Iterator[tuple[dict, object]]:
    """The Whop API stand-in and the Slack/n8n recorder, over HTTP on 127.0.0.1, where
    the functions emulator reaches them (functions/.env.local, .env.demo-portal-test).
    Up from the first test that uses the emulators to the end of the run: deliveries made
    by any test's triggers find them, instead of failing and filling the task queue with
    retries."""
    from standins import drive as drive_standins
    from standins.server import HOOKS_PORT, WHOP_PORT, Recorder, serve

    holder: dict = {"whop": _whop()}
    recorder = Recorder()
    servers = [serve(lambda request: holder["whop"].handle(request), WHOP_PORT), serve(recorder.handle, HOOKS_PORT)]
    drive = drive_standins.DriveStandIn()  # Drive, where DRIVE_API_URL points (port 9913)
    servers.append(drive_standins.serve(drive, drive_standins.DRIVE_PORT))
    holder["drive"] = drive
    from standins import smtp as smtp_standin

    mailbox = smtp_standin.MailStore()  # SMTP where SMTP_HOST/SMTP_PORT point (1025)
    smtp = smtp_standin.SmtpStandIn(mailbox, smtp_standin.SMTP_PORT)
    holder["mail"] = mailbox
    from standins import calendar as calendar_standins

    calendar = calendar_standins.CalendarStandIn()  # Google Calendar, where GOOGLE_CALENDAR_API_URL points
    servers.append(serve(calendar.handle, calendar_standins.CALENDAR_PORT))
    holder["calendar"] = calendar
    from standins import model as model_standin

    model = model_standin.ModelStandIn()  # OpenAI chat completions, where ASSISTANT_BASE_URL points (9915)
    servers.append(serve(model.handle, model_standin.MODEL_PORT))
    holder["model"] = model
    yield holder, recorder
    for server in servers:
        server.shutdown()
    drive.close()
    smtp.stop()


@pytest.fixture
def drive_standin(standins: tuple[dict, object]) -> object:
    """The Drive stand-in the functions emulator talks to (shared by the whole run)."""
    return standins[0]["drive"]


@pytest.fixture
def drive(drive_standin: Any) -> Any:
    """The Drive stand-in with what earlier tests left in it forgotten (their folders are gone
    with the emulator's data): every item but the root trashed, no upload session open."""
    with drive_standin.lock:
        for item_id in [i for i in drive_standin.items if i != "root"]:
            drive_standin.items[item_id].trashed = True
        drive_standin.sessions.clear()
    return drive_standin


@pytest.fixture
def calendar_standin(standins: tuple[dict, object]) -> object:
    """The Google Calendar stand-in the functions emulator talks to, emptied for the test."""
    calendar = standins[0]["calendar"]
    calendar.reset()  # type: ignore[attr-defined]
    return calendar


def _whop() -> Any:
    """A Whop company behind the stand-in, with the key the portal is configured with."""
    from standins.whop import WhopStandIn

    configured = {"api_key": os.environ.get("WHOP_API_KEY"), "company_id": os.environ.get("WHOP_COMPANY_ID")}
    return WhopStandIn(**{k: v for k, v in configured.items() if v})


@pytest.fixture
def whop(standins: tuple[dict, object]) -> object:
    """A fresh Whop company behind the stand-in, with the key the portal is configured with."""
    instance = _whop()
    standins[0]["whop"] = instance
    return instance


@pytest.fixture
def model_standin(standins: tuple[dict, object]) -> object:
    """The assistant's model (an OpenAI-compatible stand-in), with no script and no requests."""
    model = standins[0]["model"]
    model.reset()
    return model


@pytest.fixture
def hooks(standins: tuple[dict, object]) -> object:
    recorder = standins[1]
    recorder.reset()  # type: ignore[attr-defined]
    return recorder


@pytest.fixture
def mails(standins: tuple[dict, object]) -> object:
    """The mail the portal sent (the SMTP stand-in), emptied for this test."""
    mailbox = standins[0]["mail"]
    mailbox.reset()
    return mailbox
