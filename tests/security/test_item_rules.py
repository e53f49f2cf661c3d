"""Rules about one item, attacked through the real pipeline (Hosting, the functions
emulator, Firestore with its rules, the Drive stand-in): who owns a file, staff-only
files, cursors, audit views and exports. Each test is a defect a review as an attacker
found; docs/security.md names them."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any

import httpx
import pytest
from api.test_privacy import _ready
from helpers import bearer, error_code, sign_in, upload_file, wait_for

from portal import db
from portal.files.demo import pdf, png

pytestmark = pytest.mark.usefixtures("world")


def _file_doc(file_id: str, org: str = "acme") -> Any:
    return db.client().collection("orgs").document(org).collection("files").document(file_id)


def _staff_only(http: httpx.Client, file_id: str, project: str = "acme-rebrand") -> None:
    """Make a file staff-only the way the portal does: attach it to an internal note."""
    owner, ops = bearer("owner@acme.test"), bearer("ops@agency.test")
    r = http.post("/api/messages", json={"subject": "Files", "body": "Here.", "projectId": project}, headers=owner)
    assert r.status_code == 201, r.text
    thread = r.json()["thread"]["id"]
    r = http.post(f"/api/messages/{thread}", json={"body": "For us only.", "internal": True, "attachments": [file_id]},
                  headers=ops)  # fmt: skip
    assert r.status_code == 201, r.text
    assert _file_doc(file_id).get().get("staffOnly") is True


# --- 1. file takeover by name ----------------------------------------------------------------------


def test_a_same_name_upload_by_a_client_never_becomes_a_revision_of_a_staff_file(
    http: httpx.Client, drive: Any
) -> None:
    ops, member = bearer("ops@agency.test"), bearer("member@acme.test")
    staff = upload_file(http, ops, "brief.pdf", pdf("the agency's brief"), orgId="acme", projectId="acme-rebrand")
    mine = upload_file(http, member, "brief.pdf", pdf("the member's"), projectId="acme-rebrand")
    assert mine["id"] != staff["id"] and mine["name"] == "brief (2).pdf"
    assert mine["uploadedBy"]["email"] == "member@acme.test"
    kept = http.get(f"/api/files/{staff['id']}", headers=ops).json()["file"]
    assert kept["uploadedBy"]["email"] == "ops@agency.test" and kept["revisedBy"] is None
    assert http.get(f"/api/files/{staff['id']}/download", headers=ops).content == pdf("the agency's brief")
    assert len(http.get(f"/api/files/{staff['id']}/revisions", headers=ops).json()["items"]) == 1
    r = http.delete(f"/api/files/{staff['id']}", headers=member)
    assert r.status_code == 403
    assert _file_doc(staff["id"]).get().exists
    # a third same-name upload takes the next number
    again = upload_file(http, member, "brief.pdf", pdf("once more"), projectId="acme-rebrand")
    assert again["name"] == "brief (2).pdf" and again["id"] == mine["id"]  # the member's own file: a revision


def test_a_staff_only_file_is_not_revised_by_a_client_upload_of_its_name(http: httpx.Client, drive: Any) -> None:
    ops, owner = bearer("ops@agency.test"), bearer("owner@acme.test")
    secret = upload_file(http, ops, "plan.pdf", pdf("internal plan"), orgId="acme", projectId="acme-rebrand")
    _staff_only(http, secret["id"])
    mine = upload_file(http, owner, "plan.pdf", pdf("client plan"), projectId="acme-rebrand")
    assert mine["id"] != secret["id"] and mine["name"] == "plan (2).pdf"
    assert http.get(f"/api/files/{secret['id']}/download", headers=ops).content == pdf("internal plan")
    assert http.delete(f"/api/files/{secret['id']}", headers=owner).status_code == 404


def test_a_revision_keeps_the_owner_and_records_its_own_uploader(http: httpx.Client, drive: Any) -> None:
    owner, ops, member = bearer("owner@acme.test"), bearer("ops@agency.test"), bearer("member@acme.test")
    first = upload_file(http, owner, "logo.png", png(tint=(255, 0, 0)))
    second = upload_file(http, ops, "logo.png", png(tint=(0, 255, 0)), orgId="acme")
    assert second["id"] == first["id"]
    assert second["uploadedBy"]["email"] == "owner@acme.test" and second["revisedBy"]["email"] == "ops@agency.test"
    revisions = http.get(f"/api/files/{first['id']}/revisions", headers=member).json()["items"]
    assert [r["uploadedBy"]["email"] for r in revisions] == ["owner@acme.test", "ops@agency.test"]
    other = upload_file(http, member, "logo.png", png(tint=(0, 0, 255)))
    assert other["id"] != first["id"] and other["name"] == "logo (2).png"
    # the delete rule looks at the owner: the owner, within 15 minutes, not the reviser's
    assert http.get(f"/api/files/{first['id']}", headers=owner).json()["file"]["canDelete"]
    assert http.delete(f"/api/files/{first['id']}", headers=member).status_code == 403


# --- 7. lists and cursors --------------------------------------------------------------------------


def _decoded(cursor: str) -> list[Any]:
    return list(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))))


def test_pages_are_full_and_cursors_never_name_a_hidden_file(http: httpx.Client, drive: Any) -> None:
    ops, member = bearer("ops@agency.test"), bearer("member@acme.test")
    made = {n: upload_file(http, ops, n, png(), orgId="acme", projectId="acme-podcast")
            for n in ("a.png", "b.png", "c.png", "d.png", "e.png", "f.png")}  # fmt: skip
    for name in ("b.png", "c.png", "d.png"):
        _staff_only(http, made[name]["id"], project="acme-podcast")
    hidden = {made[n]["id"] for n in ("b.png", "c.png", "d.png")}
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"projectId": "acme-podcast", "limit": 2, **({"cursor": cursor} if cursor else {})}
        r = http.get("/api/files", params=params, headers=member)
        assert r.status_code == 200, r.text
        page, cursor = r.json()["items"], r.json()["nextCursor"]
        seen += [f["id"] for f in page]
        if cursor is None:
            break
        assert len(page) == 2, page  # never a short page while more remain
        value, path = _decoded(cursor)
        assert path.rsplit("/", 1)[-1] not in hidden and value not in ("b.png", "c.png", "d.png")
    assert seen == [made[n]["id"] for n in ("a.png", "e.png", "f.png")]
    staff_view = http.get("/api/files", params={"orgId": "acme", "projectId": "acme-podcast"}, headers=ops).json()
    assert len(staff_view["items"]) == 6


# --- 8. staff-only files on approvals and in counts ------------------------------------------------


def test_staff_only_files_stay_out_of_approvals_and_project_counts(http: httpx.Client, drive: Any) -> None:
    ops, owner = bearer("ops@agency.test"), bearer("owner@acme.test")
    shown = upload_file(http, ops, "route-a.png", png(), orgId="acme", projectId="acme-rebrand")
    later = upload_file(http, ops, "route-b.png", png(tint=(1, 2, 3)), orgId="acme", projectId="acme-rebrand")
    secret = upload_file(http, ops, "costing.pdf", pdf("margins"), orgId="acme", projectId="acme-rebrand")
    _staff_only(http, secret["id"])
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Routes",
            "content": {"previewUrl": None, "fileUrls": [], "notes": "", "attachments": [secret["id"]]}}  # fmt: skip
    r = http.post("/api/approvals", json=body, headers=ops)
    assert r.status_code == 400 and error_code(r) == "staff_only_file", r.text
    body["content"]["attachments"] = [shown["id"], later["id"]]
    r = http.post("/api/approvals", json=body, headers=ops)
    assert r.status_code == 201, r.text
    approval = r.json()["id"]
    _staff_only(http, later["id"])  # made staff-only after it was attached
    version = http.get(f"/api/approvals/{approval}", headers=owner).json()["versions"][0]
    got = {a["id"]: a for a in version["content"]["attachments"]}
    assert got[shown["id"]]["removed"] is False and got[shown["id"]]["size"]
    assert got[later["id"]]["removed"] is True and not got[later["id"]].get("size")
    assert not got[later["id"]].get("mimeType")
    assert got[later["id"]]["downloadUrl"] is None
    staff_version = http.get(f"/api/approvals/{approval}", headers=ops).json()["versions"][0]
    assert all(not a["removed"] for a in staff_version["content"]["attachments"])
    total = http.get("/api/projects/acme-rebrand", headers=ops).json()["counts"]["files"]
    assert http.get("/api/projects/acme-rebrand", headers=owner).json()["counts"]["files"] == total - 2


def test_a_suffix_range_or_a_later_start_is_still_audited(http: httpx.Client, drive: Any) -> None:
    owner, member = bearer("owner@acme.test"), bearer("member@acme.test")
    data = pdf("audited " * 200)
    file = upload_file(http, owner, "audited.pdf", data)
    url = f"/api/files/{file['id']}/download"
    for who, header in ((member, f"bytes=-{len(data)}"), (owner, "bytes=1-")):
        r = http.get(url, headers={**who, "Range": header})
        assert r.status_code == 206, r.text

    def downloads() -> set[str]:
        found = db.audit_log().where(filter=db.eq("target", file["id"])).stream()
        return {str(s.get("actorEmail")) for s in found if s.get("event") == "file.download"}

    assert wait_for(lambda: downloads() == {"owner@acme.test", "member@acme.test"}, timeout=10)
    for _ in range(3):  # the pieces of one download are one entry
        assert http.get(url, headers={**member, "Range": "bytes=0-99"}).status_code == 206
    entries = [s for s in db.audit_log().where(filter=db.eq("target", file["id"])).stream()]
    assert len([s for s in entries if s.get("actorEmail") == "member@acme.test"]) == 1


def test_a_client_owner_sees_agency_staff_and_no_ip_in_the_audit_view(http: httpx.Client, drive: Any) -> None:
    file = upload_file(http, bearer("owner@acme.test"), "seen.png", png())
    assert http.get(f"/api/files/{file['id']}/download", headers=bearer("ops@agency.test")).status_code == 200
    assert http.get(f"/api/files/{file['id']}/download", headers=bearer("owner@acme.test")).status_code == 200
    items = http.get("/api/audit", params={"action": "file.download"}, headers=bearer("owner@acme.test")).json()[
        "items"
    ]
    by_role = {e["actorRole"]: e for e in items if e["target"] == file["id"]}
    assert by_role["aj_ops"]["actorEmail"] == "agency staff" and by_role["aj_ops"]["actorUid"] is None
    assert by_role["client_owner"]["actorEmail"] == "owner@acme.test"
    everything = http.get("/api/audit", headers=bearer("owner@acme.test")).json()["items"]
    assert everything and all(e["ip"] is None and e["viewerUid"] is None for e in everything)
    assert not any("@agency.test" in json.dumps(e) for e in everything)
    staff_view = http.get("/api/audit", params={"orgId": "acme", "action": "file.download"},
                          headers=bearer("admin@agency.test")).json()["items"]  # fmt: skip
    assert any(e["actorEmail"] == "ops@agency.test" and e["ip"] for e in staff_view)


# --- 2. a client's export ----------------------------------------------------------------------------


def _export(http: httpx.Client, who: str, body: dict[str, Any]) -> dict[str, Any]:
    r = http.post("/api/exports", json=body, headers=bearer(who))
    assert r.status_code == 202, r.text
    return _ready(http, who, r.json()["export"]["id"])


def test_a_client_owners_export_holds_no_staff_only_file(http: httpx.Client, drive: Any) -> None:
    ops = bearer("ops@agency.test")
    secret = upload_file(http, ops, "margins.pdf", pdf("our margins"), orgId="acme", projectId="acme-rebrand")
    public = upload_file(http, ops, "deck.pdf", pdf("the deck"), orgId="acme", projectId="acme-rebrand")
    _staff_only(http, secret["id"])
    export = _export(http, "owner@acme.test", {"scope": "organisation"})
    r = http.get(export["download"], headers=bearer("owner@acme.test"))
    assert r.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    manifest = {f["id"] for f in json.loads(archive.read("files.json"))}
    assert public["id"] in manifest and secret["id"] not in manifest
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert b"our margins" not in everything and b"margins.pdf" not in everything
    assert b"the deck" in everything
    audit = json.loads(archive.read("audit.json"))
    assert audit and all(e["ip"] is None for e in audit)
    assert b"@agency.test" not in archive.read("audit.json")
    staff = _export(http, "ops@agency.test", {"scope": "organisation", "orgId": "acme"})
    staff_archive = zipfile.ZipFile(io.BytesIO(http.get(staff["download"], headers=ops).content))
    assert secret["id"] in {f["id"] for f in json.loads(staff_archive.read("files.json"))}


def test_a_ready_export_is_not_downloaded_after_its_requester_lost_the_right(http: httpx.Client) -> None:
    export = _export(http, "owner@acme.test", {"scope": "organisation"})
    assert http.get(export["download"], headers=bearer("owner@acme.test")).status_code == 200
    uid = str(sign_in("owner@acme.test")["localId"])
    r = http.patch(f"/api/members/{uid}", json={"role": "client_member"}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text
    demoted = bearer("owner@acme.test", fresh=True)
    assert http.get(export["download"], headers=demoted).status_code == 404
    assert http.get(export["download"], headers={**demoted, "Range": "bytes=-10"}).status_code == 404


def test_each_version_uploader_is_personal_data_exported_and_erased(http: httpx.Client, drive: Any) -> None:
    from portal.privacy import sources

    member, ops = bearer("member@acme.test"), bearer("ops@agency.test")
    uid = str(sign_in("member@acme.test")["localId"])
    mine = upload_file(http, member, "draft.png", png(tint=(9, 9, 9)))
    upload_file(http, ops, "draft.png", png(tint=(8, 8, 8)), orgId="acme")
    theirs = upload_file(http, ops, "board.png", png(), orgId="acme")
    upload_file(http, member, "board.png", png(tint=(7, 7, 7)))  # a new file beside it, not a revision
    person = sources.Person(uid, "acme", "member@acme.test")
    exported = {row["id"]: row for row in sources._uploads(person)}
    assert exported[mine["id"]]["owner"] is True and len(exported[mine["id"]]["revisions"]) == 1
    assert theirs["id"] not in exported
    sources._erase_uploads(person)
    data = _file_doc(mine["id"]).get().to_dict() or {}
    assert data["uploadedBy"]["uid"] is None and uid not in data.get("uploaderUids", [])
    assert {(w or {}).get("uid") for w in data["revisionUploaders"].values()} == {None, data["revisedBy"]["uid"]}
    assert data["revisedBy"]["email"] == "ops@agency.test"
    assert list(sources._uploads(person)) == []


# --- 4. a staff second factor, for every kind of credential -------------------------------------------


def test_a_required_staff_second_factor_holds_for_bearer_tokens_and_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The functions emulator runs with the project's settings, so this serves the routes in
    this process, through the same pipeline, with ``STAFF_SECOND_FACTOR=required``."""
    import flask
    from helpers import enrol_phones, token, two_factor_sign_in

    from portal.auth import routes

    monkeypatch.setenv("STAFF_SECOND_FACTOR", "required")
    app = flask.Flask(__name__)

    def serve(route: Any, id_token: str, method: str = "GET", **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {id_token}"} if method == "GET" else {}
        with app.test_request_context(route.path, method=method, headers=headers,
                                      environ_base={"REMOTE_ADDR": "127.0.0.1"}, **kwargs):  # fmt: skip
            return route.serve(flask.request)

    refused = serve(routes.auth_me, token("ops@agency.test", fresh=True))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "second_factor_required"
    login = serve(routes.auth_login, token("ops@agency.test", fresh=True), "POST",
                  json={"idToken": token("ops@agency.test", fresh=True)})  # fmt: skip
    assert login.status_code == 403
    assert serve(routes.auth_me, token("owner@acme.test")).status_code == 200  # clients: not required
    uid = str(sign_in("ops@agency.test")["localId"])
    enrol_phones(uid, "+15555550181")
    with_factor = two_factor_sign_in("ops@agency.test", "+15555550181")["idToken"]
    assert serve(routes.auth_me, with_factor).status_code == 200
