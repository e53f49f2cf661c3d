"""Portal files attached to approval versions (portal.files.attachments), through the real
functions and the Drive stand-in: each role sees them with the files API's links; another
organisation's, unknown, repeated, too many or another project's ids are refused and change
nothing; a file deleted since shows as removed, its name kept."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from helpers import bearer, error_code

from portal import db, webhooks
from portal.files.demo import docx, pdf, png

pytestmark = pytest.mark.usefixtures("world")
QUANTUM = 256 * 1024
CONTENT = {"previewUrl": None, "fileUrls": [], "notes": "See the files"}


@pytest.fixture
def who() -> Any:
    tokens: dict[str, dict[str, str]] = {}

    def headers(email: str) -> dict[str, str]:
        if email not in tokens:
            tokens[email] = bearer(email)
        return tokens[email]

    return headers


def upload(http: httpx.Client, headers: dict[str, str], name: str, data: bytes, **extra: Any) -> dict[str, Any]:
    r = http.post("/api/files/upload", json={"name": name, "size": len(data), **extra}, headers=headers)
    assert r.status_code == 201, r.text
    upload_id, offset = r.json()["upload"]["id"], 0
    while True:
        piece = data[offset : offset + QUANTUM]
        r = http.put(f"/api/files/upload/{upload_id}", content=piece, headers={
            **headers, "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {offset}-{offset + len(piece) - 1}/{len(data)}"})  # fmt: skip
        if r.status_code == 201:
            return dict(r.json()["file"])
        assert r.status_code == 200, r.text
        offset = r.json()["offset"]


def submit(http: httpx.Client, headers: dict[str, str], attachments: list[str], **extra: Any) -> httpx.Response:
    content = {**CONTENT, "attachments": attachments}
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Logo routes",
            "assigneeEmails": ["member@acme.test"], "content": content, **extra}  # fmt: skip
    return http.post("/api/approvals", json=body, headers=headers)


def approvals(org: str = "acme") -> list[dict[str, Any]]:
    return [s.to_dict() or {} for s in db.client().collection(f"orgs/{org}/approvals").stream()]


@pytest.fixture
def files(http: httpx.Client, drive: Any, who: Any) -> dict[str, dict[str, Any]]:
    """An image in the project (by the owner), a PDF of the organisation as a whole and a
    document in another project (by staff), and a Globex image."""
    ops = who("ops@agency.test")
    return {
        "image": upload(http, who("owner@acme.test"), "Hero.png", png(), projectId="acme-rebrand"),
        "pdf": upload(http, ops, "Brief.pdf", pdf("Brief"), orgId="acme"),
        "elsewhere": upload(http, ops, "Copy.docx", docx("Copy"), orgId="acme", projectId="acme-website-copy"),
        "globex": upload(http, who("owner@globex.test"), "Secret.png", png()),
    }


def test_staff_attach_files_and_every_role_of_the_client_sees_them(http: httpx.Client, files: Any, who: Any) -> None:
    image, brief = files["image"], files["pdf"]
    r = submit(http, who("ops@agency.test"), [image["id"], brief["id"]])
    assert r.status_code == 201, r.text
    item = r.json()
    for email in ("owner@acme.test", "member@acme.test", "admin@agency.test"):
        detail = http.get(f"/api/approvals/{item['id']}", headers=who(email)).json()
        shown = detail["versions"][0]["content"]["attachments"]
        assert [(a["id"], a["name"], a["removed"]) for a in shown] == [
            (image["id"], "Hero.png", False),
            (brief["id"], "Brief.pdf", False),
        ], email
        first = shown[0]
        assert first["mimeType"] == "image/png" and first["kind"] == "image" and first["size"] == image["size"]
        assert first["inline"] is True and first["downloadUrl"] == f"/api/files/{image['id']}/download"
        assert first["viewUrl"] == f"/api/files/{image['id']}/download?inline=1"
        assert shown[1]["kind"] == "pdf" and shown[1]["viewUrl"].endswith("?inline=1")
    got = http.get(shown[0]["downloadUrl"], headers=who("member@acme.test"))
    assert got.status_code == 200 and got.content == png()
    assert http.get(f"/api/approvals/{item['id']}", headers=who("owner@globex.test")).status_code == 404
    assert http.get(f"/api/approvals/{item['id']}").status_code == 401
    [kept] = approvals()
    assert kept["versions"][0]["content"]["attachments"] == [
        {"id": image["id"], "name": "Hero.png"},
        {"id": brief["id"], "name": "Brief.pdf"},
    ]


def test_a_new_version_carries_attachments_instead_of_a_link(http: httpx.Client, files: Any, who: Any) -> None:
    item = submit(http, who("ops@agency.test"), []).json()
    assert item["versions"][0]["content"]["attachments"] == []
    r = http.post(f"/api/approvals/{item['id']}/versions",
                  json={"content": {"notes": "v2", "attachments": [files["image"]["id"]]}},
                  headers=who("ops@agency.test"))  # fmt: skip
    assert r.status_code == 200, r.text
    versions = r.json()["versions"]
    assert [len(v["content"]["attachments"]) for v in versions] == [0, 1]
    assert versions[1]["content"]["attachments"][0]["name"] == "Hero.png"
    assert versions[1]["content"]["previewUrl"] is None


@pytest.mark.parametrize(
    ("pick", "status", "code"),
    [
        (lambda f: [f["globex"]["id"]], 400, "unknown_attachment"),
        (lambda f: ["no-such-file"], 400, "unknown_attachment"),
        (lambda f: [f["image"]["id"], f["image"]["id"]], 400, "duplicate_attachment"),
        (lambda f: [f["elsewhere"]["id"]], 400, "attachment_other_project"),
        (lambda f: [f"x{i}" for i in range(21)], 400, None),
        (lambda f: ["../files/x"], 400, None),
        (lambda f: [7], 400, None),
    ],
)
def test_refused_attachments_change_nothing(
    http: httpx.Client, files: Any, who: Any, pick: Any, status: int, code: str | None
) -> None:
    r = submit(http, who("ops@agency.test"), pick(files))
    assert r.status_code == status, r.text
    assert r.json()["error"]["message"]
    if code:
        assert error_code(r) == code
    assert "globex" not in r.text.lower() and "secret" not in r.text.lower()
    assert approvals() == []


def test_another_organisations_file_is_refused_on_a_new_version(http: httpx.Client, files: Any, who: Any) -> None:
    item = submit(http, who("ops@agency.test"), [files["image"]["id"]]).json()
    for attachments in ([files["globex"]["id"]], ["unknown"], [files["elsewhere"]["id"]]):
        r = http.post(f"/api/approvals/{item['id']}/versions",
                      json={"content": {"notes": "v2", "attachments": attachments}},
                      headers=who("ops@agency.test"))  # fmt: skip
        assert r.status_code == 400, r.text
    [kept] = approvals()
    assert kept["currentVersion"] == 1 and len(kept["versions"]) == 1


def test_clients_cannot_attach_files_to_approvals(http: httpx.Client, files: Any, who: Any) -> None:
    """Submitting items and versions is staff's: a client's attachments are refused and
    nothing is written (files carry no staff-only flag; the organisation is the boundary)."""
    for email in ("owner@acme.test", "member@acme.test"):
        assert submit(http, who(email), [files["image"]["id"]]).status_code == 403
    assert approvals() == []
    item = submit(http, who("ops@agency.test"), []).json()
    r = http.post(f"/api/approvals/{item['id']}/versions",
                  json={"content": {"notes": "mine", "attachments": [files["image"]["id"]]}},
                  headers=who("owner@acme.test"))  # fmt: skip
    assert r.status_code == 403
    assert approvals()[0]["currentVersion"] == 1


def test_a_file_deleted_since_shows_as_removed_with_its_name(http: httpx.Client, files: Any, who: Any) -> None:
    image, brief = files["image"], files["pdf"]
    item = submit(http, who("ops@agency.test"), [image["id"], brief["id"]]).json()
    assert http.delete(f"/api/files/{brief['id']}", headers=who("ops@agency.test")).status_code == 200
    shown = http.get(f"/api/approvals/{item['id']}", headers=who("owner@acme.test")).json()["versions"][0]
    assert [(a["name"], a["removed"]) for a in shown["content"]["attachments"]] == [
        ("Hero.png", False),
        ("Brief.pdf", True),
    ]
    removed = shown["content"]["attachments"][1]
    assert removed["downloadUrl"] is None and removed["viewUrl"] is None and removed["thumbnailUrl"] is None
    r = http.post(f"/api/approvals/{item['id']}/versions",
                  json={"content": {"attachments": [brief["id"]]}}, headers=who("ops@agency.test"))  # fmt: skip
    assert r.status_code == 400 and error_code(r) == "unknown_attachment"


def test_n8n_attaches_the_organisations_files_only(http: httpx.Client, files: Any, who: Any) -> None:
    def send(payload: dict[str, Any]) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **webhooks.sign("dev-n8n-secret", body)}
        return http.post("/api/webhooks/n8n/approvals", content=body, headers=headers)

    content = {"attachments": [files["globex"]["id"]]}
    create = {"eventId": "n8n-att-1", "type": "approval.create", "orgId": "acme", "projectId": "acme-rebrand",
              "contentType": "design", "title": "From n8n", "content": content}  # fmt: skip
    refused = send(create)
    assert refused.status_code == 400 and error_code(refused) == "unknown_attachment"
    assert approvals() == []
    ok = send({**create, "eventId": "n8n-att-2", "content": {"attachments": [files["pdf"]["id"]]}})
    assert ok.status_code == 200, ok.text
    detail = http.get(f"/api/approvals/{ok.json()['approvalId']}", headers=who("owner@acme.test")).json()
    assert [a["name"] for a in detail["versions"][0]["content"]["attachments"]] == ["Brief.pdf"]
