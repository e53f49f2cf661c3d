"""The storage layer against the Firestore emulator: the transaction helper, the page
helper's cursors, the inbound-webhook ledger and the injected client."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal import db, webhooks
from portal.errors import BadRequest

pytestmark = pytest.mark.usefixtures("clean")


def _projects(n: int) -> list[str]:
    store = db.system("acme")
    batch = db.batch()
    names = [f"Project {i % 4}" for i in range(n)]  # repeated names: the document name breaks ties
    for i, name in enumerate(names):
        batch.set(store.project(f"p{i:02d}"), {"name": name, "n": i})
    batch.commit()
    return names


def _walk(query, prefix: str, limit: int, key: str | None) -> tuple[list[str], list[str]]:
    seen, cursors, cursor = [], [], None
    while True:
        snaps, cursor = db.page(query, prefix, cursor, limit, key=key)
        seen += [s.id for s in snaps]
        if cursor is None:
            return seen, cursors
        cursors.append(cursor)


def test_pages_by_a_field_walk_the_whole_ordering_once() -> None:
    _projects(11)
    query = db.system("acme").projects().order_by("name").order_by("__name__")
    everything = [s.id for s in query.stream()]
    seen, cursors = _walk(query, "orgs/acme/projects/", 3, "name")
    assert seen == everything and len(cursors) == 3
    name, path = json.loads(base64.urlsafe_b64decode(cursors[0]))
    assert name == db.system("acme").project(seen[2]).get().get("name")
    assert path == f"orgs/acme/projects/{seen[2]}"


def test_pages_by_document_walk_the_whole_ordering_once_and_need_the_document() -> None:
    store = db.system("acme")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(7):
        store.approval(f"apv-{i}").set({"submittedAt": start + dt.timedelta(hours=i)})
    query = store.approvals().order_by("submittedAt", direction="DESCENDING")
    seen, cursors = _walk(query, "orgs/acme/approvals/", 2, None)
    assert seen == [f"apv-{i}" for i in reversed(range(7))]
    assert json.loads(base64.urlsafe_b64decode(cursors[0])) == ["apv-5", "orgs/acme/approvals/apv-5"]
    store.approval("apv-5").delete()
    with pytest.raises(BadRequest):
        db.page(query, "orgs/acme/approvals/", cursors[0], 2)


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 json",
        db.encode_cursor("x", "orgs/globex/projects/p00"),  # another organisation's
        db.encode_cursor("x", "orgs/acme/projects/p00/activity/a"),  # not a document of the collection
        db.encode_cursor("x", "orgs/acme/projects/"),
        base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["x", 3]).encode()).decode(),
    ],
)
def test_a_cursor_outside_the_listing_is_refused(cursor: str) -> None:
    _projects(2)
    query = db.system("acme").projects().order_by("name").order_by("__name__")
    with pytest.raises(BadRequest) as caught:
        db.page(query, "orgs/acme/projects/", cursor, 1, key="name")
    assert caught.value.code == "invalid_cursor"


def test_transact_passes_arguments_and_returns_what_fn_returns() -> None:
    ref = db.delivery("counter")
    ref.set({"n": 1})

    def bump(tx, by: int, *, note: str) -> int:
        n = db.read(tx, ref)["n"] + by
        tx.update(ref, {"n": n, "note": note})
        return n

    assert db.transact(bump, 2, note="x") == 3
    assert ref.get().to_dict() == {"n": 3, "note": "x"}


def test_concurrent_transactions_lose_no_update() -> None:
    """Writers contending for one document: each increment reads what the others wrote
    (the emulator makes the later ones wait or aborts them, and ``transact`` runs them again)."""
    ref = db.delivery("contended")
    ref.set({"n": 0})
    runs: list[int] = []

    def bump(tx) -> int:
        n = db.read(tx, ref)["n"]
        runs.append(n)
        time.sleep(0.05)  # hold the read while the others try
        tx.update(ref, {"n": n + 1})
        return n + 1

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: db.transact(bump, attempts=10), range(3)))
    assert sorted(results) == [1, 2, 3]
    assert ref.get().get("n") == 3
    assert len(runs) >= 3


def test_transact_rolls_back_when_fn_raises_and_gives_up_after_its_attempts() -> None:
    ref = db.delivery("untouched")

    def fail(tx) -> None:
        tx.set(ref, {"written": True})
        raise BadRequest("no")

    with pytest.raises(BadRequest):
        db.transact(fail)
    assert not ref.get().exists


def test_the_ledger_applies_an_event_once_and_answers_repeats_as_duplicates() -> None:
    ref = db.delivery("effect")
    applied: list[str] = []

    def apply(delivery: webhooks.Delivery) -> dict:
        applied.append(delivery.event_id)

        def run(tx) -> None:
            delivery.record(tx, {"what": "test"})
            tx.set(ref, {"event": delivery.event_id})

        db.transact(run)
        return {"effect": ref.id}

    assert webhooks.apply_once("test", "e-1", apply) == {"ok": True, "duplicate": False, "effect": "effect"}
    assert webhooks.apply_once("test", "e-1", apply) == {"ok": True, "duplicate": True}
    assert webhooks.apply_once("other", "e-1", apply)["duplicate"] is False  # ids are per source
    assert applied == ["e-1", "e-1"]
    record = db.processed_webhook(webhooks.Delivery("test", "e-1").key).get().to_dict()
    assert record["source"] == "test" and record["eventId"] == "e-1" and record["summary"] == {"what": "test"}


def test_a_duplicate_processed_concurrently_fails_its_commit_and_changes_nothing() -> None:
    ref = db.delivery("raced")

    def effect(delivery: webhooks.Delivery, value: str) -> dict:
        def run(tx) -> None:
            delivery.record(tx, {})
            tx.set(ref, {"by": value})

        db.transact(run)
        return {}

    def slow(delivery: webhooks.Delivery) -> dict:
        # The same event arrives again and completes while this one is still working.
        assert webhooks.apply_once("test", "e-2", lambda d: effect(d, "fast")) == {"ok": True, "duplicate": False}
        return effect(delivery, "slow")

    assert webhooks.apply_once("test", "e-2", slow) == {"ok": True, "duplicate": True}
    assert ref.get().get("by") == "fast"


def test_an_event_that_fails_is_not_recorded_and_can_be_delivered_again() -> None:
    def refuse(delivery: webhooks.Delivery) -> dict:
        raise BadRequest("not yet")

    with pytest.raises(BadRequest):
        webhooks.apply_once("test", "e-3", refuse)
    assert webhooks.apply_once("test", "e-3", lambda d: db.transact(d.record, {}) or {})["duplicate"] is False


def test_the_client_is_injected_for_a_block_or_for_the_process() -> None:
    default = db.client()
    other = db.connect()
    with db.using(other):
        assert db.client() is other
        assert db.system("acme").project("p").path == "orgs/acme/projects/p"
        assert db.system("acme").doc()._client is other
    assert db.client() is default
    db.use(other)
    try:
        assert db.client() is other
    finally:
        db.use(default)
    assert db.client() is default
