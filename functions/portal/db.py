"""The storage layer: the Firestore client, every path the portal uses, one transaction
helper and one cursor-pagination helper.

Every Firestore path is built in this module; services name what they want
(``grant.project(id)``, ``db.deliveries()``) and never spell a path.

- One organisation's data lives under it (``orgs/{orgId}/...``) and is reached through
  an :class:`OrgStore`. Services answering a request get one only as a :class:`Grant`,
  which only :func:`grant` hands out after the policy has said yes; so the storage
  layer cannot be asked for another organisation's data by accident. Trusted code that
  acts on an organisation named by a trusted source (a trigger's document path, the
  admin CLI, seeding, a verified webhook) says so with :func:`system` or
  :func:`trusted_grant`.
- A few collections are global: ``deliveries`` (the outbox), ``processedWebhooks`` (the
  inbound ledger), ``summaries/clients`` (the agency's dashboard), ``auditLog``,
  ``whopMemberships``, ``unmatchedBillingEvents``, ``system/billingSync`` and
  ``system/jobs/runs`` (the scheduled jobs' records).

The client is injected: :func:`use` installs one for the process and :func:`using` for
a block of code (tests, tools); without either, the first call connects lazily to the
project in the environment (the emulator when ``FIRESTORE_EMULATOR_HOST`` is set).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from . import config, ids
from .errors import BadRequest, Conflict, NotFound, Unavailable
from .identity import Caller, OrgKind
from .policy import Action, OrgRef, authorize, refused_when_archived

if TYPE_CHECKING:
    from google.cloud import firestore

T = TypeVar("T")

# --- the client -------------------------------------------------------------------------

_SCOPED: ContextVar[Any] = ContextVar("portal_firestore_client", default=None)
_DEFAULT: list[Any] = []
_CONNECTING = threading.Lock()


def connect(project: str | None = None) -> firestore.Client:
    """A new Firestore client for ``project`` (default: the configured one; anonymous
    credentials under the emulator)."""
    from google.cloud import firestore

    from . import querylog

    querylog.install()  # the test project records every query's shape for its index check
    return firestore.Client(project=project or config.project_id())


def client() -> firestore.Client:
    """The client in force: the one :func:`using` set for this context, else the one
    :func:`use` installed, else a client connected on first use."""
    scoped = _SCOPED.get()
    if scoped is not None:
        return scoped
    if not _DEFAULT:
        with _CONNECTING:
            if not _DEFAULT:
                _DEFAULT.append(connect())
    return _DEFAULT[0]


def use(instance: firestore.Client | None) -> None:
    """Install ``instance`` as the process's client (None: connect lazily again)."""
    with _CONNECTING:
        _DEFAULT.clear()
        if instance is not None:
            _DEFAULT.append(instance)


@contextmanager
def using(instance: firestore.Client) -> Iterator[firestore.Client]:
    """Use ``instance`` for the code inside the ``with`` block (this thread or task only)."""
    token = _SCOPED.set(instance)
    try:
        yield instance
    finally:
        _SCOPED.reset(token)


def now() -> float:
    return time.time()


# --- names ------------------------------------------------------------------------------

ORGS = "orgs"
# inside an organisation
USERS = "users"
PROJECTS = "projects"
ACTIVITY = "activity"  # orgs/{orgId}/projects/{projectId}/activity
APPROVALS = "approvals"
DECISIONS = "decisions"  # orgs/{orgId}/approvals/{approvalId}/decisions/v{version}
COMMENTS = "comments"  # orgs/{orgId}/approvals/{approvalId}/comments
INVITES = "invites"
NOTIFICATIONS = "notifications"
CONTRACTS = "contracts"
BILLING = "billing"  # orgs/{orgId}/billing/current
PAYMENTS = "payments"  # orgs/{orgId}/billing/current/payments
SUMMARY = "summary"  # orgs/{orgId}/summary/dashboard
FILES = "files"  # the mirror of the files in Drive
UPLOADS = "uploads"  # uploads in progress
PRIVATE = "private"  # orgs/{orgId}/private/settings: secrets, closed to every browser
TEMPLATES = "templates"  # orgs/{agencyId}/templates: the agency's project templates
SEARCH_INDEX = "searchIndex"  # orgs/{orgId}/searchIndex/{kind}:{id}: the search index, server only
THREADS = "threads"  # orgs/{orgId}/threads/{threadId}: subject, participants, last message
MESSAGES = "messages"  # .../threads/{threadId}/messages/{messageId}: what the organisation and staff see
NOTES = "notes"  # .../threads/{threadId}/notes/{noteId}: internal notes, staff only (the rules refuse clients)
READS = "reads"  # .../threads/{threadId}/reads/{uid}: one person's read state, readable by that person alone
PREFERENCES = "preferences"  # orgs/{orgId}/preferences/{uid}: a person's notification channels
SESSIONS = "sessions"  # orgs/{orgId}/users/{uid}/sessions/{sessionId}: signed-in devices, server only
AVATAR = "avatar"  # orgs/{orgId}/users/{uid}/avatar/current: the profile picture, served by the API
# global
AUDIT_LOG = "auditLog"
DELIVERIES = "deliveries"
PROCESSED_WEBHOOKS = "processedWebhooks"
LIVE = "live"
SUMMARIES = "summaries"  # summaries/clients
WHOP_MEMBERSHIPS = "whopMemberships"
UNMATCHED_BILLING_EVENTS = "unmatchedBillingEvents"
SYSTEM = "system"  # system/billingSync
JOBS, JOB_RUNS = "jobs", "runs"  # system/jobs/runs/{job}: what each scheduled job last did (portal.jobs)
BOOKINGS = "bookings"  # orgs/{orgId}/bookings/{bookingId}
UNMATCHED_BOOKINGS = "unmatchedBookings"  # bookings no organisation was found for (staff assign them)
BOOKING_INDEX = "bookingIndex"  # bookingIndex/{bookingId}: where a booking lives (its orgId, or none)
CALENDAR_SYNC = "calendarSync"  # calendarSync/{key}: a Google calendar's sync token and push channel
ASSISTANT_THREADS = "assistantThreads"  # orgs/{orgId}/assistantThreads/{threadId}: one person's conversation
ASSISTANT_ITEMS = "items"  # .../assistantThreads/{threadId}/items/{itemId}: its messages and tool calls
ASSISTANT_USAGE = "assistantUsage"  # orgs/{orgId}/assistantUsage/{YYYY-MM-DD}: the model tokens spent that day
EXPORTS = "exports"  # orgs/{orgId}/exports/{exportId}: a data export (portal.privacy), server only
EXPORT_PARTS = "parts"  # .../exports/{exportId}/parts/{n}: the archive's bytes where Drive is not connected
DELETIONS = "deletions"  # deletions/{user-uid|org-orgId}: deletions in their grace period (portal.privacy)


# --- one organisation -------------------------------------------------------------------


class _OrgPaths:
    """The documents and collections of the organisation ``org_id``, by name."""

    org_id: str

    def doc(self) -> firestore.DocumentReference:
        return client().collection(ORGS).document(self.org_id)

    def _collection(self, name: str) -> firestore.CollectionReference:
        return self.doc().collection(name)

    def users(self) -> firestore.CollectionReference:
        return self._collection(USERS)

    def user(self, uid: str) -> firestore.DocumentReference:
        return self.users().document(uid)

    def sessions(self, uid: str) -> firestore.CollectionReference:
        """The signed-in devices (session cookies) of ``uid``: ``users/{uid}/sessions``."""
        return self.user(uid).collection(SESSIONS)

    def session(self, uid: str, session_id: str) -> firestore.DocumentReference:
        return self.sessions(uid).document(session_id)

    def avatar(self, uid: str) -> firestore.DocumentReference:
        """The profile picture of ``uid``: ``users/{uid}/avatar/current``."""
        return self.user(uid).collection(AVATAR).document("current")

    def projects(self) -> firestore.CollectionReference:
        return self._collection(PROJECTS)

    def project(self, project_id: str) -> firestore.DocumentReference:
        return self.projects().document(project_id)

    def approvals(self) -> firestore.CollectionReference:
        return self._collection(APPROVALS)

    def approval(self, approval_id: str) -> firestore.DocumentReference:
        return self.approvals().document(approval_id)

    def invites(self) -> firestore.CollectionReference:
        return self._collection(INVITES)

    def invite(self, invite_id: str) -> firestore.DocumentReference:
        return self.invites().document(invite_id)

    def notifications(self) -> firestore.CollectionReference:
        return self._collection(NOTIFICATIONS)

    def notification(self, notification_id: str) -> firestore.DocumentReference:
        return self.notifications().document(notification_id)

    def preferences(self, uid: str) -> firestore.DocumentReference:
        """A person's notification preferences (in their own organisation, the agency's
        for staff); no rule lets a browser read it: the API does."""
        return self._collection(PREFERENCES).document(uid)

    def files(self) -> firestore.CollectionReference:
        return self._collection(FILES)

    def file(self, file_id: str) -> firestore.DocumentReference:
        return self.files().document(file_id)

    def uploads(self) -> firestore.CollectionReference:
        return self._collection(UPLOADS)

    def upload(self, upload_id: str) -> firestore.DocumentReference:
        return self.uploads().document(upload_id)

    def contracts(self) -> firestore.CollectionReference:
        """The organisation's contracts as GBU reports them (``portal.projects.inbound``)."""
        return self._collection(CONTRACTS)

    def contract(self, contract_id: str) -> firestore.DocumentReference:
        return self.contracts().document(contract_id)

    def billing(self) -> firestore.DocumentReference:
        return self._collection(BILLING).document("current")

    def dashboard_summary(self) -> firestore.DocumentReference:
        return self._collection(SUMMARY).document("dashboard")

    def private_settings(self) -> firestore.DocumentReference:
        """Secrets and integration status (a client's Slack webhook URL); no rule lets a
        browser read or write it."""
        return self._collection(PRIVATE).document("settings")

    def bookings(self) -> firestore.CollectionReference:
        return self._collection(BOOKINGS)

    def booking(self, booking_id: str) -> firestore.DocumentReference:
        return self.bookings().document(booking_id)

    def threads(self) -> firestore.CollectionReference:
        return self._collection(THREADS)

    def thread(self, thread_id: str) -> firestore.DocumentReference:
        return self.threads().document(thread_id)

    def templates(self) -> firestore.CollectionReference:
        """The agency's project templates (on the agency's organisation)."""
        return self._collection(TEMPLATES)

    def template(self, template_id: str) -> firestore.DocumentReference:
        return self.templates().document(template_id)

    def search_index(self) -> firestore.CollectionReference:
        """The organisation's search index (``portal.search``): written by triggers, read by
        the search endpoint, closed to every browser."""
        return self._collection(SEARCH_INDEX)

    def search_entry(self, entry_id: str) -> firestore.DocumentReference:
        return self.search_index().document(entry_id)

    def assistant_threads(self) -> firestore.CollectionReference:
        """The assistant's conversations of the organisation's people (``portal.assistant``),
        each with its owner's ``uid``: server only, every read filters by the caller."""
        return self._collection(ASSISTANT_THREADS)

    def assistant_thread(self, thread_id: str) -> firestore.DocumentReference:
        return self.assistant_threads().document(thread_id)

    def assistant_usage(self, day: str) -> firestore.DocumentReference:
        """The model tokens the organisation's people spent with the assistant on ``day`` (UTC)."""
        return self._collection(ASSISTANT_USAGE).document(day)

    def exports(self) -> firestore.CollectionReference:
        """The organisation's data exports (``portal.privacy``): the organisation's own, and
        its people's personal ones; closed to every browser."""
        return self._collection(EXPORTS)

    def export(self, export_id: str) -> firestore.DocumentReference:
        return self.exports().document(export_id)


@dataclass(frozen=True)
class OrgStore(_OrgPaths):
    """One organisation's storage for trusted code (see :func:`system`)."""

    org_id: str


@dataclass(frozen=True)
class Grant(_OrgPaths):
    """Proof that the policy allowed ``action`` on ``org`` for ``caller`` (``None``: the
    operator's own tools, such as the admin CLI, which act with full rights), and the
    way to that organisation's storage."""

    caller: Caller | None
    action: Action
    org: OrgRef

    @property
    def org_id(self) -> str:  # type: ignore[override]
        return self.org.id


def _valid_org_id(org_id: str) -> bool:
    return ids.valid(org_id)


def system(org_id: str) -> OrgStore:
    """The storage of ``org_id`` for trusted code that acts on an organisation named by a
    trusted source: a trigger's document path, a scheduled job, seeding, the admin CLI,
    a verified webhook. Never for an id taken from a request: that goes through
    :func:`grant`."""
    if not _valid_org_id(org_id):
        raise NotFound("Organisation not found.")
    return OrgStore(org_id)


# Children of documents already reached through an organisation's storage.


def activity(project: firestore.DocumentReference) -> firestore.CollectionReference:
    return project.collection(ACTIVITY)


def decisions(approval: firestore.DocumentReference) -> firestore.CollectionReference:
    return approval.collection(DECISIONS)


def decision(approval: firestore.DocumentReference, version: int) -> firestore.DocumentReference:
    """The decision on ``version``: one per version, by its id."""
    return decisions(approval).document(f"v{version}")


def comments(approval: firestore.DocumentReference) -> firestore.CollectionReference:
    return approval.collection(COMMENTS)


def messages(thread: firestore.DocumentReference) -> firestore.CollectionReference:
    return thread.collection(MESSAGES)


def notes(thread: firestore.DocumentReference) -> firestore.CollectionReference:
    """A thread's internal notes: staff only, never reachable by a client (``firestore.rules``)."""
    return thread.collection(NOTES)


def read_state(thread: firestore.DocumentReference, uid: str) -> firestore.DocumentReference:
    """How far ``uid`` has read ``thread`` (readable by that person alone)."""
    return thread.collection(READS).document(uid)


def payments(billing: firestore.DocumentReference) -> firestore.CollectionReference:
    return billing.collection(PAYMENTS)


def assistant_items(thread: firestore.DocumentReference) -> firestore.CollectionReference:
    """An assistant conversation's items (messages, tool calls), in ChatKit's JSON."""
    return thread.collection(ASSISTANT_ITEMS)


def export_parts(export: firestore.DocumentReference) -> firestore.CollectionReference:
    """An export archive's bytes in numbered parts (kept in Firestore where Drive is not connected)."""
    return export.collection(EXPORT_PARTS)


# --- global collections -----------------------------------------------------------------


def orgs() -> firestore.CollectionReference:
    """The organisations' own documents (listing, creating). Their collections are
    reached only through :func:`grant` or :func:`system`."""
    return client().collection(ORGS)


def across_orgs(name: str) -> firestore.CollectionGroup:
    """Every organisation's ``name`` collection at once (a collection-group query): staff
    views across all clients (through :func:`scoped`), scheduled jobs, the admin CLI."""
    return client().collection_group(name)


def audit_log() -> firestore.CollectionReference:
    return client().collection(AUDIT_LOG)


def deliveries() -> firestore.CollectionReference:
    return client().collection(DELIVERIES)


def delivery(key: str) -> firestore.DocumentReference:
    return deliveries().document(key)


def processed_webhook(key: str) -> firestore.DocumentReference:
    return client().collection(PROCESSED_WEBHOOKS).document(key)


def clients_summary() -> firestore.DocumentReference:
    """The agency's dashboard summary: per client, what needs attention."""
    return client().collection(SUMMARIES).document("clients")


def whop_membership(membership_id: str) -> firestore.DocumentReference:
    """Which organisation a Whop membership belongs to."""
    return client().collection(WHOP_MEMBERSHIPS).document(membership_id)


def unmatched_billing_events() -> firestore.CollectionReference:
    return client().collection(UNMATCHED_BILLING_EVENTS)


def org_document(path: str) -> firestore.DocumentReference:
    """The document at ``path`` inside an organisation, for trusted code that got the path
    from a trusted source (a trigger's path pattern and parameters, a backfill)."""
    parts = path.split("/")
    if len(parts) < 4 or len(parts) % 2 or parts[0] != ORGS or not all(parts):
        raise NotFound("Not found.")
    return client().document(path)


def live_signal(uid: str) -> firestore.DocumentReference:
    """One person's change signal (``portal.live``): the only document a browser listens to."""
    return client().collection(LIVE).document(uid)


def job_run(name: str) -> firestore.DocumentReference:
    """What the scheduled job ``name`` last did (``portal.jobs``): ``system/jobs/runs/{name}``,
    times and an exception's type, nothing personal; closed to every browser."""
    return client().collection(SYSTEM).document(JOBS).collection(JOB_RUNS).document(name)


def record_job_run(name: str, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Merge into the record of job ``name`` the fields ``change`` makes of the record so far
    (read first, without a transaction: a job runs once at a time, every few minutes at most)."""
    ref = job_run(name)
    ref.set(change(ref.get().to_dict() or {}), merge=True)


def job_runs(names: Iterable[str], timeout: float = 3.0) -> dict[str, dict[str, Any]]:
    """The records of the jobs ``names`` (those that have one), in one batched read: the
    health check's only read. Raise :class:`Unavailable` unless Firestore answers within
    ``timeout`` seconds, without retries (an uptime monitor must not wait on them)."""
    refs = [job_run(name) for name in names]
    try:
        snaps = list(client().get_all(refs, retry=None, timeout=timeout))
    except Exception as exc:  # any failure to answer is the same to an uptime monitor
        from . import logs

        logs.error("health check: Firestore unreachable", error=f"{type(exc).__name__}: {exc}"[:300])
        raise Unavailable("The portal cannot serve right now.") from None
    return {snap.id: snap.to_dict() or {} for snap in snaps if snap.exists}


def billing_sync_state() -> firestore.DocumentReference:
    return client().collection(SYSTEM).document("billingSync")


def unmatched_bookings() -> firestore.CollectionReference:
    """Bookings whose attendees matched no organisation, until staff assign them."""
    return client().collection(UNMATCHED_BOOKINGS)


def booking_index(booking_id: str) -> firestore.DocumentReference:
    """Where booking ``booking_id`` lives (``orgId``, None while unmatched): later events of
    the same booking go there, whatever their attendees."""
    return client().collection(BOOKING_INDEX).document(booking_id)


def processed_webhooks() -> firestore.CollectionReference:
    """The inbound ledger as a whole (its retention job ages it out)."""
    return client().collection(PROCESSED_WEBHOOKS)


def live_signals() -> firestore.CollectionReference:
    """Every person's change signal (its retention job ages out the stale ones)."""
    return client().collection(LIVE)


def booking_indexes() -> firestore.CollectionReference:
    """Every booking's index entry (an organisation's purge drops its own)."""
    return client().collection(BOOKING_INDEX)


def delete_org_tree(org_id: str) -> None:
    """Delete organisation ``org_id`` and everything under it (the purge of a deleted
    organisation; trusted code only)."""
    ref = system(org_id).doc()
    ref.delete()  # first: triggers of the documents below then find no organisation to refresh
    _ORG_CACHE.pop(org_id, None)
    client().recursive_delete(ref)


def deletions() -> firestore.CollectionReference:
    """Account and organisation deletions waiting out their grace period (``portal.privacy``)."""
    return client().collection(DELETIONS)


def deletion(key: str) -> firestore.DocumentReference:
    return deletions().document(key)


def calendar_syncs() -> firestore.CollectionReference:
    """One document per Google calendar the portal follows: sync token, push channel."""
    return client().collection(CALENDAR_SYNC)


# --- organisations and grants -----------------------------------------------------------

_ORG_CACHE: dict[str, tuple[float, OrgRef]] = {}
_ORG_TTL = 300.0


def org_ref(org_id: str) -> OrgRef:
    """The organisation ``org_id`` (kind included), or NotFound. Kinds never change,
    so they are cached in the instance for a few minutes."""
    hit = _ORG_CACHE.get(org_id)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    if not _valid_org_id(org_id):
        raise NotFound("Organisation not found.")
    snap = OrgStore(org_id).doc().get()
    if not snap.exists:
        raise NotFound("Organisation not found.")
    ref = OrgRef(org_id, OrgKind(snap.get("kind")))
    _ORG_CACHE[org_id] = (time.monotonic() + _ORG_TTL, ref)
    return ref


def grant(caller: Caller, action: Action, org_id: str | None = None) -> Grant:
    """Authorise ``caller`` for ``action`` on ``org_id`` (default: their own)."""
    target = org_id or caller.org_id
    if not caller.is_staff and target != caller.org_id:
        raise NotFound("Not found.")
    org = OrgRef(target, OrgKind.CLIENT) if not caller.is_staff else org_ref(target)
    authorize(caller, action, org)
    if refused_when_archived(caller, action) and org_archived(org.id):
        raise Conflict("This organisation is archived: it is read-only.", code="org_archived")
    return Grant(caller, action, org)


def org_archived(org_id: str) -> bool:
    """Whether ``org_id`` is archived, read now (never cached, unlike kinds: an archive
    takes effect at once for every write)."""
    snap = OrgStore(org_id).doc().get(["archived"])
    return bool(snap.exists and (snap.to_dict() or {}).get("archived"))


_AGENCY: list[str] = []


def agency_org_id() -> str | None:
    """The agency's own organisation (where staff accounts live), cached once found."""
    if not _AGENCY:
        found = next(iter(orgs().where(filter=eq("kind", OrgKind.AGENCY.value)).limit(1).select([]).stream()), None)
        if found is None:
            return None
        _AGENCY.append(found.id)
    return _AGENCY[0]


def trusted_grant(action: Action, org_id: str) -> Grant:
    """A grant for the operator's tools (admin CLI, seeding): no caller, full rights."""
    return Grant(None, action, org_ref(org_id))


def client_org_ids() -> list[str]:
    """Ids of every client organisation (for staff views across all clients)."""
    return [snap.id for snap in client_orgs().select([]).stream()]


def client_orgs() -> Any:
    """A query over the client organisations' documents."""
    return orgs().where(filter=eq("kind", OrgKind.CLIENT.value))


def scoped(caller: Caller, collection: str, action: Action, org_id: str | None) -> tuple[Any, str]:
    """A query over ``collection`` for listing, and the path prefix its documents (and so
    any cursor) must have: one organisation's, or for staff without ``org_id`` every
    client's (a collection-group query)."""
    if caller.is_staff and not org_id:
        return across_orgs(collection), f"{ORGS}/*/{collection}/"
    allowed = grant(caller, action, org_id)
    return allowed._collection(collection), f"{ORGS}/{allowed.org.id}/{collection}/"


def locate(
    caller: Caller | None,
    collection: str,
    doc_id: str,
    action: Action,
    org_id: str | None = None,
    *,
    missing: str = "Not found.",
) -> Any:
    """The reference of ``collection/doc_id`` inside an organisation, once the policy allowed
    ``action`` there. A client only ever looks inside their own organisation; staff (or the
    trusted caller ``None``, which names ``org_id``) find it among all clients by its ``id``
    field. Unknown, or not yours: NotFound."""
    if caller is not None and not caller.is_staff:
        return grant(caller, action)._collection(collection).document(doc_id)
    if org_id:
        allowed = grant(caller, action, org_id) if caller else trusted_grant(action, org_id)
        return allowed._collection(collection).document(doc_id)
    query = across_orgs(collection).where(filter=eq("id", doc_id)).limit(1)
    found = next(iter(query.select([]).stream()), None)
    if found is None:
        raise NotFound(missing)
    if caller is not None:
        grant(caller, action, found.reference.parent.parent.id)
    return found.reference


# --- filters ----------------------------------------------------------------------------


def eq(field: str, value: Any) -> Any:
    """An equality filter (the keyword form the Firestore client prefers)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "==", value)


def among(field: str, values: list[Any]) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "in", values)


def contains_any(field: str, values: list[Any]) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "array_contains_any", values)


def contains(field: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "array_contains", value)


def at_least(field: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, ">=", value)


def before(field: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "<", value)


def at_most(field: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "<=", value)


# --- reading, writing, transactions -----------------------------------------------------


def read(tx: Any, ref: Any, missing: str = "Not found.") -> dict[str, Any]:
    """A document's fields read inside transaction ``tx``; NotFound when it does not exist."""
    snap = ref.get(transaction=tx)
    if not snap.exists:
        raise NotFound(missing)
    return snap.to_dict() or {}


def count(query: Any) -> int:
    """How many documents ``query`` matches: an aggregation, one read per 1,000 entries."""
    result: Any = query.count().get()
    return int(result[0][0].value)


def read_all(refs: list[Any]) -> list[Any]:
    """Snapshots of ``refs`` in one round trip, in the order of ``refs``."""
    snaps = {s.reference.path: s for s in client().get_all(refs)}
    return [snaps.get(r.path) for r in refs]


def batch() -> firestore.WriteBatch:
    """A write batch whose commit is sent again, after a short pause, while it meets contention
    (``Aborted``: a transaction holds one of its documents, such as a background job reading a
    person's notifications): a batch that was refused changed nothing, so sending it again is
    safe, and a person's write does not fail because a job held a lock for a moment."""
    return _retrying_batch()(client())


@cache
def _retrying_batch() -> type:
    from google.api_core import retry as retries
    from google.api_core.exceptions import Aborted, ResourceExhausted, ServiceUnavailable
    from google.cloud.firestore_v1.batch import WriteBatch

    contention = retries.Retry(
        predicate=retries.if_exception_type(Aborted, ResourceExhausted, ServiceUnavailable),
        initial=0.2,
        multiplier=2.0,
        maximum=2.0,
        timeout=10.0,
    )

    class RetryingBatch(WriteBatch):
        def commit(self, retry: Any = contention, timeout: float | None = None) -> list:
            from google.api_core.exceptions import RetryError

            try:
                return super().commit(retry=retry, timeout=timeout)
            except RetryError as exc:  # still contended: the error itself (the pipeline's 503)
                raise (exc.cause or exc) from None

    return RetryingBatch


BATCH_WRITES = 400


def write_in_batches(changes: Iterable[tuple[firestore.DocumentReference, dict[str, Any] | None]],
                     size: int = BATCH_WRITES) -> int:  # fmt: skip
    """Apply updates (a dict) or deletes (None), ``size`` writes per batch; how many."""
    writes, pending, total = batch(), 0, 0
    for ref, update in changes:
        if update is None:
            writes.delete(ref)
        else:
            writes.update(ref, update)
        pending, total = pending + 1, total + 1
        if pending == size:
            writes.commit()
            writes, pending = batch(), 0
    if pending:
        writes.commit()
    return total


def delete_matching(query: Any, size: int = BATCH_WRITES) -> int:
    """Delete every document ``query`` matches (a collection, or a query), ``size`` at a time
    and reading none of their fields; how many."""
    removed = 0
    while True:
        snaps = list(query.limit(size).select([]).stream())
        if not snaps:
            return removed
        writes = batch()
        for snap in snaps:
            writes.delete(snap.reference)
        writes.commit()
        removed += len(snaps)
        if len(snaps) < size:
            return removed


TRANSACTION_ATTEMPTS = 5


def transact(fn: Callable[..., T], *args: Any, attempts: int = TRANSACTION_ATTEMPTS, **kwargs: Any) -> T:
    """Run ``fn(tx, *args, **kwargs)`` in a transaction and return what it returns.

    When the commit meets contention (``Aborted``) ``fn`` runs again from the start with
    fresh reads, up to ``attempts`` times; so ``fn`` reads through ``tx`` and has no side
    effects but its writes to ``tx``. An exception raised by ``fn`` rolls back and
    propagates (``AlreadyExists`` from a ``tx.create`` included)."""
    from google.cloud import firestore

    @firestore.transactional
    def run(tx: Any) -> T:
        return fn(tx, *args, **kwargs)

    return run(client().transaction(max_attempts=attempts))


# --- pages ------------------------------------------------------------------------------


def _invalid_cursor() -> BadRequest:
    return BadRequest("The cursor is not valid.", code="invalid_cursor")


def encode_cursor(value: Any, path: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, path]).encode()).decode()


def decode_cursor(cursor: str, prefix: str) -> tuple[Any, str]:
    """The ``(value, path)`` a cursor carries, checked to name a document in an
    organisation's collection under ``prefix`` (``*`` matches any one id); BadRequest
    otherwise."""
    try:
        value, path = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise _invalid_cursor() from None
    if not isinstance(path, str) or isinstance(value, (dict, list)):
        raise _invalid_cursor()
    parts = path.split("/")
    expected = prefix.rstrip("/").split("/")
    depth = max(4, len(expected) + 1)  # a document of the collection under prefix, however deep
    if expected[0] != ORGS:
        depth = len(expected) + 1  # a global collection's document (the audit log)
    if len(parts) != depth or not all(ids.valid(p) for p in parts):
        raise _invalid_cursor()
    if any(want not in ("*", got) for want, got in zip(expected, parts, strict=False)):
        raise _invalid_cursor()
    return value, path


def page(
    query: Any,
    prefix: str,
    cursor: str | None,
    limit: int,
    *,
    key: str | None = None,
    keep: Callable[[Any], bool] | None = None,
) -> tuple[list[Any], str | None]:
    """One page of ``query`` (already ordered) and the cursor of the next, or None.

    The cursor is ``base64url(json([value, path]))`` of the page's last document. With
    ``key`` (the query orders by ``key`` then by document name) the value is that field
    and the next page starts after the values, without a read; without ``key`` the value
    is the document's id and the next page starts after the document itself, which must
    still exist. A cursor outside ``prefix`` (see :func:`scoped`) is refused.

    ``keep`` is the per-item visibility the policy decides (a staff-only file for a
    client): documents it refuses are skipped *while* the page is read, and more are read
    until the page is full, so a page is never short while more remain and the cursor
    only ever names a document the page shows."""
    if cursor:
        value, path = decode_cursor(cursor, prefix)
        if key is not None:
            query = query.start_after({key: value, "__name__": client().document(path)})
        else:
            snap = client().document(path).get()
            if not snap.exists:
                raise _invalid_cursor()
            query = query.start_after(snap)
    kept: list[Any] = []
    window = query
    while True:
        read = list(window.limit(limit + 1).stream())
        kept.extend(s for s in read if keep is None or keep(s))
        if len(kept) > limit or len(read) <= limit:
            break
        window = query.start_after(read[-1])
    more = len(kept) > limit
    kept = kept[:limit]
    if not more:
        return kept, None
    last = kept[-1]
    return kept, encode_cursor(last.get(key) if key is not None else last.id, last.reference.path)


def page_by_name(
    query: Any, prefix: str, cursor: str | None, limit: int, *, valid_name: Callable[[str], bool] = ids.valid
) -> tuple[list[Any], str | None]:
    """Like :func:`page` for a query in document-name order (equality filters only): the
    next page starts after the name the cursor carries, with no read of that document.
    ``valid_name`` checks the documents' own ids (the organisation's is an id)."""
    query = query.order_by("__name__")
    if cursor:
        query = query.start_after({"__name__": client().document(_name_cursor(cursor, prefix, valid_name))})
    snaps = list(query.limit(limit + 1).stream())
    if len(snaps) <= limit:
        return snaps, None
    last = snaps[limit - 1]
    return snaps[:limit], encode_cursor(last.id, last.reference.path)


def _name_cursor(cursor: str, prefix: str, valid_name: Callable[[str], bool]) -> str:
    try:
        _, path = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise _invalid_cursor() from None
    parts = path.split("/") if isinstance(path, str) else []
    if len(parts) != 4 or not all(ids.valid(p) for p in parts[:3]) or not valid_name(parts[3]):
        raise _invalid_cursor()
    if any(want not in ("*", got) for want, got in zip(prefix.rstrip("/").split("/"), parts, strict=False)):
        raise _invalid_cursor()
    return path


# --- values -----------------------------------------------------------------------------


def each_valid(snaps: list[Any], convert: Callable[[Any], dict[str, Any]], model: Any) -> list[dict[str, Any]]:
    """``convert`` each document and keep those its answer ``model`` accepts. A stored
    document the API could not answer (written by an older version, or by hand) is
    logged and left out, so one bad document never fails a whole list."""
    from pydantic import ValidationError

    from . import logs

    items = []
    for snap in snaps:
        try:
            item = convert(snap)
            model.model_validate(item)
        except (ValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
            logs.warning("stored document skipped: not valid", path=snap.reference.path, error=str(exc)[:500])
            continue
        items.append(item)
    return items


def to_json(value: Any) -> Any:
    """Firestore values to JSON-friendly ones (timestamps to ISO 8601)."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat().replace("+00:00", "Z")
    return value
