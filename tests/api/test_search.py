"""Search through Hosting and the functions emulator: each role finds what it may see and
nothing else (another organisation's items, internal or staff-only items, not even as a
count), word and prefix matches of several words, bad input as 400s, pages, and the
index kept by the triggers as items are created, changed and deleted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from helpers import bearer, error_code, wait_for

from portal import db
from portal.search import index

pytestmark = pytest.mark.usefixtures("world")


def find(http: httpx.Client, email: str | None, q: str, **params: Any) -> httpx.Response:
    return http.get("/api/search", params={"q": q, **params}, headers=bearer(email) if email else {})


def results(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return [item for group in response.json()["groups"] for item in group["items"]]


def ids(response: httpx.Response) -> set[str]:
    return {r["id"] for r in results(response)}


def staff_file(org: str, file_id: str, name: str, **extra: Any) -> None:
    """A file mirror written as the files feature writes it, indexed as its trigger would."""
    db.system(org).file(file_id).set({"id": file_id, "orgId": org, "name": name, "projectId": None, **extra})
    index.reindex("file", {"orgId": org, "fileId": file_id})


def test_a_client_finds_its_projects_by_word_and_prefix_with_snippets(http: httpx.Client) -> None:
    r = find(http, "member@acme.test", "bran")
    assert r.status_code == 200
    body = r.json()
    assert body["terms"] == ["bran"]
    [group] = body["groups"]
    assert group["kind"] == "project" and group["label"] == "Projects"
    [item] = group["items"]
    assert set(item) >= {"kind", "id", "orgId", "title", "snippet", "highlights", "link"}
    assert (item["kind"], item["id"], item["orgId"], item["link"]) == ("project", "acme-rebrand", "acme",
                                                                       "/projects/acme-rebrand")  # fmt: skip
    assert item["title"] == "Brand refresh"
    assert [item["title"][a:b] for a, b in item["titleHighlights"]] == ["Brand"]
    assert [item["snippet"][a:b] for a, b in item["highlights"]] == ["brand"]  # "... and brand guidelines."
    assert "<" not in item["snippet"]


def test_every_word_must_match_whatever_its_case_and_accents(http: httpx.Client) -> None:
    assert ids(find(http, "owner@acme.test", "BRÀND guide")) == {"acme-rebrand"}
    assert ids(find(http, "owner@acme.test", "launch film")) == {"acme-launch-video"}
    assert ids(find(http, "owner@acme.test", "brand film")) == set()
    assert ids(find(http, "owner@acme.test", "moodboardxyz")) == set()


def test_a_client_never_sees_another_organisation_not_even_a_count(http: httpx.Client) -> None:
    r = find(http, "owner@globex.test", "brand")
    assert ids(r) == set() and r.json()["nextCursor"] is None
    assert "acme" not in r.text.lower()
    assert ids(find(http, "owner@globex.test", "annual")) == {"globex-annual-report"}
    other = find(http, "owner@globex.test", "brand", orgId="acme")
    assert other.status_code == 404 and "acme" not in other.text.lower()
    assert ids(find(http, "owner@globex.test", "annual", orgId="globex")) == {"globex-annual-report"}


def test_without_credentials_search_is_401(http: httpx.Client) -> None:
    r = find(http, None, "brand")
    assert r.status_code == 401 and error_code(r) == "no_credentials"


def test_staff_search_every_client_or_one(http: httpx.Client) -> None:
    everywhere = results(find(http, "ops@agency.test", "campaign"))
    assert {(r["orgId"], r["id"]) for r in everywhere} == {("globex", "globex-campaign")}
    both = results(find(http, "admin@agency.test", "new"))
    assert {r["orgId"] for r in both} == {"acme"}  # "New logo system", "the new marketing site"
    assert ids(find(http, "ops@agency.test", "templates", orgId="globex")) == {"globex-social"}
    assert ids(find(http, "ops@agency.test", "templates", orgId="acme")) == set()
    assert find(http, "ops@agency.test", "brand", orgId="agency").status_code == 403
    assert find(http, "ops@agency.test", "brand", orgId="nowhere").status_code == 404


def test_staff_only_items_are_found_by_staff_alone(http: httpx.Client) -> None:
    staff_file("acme", "f-internal", "Zephyr pricing notes.pdf", staffOnly=True)
    staff_file("acme", "f-shared", "Zephyr moodboard.pdf")
    assert ids(find(http, "ops@agency.test", "zephyr")) == {"f-internal", "f-shared"}
    for email in ("owner@acme.test", "member@acme.test"):
        r = find(http, email, "zephyr")
        assert ids(r) == {"f-shared"} and "pricing" not in r.text.lower()
        assert ids(find(http, email, "pricing")) == set()
    [file] = results(find(http, "member@acme.test", "moodboard zeph"))
    assert file["kind"] == "file" and file["link"] == "/files"


def test_results_are_grouped_by_kind_and_filtered_by_kind(http: httpx.Client) -> None:
    staff_file("acme", "f-brand", "Brand guidelines.pdf")
    body = find(http, "owner@acme.test", "brand").json()
    assert [g["kind"] for g in body["groups"]] == ["project", "file"]
    assert ids(find(http, "owner@acme.test", "brand", kind="file")) == {"f-brand"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": ""}, "empty_query"),
        ({}, "empty_query"),
        ({"q": "  ?? "}, "query_too_short"),
        ({"q": "x"}, "query_too_short"),
        ({"q": "one two three four five six seven"}, "too_many_words"),
        ({"q": "x" * 201}, "query_too_long"),
        ({"q": "x" * 1001}, "invalid_query"),
        ({"q": "brand", "orgId": "../x"}, None),
        ({"q": "brand", "orgId": "__x__"}, None),
        ({"q": "brand", "kind": "invoice"}, None),
        ({"q": "brand", "limit": "0"}, None),
        ({"q": "brand", "limit": "500"}, None),
        ({"q": "brand", "cursor": "not a cursor"}, "invalid_cursor"),
        ({"q": "brand", "unknown": "1"}, None),
    ],
)
def test_bad_input_is_a_clear_400(http: httpx.Client, params: dict[str, str], code: str | None) -> None:
    for email in ("member@acme.test", "ops@agency.test"):
        r = http.get("/api/search", params=params, headers=bearer(email))
        assert r.status_code == 400, r.text
        assert r.json()["error"]["message"]
        if code:
            assert error_code(r) == code


def test_pages_follow_a_cursor_and_a_cursor_stays_in_its_organisation(http: httpx.Client) -> None:
    for i in range(5):
        staff_file("acme", f"f-report-{i}", f"Quarterly report {i}.pdf")
    seen: list[str] = []
    cursor = None
    while True:
        r = find(http, "member@acme.test", "quarterly", limit=2, **({"cursor": cursor} if cursor else {}))
        page = results(r)
        assert len(page) <= 2
        seen += [p["id"] for p in page]
        cursor = r.json()["nextCursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"f-report-{i}" for i in range(5)]
    first = find(http, "member@acme.test", "quarterly", limit=2).json()["nextCursor"]
    stolen = find(http, "owner@globex.test", "quarterly", cursor=first)
    assert stolen.status_code == 400 and error_code(stolen) == "invalid_cursor"
    # Staff page across every client; a cursor naming another collection is refused.
    staff = find(http, "ops@agency.test", "quarterly", limit=3).json()["nextCursor"]
    assert ids(find(http, "ops@agency.test", "quarterly", limit=3, cursor=staff)) == {"f-report-3", "f-report-4"}
    odd = db.encode_cursor("acme-rebrand", "orgs/acme/projects/acme-rebrand")
    assert error_code(find(http, "ops@agency.test", "quarterly", cursor=odd)) == "invalid_cursor"


def test_the_triggers_index_new_changed_and_deleted_items(http: httpx.Client) -> None:
    r = http.post("/api/approvals", headers=bearer("ops@agency.test"), json={
        "orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Xylophone poster",
        "description": "Poster for the spring fair.", "content": {"notes": "Printed A2."}})  # fmt: skip
    assert r.status_code == 201, r.text
    approval_id = r.json()["id"]
    found = wait_for(lambda: ids(find(http, "member@acme.test", "xylo poster")) == {approval_id})
    assert found
    [item] = results(find(http, "member@acme.test", "xylophone"))
    assert item["kind"] == "approval" and item["link"] == f"/approvals/{approval_id}"
    assert ids(find(http, "owner@globex.test", "xylophone")) == set()
    db.system("acme").project("acme-podcast").update({"name": "Podcast jingle Quokka"})
    assert wait_for(lambda: ids(find(http, "owner@acme.test", "quokka")) == {"acme-podcast"})
    db.system("acme").project("acme-podcast").delete()
    assert wait_for(lambda: ids(find(http, "owner@acme.test", "quokka")) == set())


def test_indexing_twice_or_late_changes_nothing() -> None:
    params = {"orgId": "acme", "projectId": "acme-rebrand"}
    assert index.reindex("project", params) == "unchanged"  # the seed indexed it
    db.system("acme").project("acme-rebrand").update({"lastActivity": 1})  # nothing searched changed
    assert index.reindex("project", params) == "unchanged"
    db.system("acme").project("acme-rebrand").update({"description": "Wordmark only."})
    assert index.reindex("project", params) in ("written", "unchanged")  # the trigger may have been first
    assert index.reindex("project", params) == "unchanged"
    entry = db.system("acme").search_entry("project:acme-rebrand").get().to_dict() or {}
    assert entry["text"].startswith("Wordmark only.") and "wordmark" in entry["terms"]
    assert "palette" not in entry["terms"]  # from the description it had before
    db.system("acme").project("acme-rebrand").delete()
    assert index.reindex("project", params) in ("removed", "absent")
    assert index.reindex("project", params) == "absent"


def test_the_backfill_indexes_what_exists_and_drops_what_is_gone() -> None:
    db.system("globex").project("globex-extra").set({"id": "globex-extra", "orgId": "globex", "name": "Extra"})
    db.system("globex").search_entry("project:ghost").set({"kind": "project", "orgId": "globex", "terms": {}})
    db.system("globex").search_entry("legacy:1").set({"terms": {}})  # of no kind indexed today: dropped
    counts = index.backfill("globex")
    assert counts["project"].get("removed") == 1
    assert db.system("globex").search_entry("project:globex-extra").get().exists
    assert not db.system("globex").search_entry("project:ghost").get().exists
    assert not db.system("globex").search_entry("legacy:1").get().exists
    assert index.backfill("globex")["project"] == {"unchanged": 4}


def thread(org: str, thread_id: str, subject: str, messages: dict[str, str], notes: dict[str, str]) -> None:
    """A thread with messages and internal notes as the messages feature stores them, indexed."""
    base = f"orgs/{org}/threads/{thread_id}"
    db.org_document(base).set({"id": thread_id, "orgId": org, "subject": subject})
    index.reindex("thread", {"orgId": org, "threadId": thread_id})
    for folder, kind, items in (("messages", "message", messages), ("notes", "note", notes)):
        for item_id, body in items.items():
            db.org_document(f"{base}/{folder}/{item_id}").set({"threadId": thread_id, "body": body,
                                                               "author": {"name": "Oscar Ops"}})  # fmt: skip
            index.reindex(kind, {"orgId": org, "threadId": thread_id, f"{kind}Id": item_id})


def test_threads_and_messages_are_found_and_internal_notes_by_staff_alone(http: httpx.Client) -> None:
    thread("acme", "t-print", "Print run for the brochure", {"m1": "The printer needs the brochure files by Friday."},
           {"n1": "Internal: brochure budget is tight, the printer quoted high."})  # fmt: skip
    thread("globex", "t-other", "Brochure for Globex", {"m1": "Globex brochure draft."}, {})
    client = find(http, "member@acme.test", "brochure")
    kinds = {(r["kind"], r["id"]) for r in results(client)}
    assert kinds == {("thread", "t-print"), ("message", "m1")}
    assert "budget" not in client.text and "Internal" not in client.text and "globex" not in client.text.lower()
    assert ids(find(http, "owner@acme.test", "budget")) == set()
    assert ids(find(http, "owner@acme.test", "brochure", kind="note")) == set()
    [message] = results(find(http, "member@acme.test", "printer friday"))
    assert message["title"] == "Message from Oscar Ops" and message["link"] == "/messages/t-print"
    staff = results(find(http, "ops@agency.test", "brochure", orgId="acme"))
    assert {(r["kind"], r["id"]) for r in staff} == {("thread", "t-print"), ("message", "m1"), ("note", "n1")}
    [note] = results(find(http, "ops@agency.test", "budget"))
    assert note["kind"] == "note" and note["title"] == "Internal note by Oscar Ops"
    # A deleted message leaves the index.
    db.org_document("orgs/acme/threads/t-print/messages/m1").update({"body": "", "deletedAt": 1})
    deleted = {"orgId": "acme", "threadId": "t-print", "messageId": "m1"}
    assert index.reindex("message", deleted) in ("removed", "absent")  # the trigger may have been first
    assert index.reindex("message", deleted) == "absent"
    assert ids(find(http, "member@acme.test", "printer friday")) == set()


def test_the_real_messages_feature_is_indexed_by_its_triggers(http: httpx.Client) -> None:
    """Through the messages API and the search triggers, not hand-written documents."""
    r = http.post("/api/messages", json={"subject": "Zeppelin banner sizes", "body": "Which quokka sizes?"},
                  headers=bearer("owner@acme.test"))  # fmt: skip
    assert r.status_code == 201, r.text
    thread_id = r.json()["thread"]["id"]
    note = http.post(f"/api/messages/{thread_id}", json={"body": "Internal: the wombat budget", "internal": True},
                     headers=bearer("ops@agency.test"))  # fmt: skip
    assert note.status_code == 201, note.text
    assert wait_for(lambda: thread_id in ids(find(http, "member@acme.test", "zeppelin")))
    assert wait_for(lambda: results(find(http, "member@acme.test", "quokka")))
    assert wait_for(lambda: results(find(http, "ops@agency.test", "wombat")))
    assert results(find(http, "ops@agency.test", "wombat"))[0]["kind"] == "note"
    for who in ("owner@acme.test", "member@acme.test"):
        assert results(find(http, who, "wombat")) == []
    for who in ("owner@globex.test", "member@globex.test"):
        assert results(find(http, who, "zeppelin")) == [] and results(find(http, who, "quokka")) == []
