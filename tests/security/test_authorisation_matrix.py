"""The authorisation matrix, generated: every operation of ``/api/openapi.json`` x every role
(staff admin, staff ops, client owner, client member; assigned and unassigned members where an
item is assigned) x own and other organisations (also where the body names the organisation
and chooses the rule, as ``scope: organisation`` does), and every operation x no, malformed,
expired, revoked and disabled-user credentials. What each case must answer comes from
:mod:`portal.policy` (``OPERATIONS`` and :func:`portal.policy.decision`), never from this file:
an operation without a rule there fails the matrix.

Path parameters are filled with the demo data's ids (Acme, Globex, the agency); bodies are
generated from the operation's schema with the same ids. The pipeline authenticates before it
validates, and the services authorise after validation, so refused cases send valid bodies.
Refused cases run first and must change nothing; allowed unsafe cases run last, least
privileged first, destructive ones at the very end (the harness restores the demo data
before the next test)."""

from __future__ import annotations

import base64
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from helpers import after_issue, forged_token, settle, token, wait_for

from portal import authn, db, policy
from portal.identity import Caller, OrgKind, Role

pytestmark = pytest.mark.usefixtures("world")

ROLES = ("admin@agency.test", "ops@agency.test", "owner@acme.test", "member@acme.test")
"""One account per role; Acme is the clients' own organisation, Globex another."""
ORGS = ("acme", "globex", "agency")
UNSAFE = {"post", "put", "patch", "delete"}
QUERIES = (policy.Target.QUERY, policy.Target.QUERY_ALL)
ORG_KINDS = {"acme": OrgKind.CLIENT, "globex": OrgKind.CLIENT, "agency": OrgKind.AGENCY}


@dataclass
class Case:
    op_id: str
    method: str
    path: str
    who: str  # an email, or a credential kind
    org: str | None  # the organisation acted on (None: the operation's default)
    headers: dict[str, str]
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    expect: int | None = None  # the refusal's status; None: allowed
    label: str = ""
    got: int = 0
    text: str = ""


# --- the demo data the cases act on ------------------------------------------------------------


def _first(collection: Any, **where: Any) -> Any:
    query = collection
    for key, value in where.items():
        query = query.where(key, "==", value)
    return next(iter(query.limit(1).stream()), None)


def _items(http: httpx.Client, world: dict, tokens: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per organisation: a value for every path parameter, and the facts refinements need."""
    from portal.seed import seed_approvals, seed_bookings, seed_contracts, seed_files, seed_messages

    users = {u["email"]: u for u in world["users"]}
    seed_approvals(world["users"])
    seed_messages(world["users"])
    seed_bookings()
    seed_files(world["users"])
    seed_contracts()
    client = db.client()
    items: dict[str, dict[str, Any]] = {}
    for org, member in (("acme", "member@acme.test"), ("globex", "member@globex.test"), ("agency", "ops@agency.test")):
        base = client.collection("orgs").document(org)
        found: dict[str, Any] = {"orgId": org, "uid": users[member]["uid"], "facts": {}}
        found["facts"]["uid"] = {"uid": users[member]["uid"], "role": Role(users[member]["role"])}
        project = _first(base.collection("projects").order_by("id"))
        if project is not None:
            found["projectId"] = project.id
            found["milestoneId"] = project.get("milestones")[0]["id"]
        approval = _first(base.collection("approvals"), status="pending")
        if org == "acme":
            approval = _first(base.collection("approvals"), title="Logo concepts")
            unassigned = _first(base.collection("approvals"), title="Launch film — rough cut")
            found["approvalId:unassigned"] = unassigned.id
            found["facts"]["approvalId:unassigned"] = {"assignees": list(unassigned.get("assignees") or {})}
        if approval is not None:
            found["approvalId"] = approval.id
            found["facts"]["approvalId"] = {"assignees": list(approval.get("assignees") or {})}
        for name, collection in (("bookingId", "bookings"), ("fileId", "files"), ("threadId", "threads")):
            snap = _first(base.collection(collection))
            if snap is not None:
                found[name] = snap.id
        if "fileId" in found:
            data = _first(base.collection("files")).to_dict()
            found["facts"]["fileId"] = {"owner": (data.get("uploadedBy") or {}).get("uid"),
                                        "at": _seconds(data.get("uploadedAt") or data.get("createdAt"))}  # fmt: skip
            r = http.get(f"/api/files/{found['fileId']}/revisions", headers=_bearer(tokens["admin@agency.test"]))
            assert r.status_code == 200, r.text
            found["revisionId"] = r.json()["items"][0]["id"]
        if "threadId" in found:
            message = _first(base.collection("threads").document(found["threadId"]).collection("messages"))
            found["messageId"] = message.id
            data = message.to_dict()
            author = data.get("author") or {}
            found["facts"]["messageId"] = {"owner": author.get("uid") if isinstance(author, dict) else author,
                                           "at": _seconds(data.get("createdAt") or data.get("postedAt"))}  # fmt: skip
        items[org] = found
    # Per-person and agency items: an upload of the Acme owner, an invite per organisation,
    # a template, an unmatched booking, a delivery (if one was made) and a notification.
    for org, who in (("acme", "owner@acme.test"), ("globex", "owner@globex.test")):
        body = {"orgId": org, "name": "matrix.pdf", "size": 4}
        r = http.post("/api/files/upload", json=body, headers=_bearer(token(who)))
        assert r.status_code == 201, r.text
        items[org]["uploadId"] = r.json()["upload"]["id"]
        items[org]["facts"]["uploadId"] = {"owner": users[who]["uid"]}
    for org in ORGS:
        email = f"matrix-invite@{org}.test" if org != "agency" else "matrix-invite@agency.test"
        role = "aj_ops" if org == "agency" else "client_member"
        r = http.post("/api/invites", json={"orgId": org, "email": email, "role": role},
                      headers=_bearer(tokens["admin@agency.test"]))  # fmt: skip
        assert r.status_code == 201, r.text
        items[org]["inviteId"] = r.json()["invite"]["id"]
    agency = client.collection("orgs").document("agency")
    shared = {"templateId": _first(agency.collection("templates")).id, "notificationId": "matrix-no-notification"}
    r = http.get("/api/bookings/unmatched", headers=_bearer(tokens["admin@agency.test"]))
    assert r.status_code == 200 and r.json()["items"], r.text
    shared["bookingId:unmatched"] = r.json()["items"][0]["id"]
    r = http.get("/api/deliveries", headers=_bearer(tokens["admin@agency.test"]))
    shared["deliveryId"] = (r.json()["items"] or [{"id": "matrix-no-delivery"}])[0]["id"]
    personal = _personal(http, users, tokens)
    personal_facts = personal.pop("facts")
    shared.update(personal)
    for org in ORGS:
        items[org].update(shared)
        items[org]["facts"].update(personal_facts)
    return items


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
OTHER = "owner@globex.test"
"""Whose session and export are "another person's" for every matrix role."""


def _personal(http: httpx.Client, users: dict[str, Any], tokens: dict[str, str]) -> dict[str, Any]:
    """Per person: a signed-in device and a ready export of each role (``name@email``) and of
    someone else (``name:other``); a picture of each organisation's member; a deletion of a
    throwaway account; a view-as token of the admin."""
    from portal.account import sessions
    from portal.members import service as members
    from portal.privacy import deletion

    out: dict[str, Any] = {"facts": {}}
    facts = out["facts"]
    exports: dict[str, tuple[str, str]] = {}
    for who in (*ROLES, OTHER):
        key = "other" if who == OTHER else ""
        r = http.post("/api/auth/login", json={"idToken": token(who, fresh=True)}, headers={"User-Agent": "Matrix"})
        assert r.status_code == 200, r.text
        sid = sessions.session_id(r.cookies.get("__session") or "")
        r = http.post("/api/exports", json={"scope": "me"}, headers=_bearer(token(who)))
        assert r.status_code == 202, r.text
        exports[who] = (r.json()["export"]["id"], key)
        name = f":{key}" if key else f"@{who}"
        out["sessionId" + name] = sid
        facts["sessionId" + name] = {"owner": users[who]["uid"]}
    for who, (export_id, key) in exports.items():
        ready = wait_for(lambda w=who, e=export_id: _export_status(http, w, e) == "ready", timeout=180, interval=1)
        assert ready, f"the export of {who} did not become ready: {_export_status(http, who, export_id)}"
        name = f":{key}" if key else f"@{who}"
        out["exportId" + name] = export_id
        facts["exportId" + name] = {"owner": users[who]["uid"]}
    out["sessionId"], out["exportId"] = out["sessionId:other"], out["exportId:other"]  # credential cases
    for who in ("member@acme.test", "member@globex.test", "ops@agency.test"):
        r = http.put("/api/me/avatar", content=PNG, headers={**_bearer(token(who)), "Content-Type": "image/png"})
        assert r.status_code == 200, r.text
    email = "matrix-deleted@acme.test"
    members.create_user(email=email, role=Role.CLIENT_MEMBER, org_id="acme", password="portal-demo")
    uid = authn.admin_auth().get_user_by_email(email).uid
    out["deletionId"] = deletion.schedule_user(uid, "acme", email, reason="self")["deletion"]["id"]
    r = http.post("/api/view-as", json={"uid": users["member@acme.test"]["uid"]},
                  headers=_bearer(tokens["admin@agency.test"]))  # fmt: skip
    assert r.status_code == 200, r.text
    out["viewAsToken"] = r.json()["token"]
    facts["viewAsToken"] = {"owner": users["admin@agency.test"]["uid"]}
    return out


def _export_status(http: httpx.Client, who: str, export_id: str) -> str | None:
    items = http.get("/api/exports", headers=_bearer(token(who))).json()["items"]
    return next((i["status"] for i in items if i["id"] == export_id), None)


def _seconds(value: Any) -> float | None:
    return value.timestamp() if hasattr(value, "timestamp") else None


def _bearer(jwt: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt}"}


# --- bodies, generated from the schema ----------------------------------------------------------


def _deref(schema: dict, defs: dict) -> dict:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def sample(schema: dict, defs: dict, name: str, item: dict[str, Any], *, top: bool = False) -> Any:
    """The simplest valid value of ``schema``: required properties only, ids from ``item``."""
    schema = _deref(schema, defs)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _deref(o, defs).get("type") != "null"]
            return sample(options[0], defs, name, item)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: sample(props[k], defs, k, item) for k in schema.get("required", [])}
    if kind == "array":
        low = schema.get("minItems", 0)
        return [sample(schema.get("items", {}), defs, name, item) for _ in range(low)]
    if kind == "integer" or kind == "number":
        return max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return False
    if name in item and isinstance(item[name], str):
        return item[name]
    if schema.get("format") == "email" or name.lower().endswith("email"):
        return f"matrix-{name.lower()}@{item['orgId']}.test"
    if schema.get("format") in ("uri", "url") or name.lower().endswith("url"):
        return "https://example.com/matrix"
    if schema.get("format") == "date":
        return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 86400))
    if schema.get("format") == "date-time":
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7 * 86400))
    low, high = schema.get("minLength", 1), schema.get("maxLength", 200)
    for text in ("Matrix check", "matrix-check", "matrix", "m", "1"):
        text = (text * (low // len(text) + 1))[: max(low, min(high, len(text)))]
        if not schema.get("pattern") or re.search(schema["pattern"], text):
            return text
    raise AssertionError(f"cannot make a value for {name!r}: {schema}")


QUERY_HINTS: dict[str, dict[str, str]] = {"search_get": {"q": "brand"}}
"""Query values an operation needs to answer at all (search refuses an empty query)."""
BODY_HINTS: dict[str, dict[str, Any]] = {
    # Values the schema cannot say (a role of the target's kind; an upload's size and type)
    "member_detail_patch": {"role": "{role}"},
    "invites_post": {"role": "{invite_role}"},
    "file_upload_post": {"size": 4, "name": "matrix.pdf"},
    # Never a matrix role's own account: a confirmation that does not match is refused after
    # authorisation (400), so the allowed case is harmless.
    "deletions_post": {"confirm": "matrix-not-confirmed"},
    "view_as_end_post": {"token": "{viewAsToken}"},
}
RAW_HINTS: dict[str, tuple[bytes, str]] = {
    # Raw bodies the schema cannot say (a ChatKit request; a picture whose bytes match its type)
    "chatkit_post": (b'{"type":"threads.list","params":{}}', "application/json"),
    "me_avatar_put": (PNG, "image/png"),
}
BODY_FACTS: dict[str, str] = {"view_as_end_post": "viewAsToken"}
"""Operations whose refinement's facts belong to an item in the body, not the path."""


def body_for(op_id: str, op: dict, defs: dict, item: dict[str, Any], chooser: dict[str, Any] | None = None) -> Any:
    """A valid body; with ``chooser`` (the fields that choose another rule, ``policy.body_rules``),
    the body that rule is for: its required fields and the chooser's (a ``role`` hinted for the
    default rule is no part of a change of ``billingAccess``)."""
    if op_id in RAW_HINTS:
        return RAW_HINTS[op_id]
    content = (op.get("requestBody") or {}).get("content", {})
    if "application/json" not in content:
        return None if not content else (b"matrix", next(iter(content)))  # a raw body, of its type
    schema = _deref(content["application/json"]["schema"], defs)
    body = sample(schema, defs, "", item, top=True)
    if body == {} and schema.get("properties"):  # a change of nothing is refused before anything else
        props = schema["properties"]
        name = next((n for n in ("name", "title", "description") if n in props), next(iter(props)))
        body[name] = sample(props[name], defs, name, item)
    for key, value in BODY_HINTS.get(op_id, {}).items():
        body[key] = value.format(**item["fill"]) if isinstance(value, str) else value
    if chooser:
        body = {k: v for k, v in body.items() if k in schema.get("required", [])} | chooser
    return body


# --- expectations ------------------------------------------------------------------------------


def caller_of(user: dict[str, Any]) -> Caller:
    return Caller(uid=user["uid"], email=user["email"], role=Role(user["role"]), org_id=user["orgId"])


def _key(name: str, item: dict[str, Any], variant: str, who: str) -> str:
    """An item's key: its variant's, else the caller's own (``name@email``), else the plain one."""
    if variant and f"{name}:{variant}" in item:
        return f"{name}:{variant}"
    return f"{name}@{who}" if not variant and f"{name}@{who}" in item else name


def path_values(path: str, item: dict[str, Any], variant: str = "", who: str = "") -> dict[str, str]:
    names = re.findall(r"\{(\w+)\}", path)
    values = {}
    for name in names:
        if "unmatched" in path:
            variant = "unmatched"
        key = _key(name, item, variant, who)
        assert key in item, f"no demo item fills the path parameter {name!r} of {path}: add one to the matrix"
        values[name] = item[key]
    return values


def facts_for(
    path: str, method: str, item: dict[str, Any], variant: str, body: Any, who: str = "", op_id: str = ""
) -> policy.Facts:
    facts: dict[str, Any] = {"now": time.time(), "delete": method == "delete"}
    for name in re.findall(r"\{(\w+)\}", path):
        facts.update(item["facts"].get(_key(name, item["facts"], variant, who), {}))
    if op_id in BODY_FACTS:
        facts.update(item["facts"][BODY_FACTS[op_id]])
    if isinstance(body, dict) and "role" in body and "uid" in facts:
        facts["role"] = Role(body["role"])
    return policy.Facts(**facts)


def build_cases(http: httpx.Client, world: dict) -> tuple[list[Case], list[Case], list[Case], Counter]:
    document = http.get("/api/openapi.json").json()
    defs = document["components"]["schemas"]
    users = {u["email"]: u for u in world["users"]}
    tokens = {who: token(who) for who in ROLES}
    items = _items(http, world, tokens)
    for org, item in items.items():
        uid_role = item["facts"]["uid"]["role"]
        item["fill"] = {"role": uid_role.value, "invite_role": "aj_ops" if org == "agency" else "client_member",
                        "viewAsToken": item["viewAsToken"]}  # fmt: skip
    credentials = _credentials(http)
    anonymous, safe, unsafe = [], [], []
    kinds: Counter = Counter()
    for path, entry in document["paths"].items():
        for method, op in entry.items():
            op_id = op["operationId"]
            rule = policy.rule_for(op_id)  # an operation without a rule fails here, loudly
            kinds["operations"] += 1
            acme = items["acme"]
            if rule.public:
                if rule.webhook:
                    anonymous.append(Case(op_id, method, path, "unsigned", None, {}, path_values(path, acme),
                                          body=b"{}", expect=401))  # fmt: skip
                elif method == "get":
                    anonymous.append(Case(op_id, method, path, "none", None, {}))  # public: answered to anyone
                continue
            # credentials: none, malformed, expired, revoked, disabled user -> 401 everywhere
            for kind, headers in credentials.items():
                anonymous.append(Case(op_id, method, path, kind, "acme", headers, path_values(path, acme),
                                      body=body_for(op_id, op, defs, acme), expect=401))  # fmt: skip
            # An operation whose body chooses another rule (``scope: organisation``) is
            # exercised under each, with that rule's own organisations.
            for chooser, chosen in policy.body_rules(rule):
                for who in ROLES:
                    caller = caller_of(users[who])
                    for org, variant in _targets(chosen, path, items):
                        item = items[org] if org else items[caller.org_id]
                        params = path_values(path, item, variant, who)
                        body = body_for(op_id, op, defs, item, chooser)
                        if chosen.target == policy.Target.BODY and isinstance(body, dict):
                            body["orgId"] = org
                        query = {"orgId": org} if chosen.target in QUERIES and org else {}
                        ref = policy.OrgRef(org, ORG_KINDS[org]) if org else None
                        facts = facts_for(path, method, item, variant, body, who, op_id)
                        expect = policy.decision(caller, chosen, ref, facts)
                        label = "/".join(x for x in (variant, *(f"{k}={v}" for k, v in chooser.items())) if x)
                        case = Case(op_id, method, path, who, org, _bearer(tokens[who]), params, body, expect,
                                    label=label)  # fmt: skip
                        query.update(QUERY_HINTS.get(op_id, {}))
                        case.params.update({f"?{k}": v for k, v in query.items()})
                        (unsafe if method in UNSAFE else safe).append(case)
                        kinds["body rules"] += bool(chooser)
    return anonymous, safe, unsafe, kinds


def _targets(rule: policy.Rule, path: str, items: dict[str, dict[str, Any]]) -> list[tuple[str | None, str]]:
    if rule.refine == policy.Refinement.OWN_ITEM:  # the caller's own, and another person's
        return [(None, ""), (None, "other")]
    if rule.target in (policy.Target.NONE, policy.Target.OWN, policy.Target.AGENCY):
        return [(None, "")]
    if rule.target in QUERIES:
        return [(None, ""), *((org, "") for org in ORGS)]
    if rule.target == policy.Target.BODY:
        return [(org, "") for org in ORGS]
    names = re.findall(r"\{(\w+)\}", path)
    out: list[tuple[str | None, str]] = [(org, "") for org in ORGS if all(n in items[org] for n in names)]
    if "approvalId" in names:
        out.append(("acme", "unassigned"))
    return out


def _credentials(http: httpx.Client) -> dict[str, dict[str, str]]:
    """Bearer headers that must all be refused: none, malformed, expired, revoked, disabled."""
    from portal.members import service as members

    admin = authn.admin_auth()
    made = {}
    for kind in ("revoked", "disabled"):
        email = f"matrix-{kind}@acme.test"
        members.create_user(email=email, role=Role.CLIENT_OWNER, org_id="acme", password="portal-demo")
        made[kind] = (admin.get_user_by_email(email).uid, token(email))
    after_issue(made["revoked"][1])
    admin.revoke_refresh_tokens(made["revoked"][0])
    admin.update_user(made["disabled"][0], disabled=True)
    owner = admin.get_user_by_email("owner@acme.test")
    return {
        "none": {},
        "malformed": {"Authorization": "Bearer not-a-token"},
        "not-bearer": {"Authorization": "Basic b3duZXI6cG9ydGFsLWRlbW8="},
        "expired": _bearer(forged_token(owner.uid, exp_offset=-60, role="client_owner", orgId="acme")),
        "revoked": _bearer(made["revoked"][1]),
        "disabled": _bearer(made["disabled"][1]),
    }


# --- running -----------------------------------------------------------------------------------

WATCHED = ("projects", "approvals", "files", "uploads", "threads", "invites", "users", "templates", "bookings")


def digest() -> dict[str, Any]:
    """When each document refused writes could touch last changed."""
    client = db.client()
    out: dict[str, Any] = {}
    for org in ORGS:
        base = client.collection("orgs").document(org)
        out[base.path] = base.get().update_time
        for name in WATCHED:
            for snap in base.collection(name).stream():
                out[snap.reference.path] = snap.update_time
    return out


def settled() -> dict[str, Any]:
    """The digest once the functions have finished whatever an earlier write started."""
    settle()
    return digest()


def send(http: httpx.Client, case: Case) -> Case:
    path = case.path
    query = {}
    for name, value in case.params.items():
        if name.startswith("?"):
            query[name[1:]] = value
        else:
            path = path.replace("{" + name + "}", value)
    kwargs: dict[str, Any] = {"headers": dict(case.headers), "params": query}
    if isinstance(case.body, tuple):
        kwargs["content"], kwargs["headers"]["Content-Type"] = case.body
    elif isinstance(case.body, bytes):
        kwargs["content"] = case.body
        kwargs["headers"]["Content-Type"] = "application/json"
    elif case.body is not None:
        kwargs["json"] = case.body
    r = http.request(case.method.upper(), path, **kwargs)
    if r.status_code == 500 and not r.text.startswith('{"error"'):
        # The Functions emulator dropped its worker's connection (a bare {"code":"ECONNRESET"}
        # that no function wrote: the portal's own errors always carry "error"): once more.
        r = http.request(case.method.upper(), path, **kwargs)
    case.got, case.text = r.status_code, r.text[:300]
    return case


def unexpected(case: Case, earlier_success: set[str]) -> bool:
    if case.got >= 500:
        return True
    if case.expect is not None:
        return case.got != case.expect
    if case.method in UNSAFE:
        # Allowed: authorised, whatever the operation then says of the item (it may be gone
        # after an earlier allowed case deleted it).
        if case.got in (401, 403):
            return True
        if case.got != 404 or case.method == "delete" or case.op_id in earlier_success:
            return False
        # A 404 of the item itself (a placeholder id, an integration's unknown object) is the
        # operation's answer once authorised; the policy's refusal is a plain "not_found".
        placeholder = any(str(v).startswith("matrix-no-") for v in case.params.values())
        return not placeholder and '"code":"not_found"' in case.text
    return not 200 <= case.got < 300


def _order(case: Case) -> tuple[int, int]:
    """Allowed unsafe cases: creations and changes first, removals and archiving last."""
    late = 0
    if case.method == "delete" or "archive" in case.path:
        late = 1
    if case.op_id == "auth_logout_post":  # ends the caller's own sessions
        late = 2
    if case.op_id.startswith(("member_detail", "member_second_factors")):  # ends the sessions of the account
        late = 3
    privilege = {"member@acme.test": 0, "owner@acme.test": 1, "ops@agency.test": 2, "admin@agency.test": 3}
    return late, privilege.get(case.who, 0)


def test_every_operation_answers_every_role_and_credential_as_the_policy_says(
    http: httpx.Client, world: dict, drive_standin: Any
) -> None:
    started = time.monotonic()
    anonymous, safe, unsafe, kinds = build_cases(http, world)
    refused = [c for c in unsafe if c.expect is not None]
    allowed = sorted((c for c in unsafe if c.expect is None), key=_order)
    before = settled()
    # Cases that change nothing: four operations at a time, each operation's cases one after
    # another. The emulators keep a bounded number of idle workers (scripts/emulator-functions.cjs)
    # and start one more for every request that finds its function's worker busy, so walking
    # every operation for one role after another, or one operation's cases at once, would
    # start workers over and over.
    by_operation: dict[str, list[Case]] = {}
    for case in [*anonymous, *safe, *refused]:
        by_operation.setdefault(case.op_id, []).append(case)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda group: [send(http, case) for case in group], by_operation.values()))
    after = digest()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    earlier: set[str] = set()
    signed_out = False
    for case in allowed:
        if _order(case)[0] == 3 and not signed_out:  # after signing out: new sign-ins
            signed_out = True
            time.sleep(1.1)  # revocation counts whole seconds
            fresh = {who: _bearer(token(who, fresh=True)) for who in ROLES}
            for later in allowed:
                if later.who in fresh:
                    later.headers = fresh[later.who]
        send(http, case)
        if 200 <= case.got < 300:
            earlier.add(case.op_id)
    cases = [*anonymous, *safe, *refused, *allowed]
    wrong = [c for c in cases if unexpected(c, earlier)]
    statuses = Counter(c.got for c in cases)
    print(
        f"\nauthorisation matrix: {kinds['operations']} operations, {len(cases)} cases "
        f"({len(anonymous)} credential, {len(safe)} safe, {len(refused)} refused unsafe, "
        f"{len(allowed)} allowed unsafe; {kinds['body rules']} under a rule the body chooses) "
        f"in {time.monotonic() - started:.1f}s; answers {dict(sorted(statuses.items()))}; {len(wrong)} unexpected"
    )
    report = "\n".join(
        f"{c.method.upper()} {c.path} [{c.op_id}] as {c.who} on {c.org}{'/' + c.label if c.label else ''}: "
        f"expected {c.expect or 'allowed'}, got {c.got} {c.text[:160]}"
        for c in wrong
    )
    assert not wrong, f"{len(wrong)} unexpected answers:\n{report}"
    assert changed == [], "refused requests changed documents"
