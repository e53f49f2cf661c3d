"""portal.files.attachments with the storage faked: the checks of a list of file ids (limit,
duplicates, unknown or another organisation's, another project's) and how kept
attachments are shown (links of the files API, removed files, one batched read)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "functions"))

from portal import db
from portal.errors import BadRequest, NotFound
from portal.files import attachments
from portal.identity import Caller, Role

OPS = Caller("u-ops", "ops@agency.test", Role.AJ_OPS, "agency")
OWNER = Caller("u-owner", "owner@acme.test", Role.CLIENT_OWNER, "acme")
FILES = {
    "acme": {
        "img": {"name": "Hero.png", "mimeType": "image/png", "kind": "image", "size": 10, "projectId": "rebrand",
                "hasThumbnail": True},
        "doc": {"name": "Notes.docx", "kind": "document", "size": 5, "projectId": None,
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        "other": {"name": "Copy.pdf", "mimeType": "application/pdf", "kind": "pdf", "size": 7, "projectId": "site"},
    },
    "globex": {"secret": {"name": "Secret.png", "mimeType": "image/png", "kind": "image", "projectId": None}},
}  # fmt: skip


class Ref:
    def __init__(self, org: str, file_id: str) -> None:
        self.org, self.id, self.path = org, file_id, f"orgs/{org}/files/{file_id}"


class Snap:
    def __init__(self, ref: Ref) -> None:
        self.id, self.reference = ref.id, ref
        self._data = FILES.get(ref.org, {}).get(ref.id)
        self.exists = self._data is not None

    def to_dict(self) -> dict[str, Any] | None:
        return dict(self._data) if self._data is not None else None


class Store:
    def __init__(self, org: str) -> None:
        self.org = org

    def file(self, file_id: str) -> Ref:
        return Ref(self.org, file_id)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def read_all(refs: list[Ref]) -> list[Snap]:
        calls.append(len(refs))
        return [Snap(r) for r in refs]

    def grant(caller: Caller, action: Any, org_id: str | None = None) -> Store:
        if not caller.is_staff and org_id != caller.org_id:
            raise NotFound("Not found.")
        return Store(org_id or caller.org_id)

    monkeypatch.setattr(db, "read_all", read_all)
    monkeypatch.setattr(db, "grant", grant)
    monkeypatch.setattr(db, "trusted_grant", lambda action, org_id: Store(org_id))
    monkeypatch.setattr(db, "system", Store)
    return calls


def test_valid_ids_are_kept_with_their_names_in_one_read(reads: list[int]) -> None:
    kept = attachments.validate_attachments(OPS, "acme", ["img", "doc"], project_id="rebrand")
    assert kept == [{"id": "img", "name": "Hero.png"}, {"id": "doc", "name": "Notes.docx"}]
    assert reads == [2]
    assert attachments.validate_attachments(OWNER, "acme", ["other"]) == [{"id": "other", "name": "Copy.pdf"}]
    assert attachments.validate_attachments(None, "acme", ["doc"]) == [{"id": "doc", "name": "Notes.docx"}]
    assert attachments.validate_attachments(OPS, "acme", []) == []
    assert attachments.validate_attachments(OPS, "acme", None) == []


@pytest.mark.parametrize(
    ("ids", "project", "code"),
    [
        (["secret"], None, "unknown_attachment"),
        (["nope"], None, "unknown_attachment"),
        (["img", "secret"], None, "unknown_attachment"),
        (["img", "img"], None, "duplicate_attachment"),
        (["other"], "rebrand", "attachment_other_project"),
        ([f"f{i}" for i in range(21)], None, "too_many_attachments"),
        (["a/b"], None, "unknown_attachment"),
        ([""], None, "unknown_attachment"),
        (["__x__"], None, "unknown_attachment"),
        ([7, 7, "a"], None, "unknown_attachment"),
    ],
)
def test_refusals(reads: list[int], ids: list[str], project: str | None, code: str) -> None:
    with pytest.raises(BadRequest) as refused:
        attachments.validate_attachments(OPS, "acme", ids, project_id=project)
    assert refused.value.code == code
    assert "globex" not in refused.value.message.lower()


def test_a_client_names_only_their_own_organisation(reads: list[int]) -> None:
    with pytest.raises(NotFound):
        attachments.validate_attachments(OWNER, "globex", ["secret"])
    with pytest.raises(BadRequest) as refused:
        attachments.validate_attachments(OWNER, "acme", ["secret"])
    assert refused.value.code == "unknown_attachment"


def test_rendering_gives_the_files_api_links_and_removed_files(reads: list[int]) -> None:
    lists = [[{"id": "img", "name": "Old.png"}, {"id": "gone", "name": "Deleted.pdf"}], ["doc"], [], None]
    shown = attachments.render_many("acme", lists)
    assert reads == [3]  # every distinct id, once, in one read
    img, gone = shown[0]
    assert img["name"] == "Hero.png" and img["removed"] is False and img["inline"] is True
    assert img["downloadUrl"] == "/api/files/img/download"
    assert img["viewUrl"] == "/api/files/img/download?inline=1"
    assert img["thumbnailUrl"] == "/api/files/img/thumbnail"
    assert gone == {"id": "gone", "name": "Deleted.pdf", "removed": True, "downloadUrl": None, "viewUrl": None,
                    "thumbnailUrl": None}  # fmt: skip
    [doc] = shown[1]
    assert doc["inline"] is False and doc["viewUrl"] is None and doc["thumbnailUrl"] is None
    assert shown[2] == [] and shown[3] == []
    assert attachments.render_attachments("acme", []) == []
    assert reads == [3]  # nothing to read, no read
    assert attachments.render_attachments("globex", [{"id": "img", "name": "Hero.png"}])[0]["removed"] is True
