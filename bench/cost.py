"""What each request costs in Firestore: documents read and written and round trips, for
every GET endpoint a page calls and the main writes, at 10 and at 1,000 items per
organisation (projects, approval items, threads, messages in a thread, notifications);
and the trigger side: what one project change, one decision and one message cost in total,
the request and the triggers it starts.

Each request goes through the real pipeline (``Route.serve`` with a Flask request, a real ID
token from the Auth emulator) in this process, against the Firestore emulator; each RPC
made through the portal's Firestore client is counted (reads by billing's rule, as in
``bench/dashboard.py``: every document returned or looked up, at least one per query or
aggregation; writes: every write in a commit). Round trips are the RPCs, all sequential
in this code. Checking a credential for revocation costs no Firestore read and, outside
Firestore, at most one round trip to the Auth service per account, instance and
``SESSION_CHECK_SECONDS`` (``bench/revocation.py``), not counted here.

The triggers are run as the Functions runtime would run them, each with the document's
before and after: the project trigger (timeline entries, summary refresh request), the
approval and decision triggers (notifications, deliveries), the message trigger (unread
counts, notifications, mail) and the search indexer. The coalesced summary refresh a
project change asks for costs what ``refresh_org`` costs, once per organisation and
window, shown on its own row. Deliveries' own sending (a task per Slack/n8n post) is not
counted.

    make bench           # starts the Auth and Firestore emulators around this script
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import env  # noqa: E402, F401  (the functions' local settings: the test project's raised rate limits)
import flask  # noqa: E402
from dashboard import READ_METHODS  # noqa: E402

from portal import db  # noqa: E402
from portal.api import registry  # noqa: E402
from portal.identity import Caller, OrgKind, Role  # noqa: E402

SIZES = (10, 1000)
RUNS = 5
RESULTS = ROOT / "bench" / "results"
WRITE_METHODS = ("commit", "batch_write")
OTHER_METHODS = ("begin_transaction", "rollback")
APP = flask.Flask(__name__)


class Meter:
    """Counts RPCs, document reads and document writes made through the portal's client."""

    def __init__(self) -> None:
        self.rpcs = self.reads = self.writes = 0
        api = db.client()._firestore_api
        for name in READ_METHODS + WRITE_METHODS + OTHER_METHODS:
            setattr(api, name, self._wrap(name, getattr(api, name)))

    def _wrap(self, name: str, call: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.rpcs += 1
            if name in WRITE_METHODS:
                request = kwargs.get("request") or (args[0] if args else {})
                writes = request.get("writes") if isinstance(request, dict) else getattr(request, "writes", [])
                self.writes += len(writes or [])
            result = call(*args, **kwargs)
            if name == "get_document":
                self.reads += 1
            elif name in READ_METHODS:
                return self._stream(name, result)
            return result

        return counted

    def _stream(self, name: str, responses: Any) -> Any:
        docs = 0
        if name != "batch_get_documents":
            self.reads += 1
        for response in responses:
            if name == "batch_get_documents" and (response._pb.HasField("found") or response._pb.HasField("missing")):
                self.reads += 1
            elif name == "run_query" and response._pb.HasField("document"):
                docs += 1
                self.reads += docs > 1
            yield response

    def measure(self, fn: Callable[[], Any]) -> tuple[int, int, int, float, Any]:
        self.rpcs = self.reads = self.writes = 0
        started = time.perf_counter()
        result = fn()
        return self.reads, self.writes, self.rpcs, time.perf_counter() - started, result


def route_for(path: str) -> Any:
    for route in registry.routes():
        if route.pattern.match(path):
            return route
    raise LookupError(path)


def call(token: str, method: str, path: str, body: Any = None) -> Any:
    """One request through the pipeline, as the function serving ``path`` gets it."""
    bare = path.split("?")[0]
    with APP.test_request_context(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"}):
        response = route_for(bare).serve(flask.request)
    if response.status_code >= 400:
        raise AssertionError(f"{method} {path}: {response.status_code} {response.get_data()[:300]!r}")
    return json.loads(response.get_data() or b"null")


def token(account: dict[str, Any]) -> str:
    """An ID token of the account as the Auth emulator makes them (unsigned, which only an
    emulator accepts), with its custom claims; the pipeline still checks it against the
    account (revocation) as for any token."""
    from helpers import forged_token

    return forged_token(account["uid"], email=account["email"], role=account["role"], orgId=account["orgId"],
                        permissions=[])  # fmt: skip


def clone(ref: Any, copies: int, make_id: Callable[[int], str], **changes: Callable[[int], Any]) -> list[str]:
    """``copies`` copies of a document and of its subcollections' documents (batched writes):
    an organisation with many items at the cost of a few commits."""
    data = ref.get().to_dict() or {}
    subs = [(sub.id, [(s.id, s.to_dict()) for s in sub.stream()]) for sub in ref.collections()]
    ids, batch, pending = [], db.batch(), 0
    for i in range(copies):
        new = ref.parent.document(make_id(i))
        copy = {**data, "id": new.id, **{k: fn(i) for k, fn in changes.items()}}
        batch.set(new, copy)
        pending += 1
        for sub_id, docs in subs:
            for doc_id, doc in docs:
                batch.set(new.collection(sub_id).document(doc_id), doc)
                pending += 1
        ids.append(new.id)
        if pending >= 400:
            batch.commit()
            batch, pending = db.batch(), 0
    if pending:
        batch.commit()
    return ids


def agency_org() -> str:
    """The agency's organisation (there is one): the existing one, or one made now."""
    from portal.orgs import service as orgs

    found = list(db.orgs().where(filter=db.eq("kind", OrgKind.AGENCY.value)).limit(1).stream())
    if found:
        return str(found[0].id)
    orgs.create_org("Bench agency", OrgKind.AGENCY, org_id="bench-agency", actor_label="bench")
    return "bench-agency"


def seed(size: int) -> dict[str, Any]:
    """An organisation with ``size`` of each item; returns its accounts' tokens and ids."""
    from dashboard import seed as seed_projects

    from portal.approvals import service as approvals
    from portal.members import service as members
    from portal.messages import service as messages
    from portal.notifications import service as notifications
    from portal.notifications import threads

    org_id = seed_projects(size)  # bench-{size}: ``size`` projects and their summary
    agency = agency_org()
    made = {}
    for key, email, role, org in (
        ("owner", f"owner@{org_id}.test", Role.CLIENT_OWNER, org_id),
        ("staff", f"admin{size}@{agency}.test", Role.AJ_ADMIN, agency),
    ):
        made[key] = members.create_user(email=email, role=role, org_id=org, actor_label="bench")
    owner = Caller(uid=made["owner"]["uid"], email=made["owner"]["email"], role=Role.CLIENT_OWNER, org_id=org_id)
    staff = Caller(uid=made["staff"]["uid"], email=made["staff"]["email"], role=Role.AJ_ADMIN, org_id=agency)
    project = "p00000"
    item = {"orgId": org_id, "projectId": project, "contentType": "design", "title": "Concept",
            "description": "For review.", "assigneeEmails": [], "content": {"previewUrl": None, "fileUrls": [],
                                                                            "notes": "Version 1."}}  # fmt: skip
    first = approvals.submit(staff, item)["id"]
    clone(db.system(org_id).approval(first), size - 1, lambda i: f"apv-c{i:05d}")
    to_decide = [approvals.submit(staff, {**item, "title": f"To decide {r}"})["id"] for r in range(RUNS + 1)]
    thread = messages.start_thread(owner, subject="Schedule", body="A question.", project_id=project, org_id=None,
                                   attachments=[])["thread"]["id"]  # fmt: skip
    thread_ref = db.system(org_id).thread(thread)
    clone(thread_ref, size - 1, lambda i: f"thr-c{i:05d}")
    first_message = next(iter(db.messages(thread_ref).stream()))
    clone(first_message.reference, size - 1, lambda i: f"m-c{i:05d}", seq=lambda i: i + 2)
    thread_ref.update({"messageCount": size})
    # The owner's notifications: one about the thread (one per thread and person, whatever its
    # messages) and ``size - 1`` others, all unread.
    news = threads.News(key="m-bench", kind="message", title="A message", body="Hello", name="Ops", seq=2)
    threads.notify(org_id, thread, {owner.uid: news}, subject="Schedule", link=f"/messages/{thread}")
    notifications.notify(org_id, [owner.uid], key="bench-0", kind="approval_needed", title="Please review",
                         body="Concept", link=f"/approvals/{first}")  # fmt: skip
    other = db.system(org_id).notification(notifications.notification_key("bench-0", owner.uid))
    clone(other, size - 2, lambda i: f"n-c{i:05d}")
    return {"org": org_id, "owner": token(made["owner"]), "staff": token(made["staff"]), "project": project,
            "approval": first, "thread": thread, "decide": to_decide}  # fmt: skip


def trigger_cost(meter: Meter, kind: str, seeded: dict[str, Any], before: dict[str, Any], run: int) -> tuple:
    """The triggers one write starts, run as the runtime would; returns (reads, writes, rpcs)."""
    from portal.approvals import events as approval_events
    from portal.dashboard import summaries
    from portal.messages import events as message_events
    from portal.projects import activity
    from portal.search import index

    org = seeded["org"]
    asked: list[str] = []
    saved = summaries.request_refresh
    summaries.request_refresh = lambda org_id, **_: asked.append(org_id)  # type: ignore[assignment]
    try:
        if kind == "project":
            ref = db.system(org).project(seeded["project"])
            after = ref.get().to_dict()

            def fire() -> None:
                activity.on_project_written(f"bench-{run}-{time.time_ns()}", org, seeded["project"], before, after)
                index.on_written("project", {"orgId": org, "projectId": seeded["project"]})

        elif kind == "decision":
            approval_id = seeded["decide"][run]
            ref = db.system(org).approval(approval_id)
            after = ref.get().to_dict()
            decision = db.decision(ref, 1).get().to_dict() or {}

            def fire() -> None:
                approval_events.on_decision_created(org, approval_id, decision)
                approval_events.on_approval_written(f"bench-{run}-{time.time_ns()}", org, approval_id, before, after)
                index.on_written("approval", {"orgId": org, "approvalId": approval_id})

        else:
            thread = db.system(org).thread(seeded["thread"])
            message = before["message"]
            data = db.messages(thread).document(message).get().to_dict() or {}

            def fire() -> None:
                message_events.on_message_created(org, seeded["thread"], message, data)
                index.on_written("message", {"orgId": org, "threadId": seeded["thread"], "messageId": message})
                index.on_written("thread", {"orgId": org, "threadId": seeded["thread"]})

        reads, writes, rpcs, _, _ = meter.measure(fire)
    finally:
        summaries.request_refresh = saved  # type: ignore[assignment]
    return reads, writes, rpcs


def main() -> None:
    if not db.config.project_id():
        db.config.project_id.cache_clear()
    meter = Meter()
    rows: list[dict[str, Any]] = []
    for size in SIZES:
        rows.extend(measure(meter, size))
    report(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cost.json").write_text(json.dumps(rows, indent=1))


def measure(meter: Meter, size: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    s = seed(size)
    o, st = s["owner"], s["staff"]
    reads = {
        "GET /api/auth/me": (o, "/api/auth/me"),
        "GET /api/dashboard": (o, "/api/dashboard"),
        "GET /api/dashboard (staff)": (st, "/api/dashboard"),
        "GET /api/projects": (o, "/api/projects"),
        "GET /api/projects/{id}": (o, f"/api/projects/{s['project']}"),
        "GET /api/approvals": (o, "/api/approvals"),
        "GET /api/approvals/{id}": (o, f"/api/approvals/{s['approval']}"),
        "GET /api/messages": (o, "/api/messages"),
        "GET /api/messages/{id}": (o, f"/api/messages/{s['thread']}"),
        "GET /api/notifications": (o, "/api/notifications"),
        "GET /api/notifications/unread": (o, "/api/notifications/unread"),
        "GET /api/members": (o, "/api/members"),
        "GET /api/files": (o, "/api/files"),
        "GET /api/bookings": (o, "/api/bookings"),
        "GET /api/search?q=project": (o, "/api/search?q=project"),
        "GET /api/me/preferences": (o, "/api/me/preferences"),
        "GET /api/clients (staff)": (st, "/api/clients"),
        "GET /api/orgs (staff)": (st, "/api/orgs"),
        "GET /api/templates (staff)": (st, "/api/templates"),
    }
    for name, (token, path) in reads.items():
        call(token, "GET", path)  # warm up
        samples = [meter.measure(lambda t=token, p=path: call(t, "GET", p)) for _ in range(RUNS)]
        rows.append(row(name, size, samples))
    project_path = f"/api/projects/{s['project']}"
    writes: dict[str, tuple[str, Callable[[int], tuple[Any, Any]]]] = {
        "PATCH /api/projects/{id}": ("project", lambda r: (
            db.system(s["org"]).project(s["project"]).get().to_dict(),
            lambda: call(st, "PATCH", project_path, {"status": ("active", "review")[r % 2]}))),
        "POST /api/approvals/{id}/action": ("decision", lambda r: (
            db.system(s["org"]).approval(s["decide"][r]).get().to_dict(),
            lambda: call(o, "POST", f"/api/approvals/{s['decide'][r]}/action",
                         {"action": "approve", "comment": "", "version": 1}))),
        "POST /api/messages/{id}": ("message", lambda r: (
            {}, lambda: call(o, "POST", f"/api/messages/{s['thread']}", {"body": f"Message {r}."}))),
    }  # fmt: skip
    for name, (kind, prepare) in writes.items():
        samples, triggers = [], []
        for run in range(RUNS):
            before, fn = prepare(run)
            sample = meter.measure(fn)
            samples.append(sample)
            if kind == "message":
                before = {"message": sample[4]["message"]["id"]}
            triggers.append(trigger_cost(meter, kind, s, before, run))
        rows.append(row(name, size, samples, triggers))
    rows.append(row("POST /api/messages/{id}/read", size,
                    [meter.measure(lambda: call(o, "POST", f"/api/messages/{s['thread']}/read"))]))  # fmt: skip
    from portal.dashboard import summaries

    rows.append(row("summary refresh (per org and window)", size,
                    [meter.measure(lambda: summaries.refresh_org(s["org"])) for _ in range(RUNS)]))  # fmt: skip
    return rows


def row(name: str, size: int, samples: list, triggers: list | None = None) -> dict[str, Any]:
    def spread(values: list[int]) -> str:
        return "/".join(str(v) for v in sorted(set(values)))

    out = {
        "name": name,
        "size": size,
        "reads": spread([x[0] for x in samples]),
        "writes": spread([x[1] for x in samples]),
        "rpcs": spread([x[2] for x in samples]),
        "ms": statistics.median(x[3] for x in samples) * 1000,
    }
    if triggers:
        out.update(t_reads=spread([t[0] for t in triggers]), t_writes=spread([t[1] for t in triggers]),
                   t_rpcs=spread([t[2] for t in triggers]))  # fmt: skip
    return out


def report(rows: list[dict[str, Any]]) -> None:
    print("cost per request (Firestore documents; round trips = RPCs; + triggers = what its triggers add)")
    print(f"{'request':<38}{'items':>6}{'reads':>8}{'writes':>8}{'trips':>7}{'ms':>7}  + triggers r/w/trips")
    for r in sorted(rows, key=lambda r: (r["name"], r["size"])):
        extra = f"  + {r['t_reads']}/{r['t_writes']}/{r['t_rpcs']}" if "t_reads" in r else ""
        print(f"{r['name']:<38}{r['size']:>6}{r['reads']:>8}{r['writes']:>8}{r['rpcs']:>7}{r['ms']:>7.0f}{extra}")
    grows = growth(rows)
    print("grows with the organisation's size:", ", ".join(grows) if grows else "nothing")


def growth(rows: list[dict[str, Any]]) -> list[str]:
    """Requests whose reads at 1,000 items exceed those at 10 by more than a page (25)."""
    by = {(r["name"], r["size"]): r for r in rows}

    def top(value: str) -> int:
        return max(int(v) for v in value.split("/"))

    out = []
    for (name, size), r in by.items():
        small = by.get((name, SIZES[0]))
        if size == SIZES[-1] and small:
            for key in ("reads", "t_reads"):
                if key in r and top(r[key]) > top(small[key]) + 25:
                    out.append(f"{name} ({key} {small[key]} -> {r[key]})")
    return out


if __name__ == "__main__":
    main()
