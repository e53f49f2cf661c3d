"""The admin command line, run as a user runs it, against the emulators."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from env import PROJECT, ROOT
from helpers import bearer, sign_in

pytestmark = pytest.mark.usefixtures("clean")


def cli(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "--project", PROJECT, "--json", *args],
        cwd=ROOT / "functions",
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    assert (result.returncode == 0) is ok, result.stderr
    return result


def test_create_org_user_change_role_disable_and_list(http: httpx.Client) -> None:
    cli("org", "create", "--name", "Northlight", "--kind", "agency", "--id", "agency")
    org = json.loads(cli("org", "create", "--name", "Initech").stdout)
    assert org["kind"] == "client" and org["id"].startswith("initech-")
    cli(
        "user",
        "create",
        "--email",
        "boss@initech.test",
        "--role",
        "client_owner",
        "--org",
        org["id"],
        "--password",
        "portal-demo",
        "--first",
        "Bill",
    )
    me = http.get("/api/auth/me", headers=bearer("boss@initech.test")).json()
    assert (me["role"], me["orgId"], me["orgName"]) == ("client_owner", org["id"], "Initech")

    cli("user", "set-role", "--user", "boss@initech.test", "--role", "client_member")
    assert http.get("/api/auth/me", headers=bearer("boss@initech.test")).json()["role"] == "client_member"

    listed = json.loads(cli("user", "list", "--org", org["id"]).stdout)
    assert [u["email"] for u in listed] == ["boss@initech.test"]

    cli("user", "disable", "--user", "boss@initech.test")
    with pytest.raises(httpx.HTTPStatusError):
        sign_in("boss@initech.test")


def test_invite_from_the_cli_and_revoke(http: httpx.Client) -> None:
    cli("org", "create", "--name", "Initech", "--id", "initech")
    out = json.loads(
        cli("user", "invite", "--email", "pm@initech.test", "--role", "client_member", "--org", "initech").stdout
    )
    token = out["inviteUrl"].split("#token=")[1]
    assert http.post("/api/invites/lookup", json={"token": token}).json()["orgName"] == "Initech"
    cli("invite", "revoke", "--org", "initech", "--id", out["invite"]["id"])
    assert http.post("/api/invites/lookup", json={"token": token}).status_code == 410
    invites = json.loads(cli("invite", "list", "--org", "initech").stdout)
    assert [i["status"] for i in invites] == ["revoked"]


def test_cli_refuses_mismatched_roles_and_unknown_things() -> None:
    cli("org", "create", "--name", "Initech", "--id", "initech")
    bad = cli("user", "create", "--email", "x@initech.test", "--role", "aj_admin", "--org", "initech", ok=False)
    assert "does not belong" in bad.stderr
    assert (
        "not found"
        in cli(
            "user", "create", "--email", "x@y.test", "--role", "client_owner", "--org", "nope", ok=False
        ).stderr.lower()
    )
    assert "No user" in cli("user", "disable", "--user", "ghost@y.test", ok=False).stderr
    cli("org", "create", "--name", "Initech", "--id", "initech", ok=False)


def test_search_reindex_indexes_what_exists() -> None:
    from portal import db

    db.org_document("orgs/initech/projects/p1").set({"id": "p1", "orgId": "initech", "name": "Quantum rebrand"})
    db.system("initech").search_entry("project:p1").delete()  # as on a project that existed before search
    out = json.loads(cli("search", "reindex", "--org", "initech").stdout)
    assert sum(out["project"].values()) == 1
    entry = db.system("initech").search_entry("project:p1").get()
    assert entry.exists and entry.get("terms.quantum") is True and entry.get("link") == "/projects/p1"


def test_reset_second_factors_of_someone_who_lost_their_phone(http: httpx.Client) -> None:
    from helpers import enrol_phones

    from portal import authn
    from portal.account import mfa

    cli("org", "create", "--name", "Initech", "--id", "initech")
    cli("user", "create", "--email", "pm@initech.test", "--role", "client_owner", "--org", "initech",
        "--password", "portal-demo")  # fmt: skip
    uid = authn.admin_auth().get_user_by_email("pm@initech.test").uid
    enrol_phones(uid, "+15555550185", "+15555550186")
    out = json.loads(cli("user", "reset-second-factors", "--user", "pm@initech.test").stdout)
    assert (out["member"]["uid"], out["removed"]) == (uid, 2)
    assert mfa.enrollments(authn.admin_auth().get_user(uid)) == []
    assert http.get("/api/auth/me", headers=bearer("pm@initech.test", fresh=True)).status_code == 200
    assert "No user" in cli("user", "reset-second-factors", "--user", "ghost@y.test", ok=False).stderr


def test_give_a_member_billing_access_and_take_it_back(http: httpx.Client) -> None:
    from helpers import after_issue, token

    from portal import db

    cli("org", "create", "--name", "Initech", "--id", "initech")
    for email, role in (("finance@initech.test", "client_member"), ("boss@initech.test", "client_owner")):
        cli("user", "create", "--email", email, "--role", role, "--org", "initech", "--password", "portal-demo")
    before = token("finance@initech.test")
    assert http.get("/api/billing", headers={"Authorization": f"Bearer {before}"}).status_code == 403
    after_issue(before)

    out = json.loads(cli("user", "billing-access", "--user", "finance@initech.test", "--grant").stdout)
    assert out["changed"] is True and out["member"]["billingAccess"] is True
    assert http.get("/api/billing", headers={"Authorization": f"Bearer {before}"}).status_code == 401  # signed out
    assert http.get("/api/billing", headers=bearer("finance@initech.test")).status_code == 200
    entries = [s.to_dict() for s in db.client().collection("auditLog").stream()]
    [granted] = [e for e in entries if e["event"] == "user.billing_access_granted"]
    assert (granted["actorUid"], granted["actorEmail"], granted["orgId"]) == (None, "cli", "initech")

    again = json.loads(cli("user", "billing-access", "--user", "finance@initech.test", "--grant").stdout)
    assert again["changed"] is False
    cli("user", "billing-access", "--user", "finance@initech.test", "--revoke")
    assert http.get("/api/billing", headers=bearer("finance@initech.test")).status_code == 403
    entries = [s.to_dict() for s in db.client().collection("auditLog").stream()]
    assert [e["actorEmail"] for e in entries if e["event"] == "user.billing_access_revoked"] == ["cli"]

    owner = cli("user", "billing-access", "--user", "boss@initech.test", "--grant", ok=False)
    assert "Owners see billing by their role" in owner.stderr
    assert "No user" in cli("user", "billing-access", "--user", "ghost@y.test", "--revoke", ok=False).stderr
    both = cli("user", "billing-access", "--user", "finance@initech.test", "--grant", "--revoke", ok=False)
    assert "not allowed with argument" in both.stderr
