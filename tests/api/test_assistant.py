"""The assistant through Hosting and the functions emulator, spoken in ChatKit's protocol,
with the local model stand-in (scripted per test, canned otherwise): answers from the
caller's own data, nothing of another organisation whatever the model asks for, billing
only for those who may see it, hand-off to the team as a message thread, the daily cap,
conversations listed and deleted per person, every role, bad input, and no key."""

from __future__ import annotations

import json
from typing import Any

import flask
import httpx
import pytest
from helpers import bearer, error_code, sign_in

from portal import db
from portal.assistant import erase_user, export_user, routes, settings, spend

pytestmark = pytest.mark.usefixtures("world")

OWNER, MEMBER, GLOBEX, OPS, ADMIN = (
    "owner@acme.test", "member@acme.test", "owner@globex.test", "ops@agency.test", "admin@agency.test",
)  # fmt: skip
GLOBEX_WORDS = ("globex", "annual report", "spring campaign", "social media templates", "infographic")


def ask(text: str) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


def chatkit(http: httpx.Client, who: str | None, body: Any, **headers: str) -> httpx.Response:
    auth = bearer(who) if who else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.post("/api/chatkit", content=content,
                     headers={"Content-Type": "application/json", **auth, **headers})  # fmt: skip


def events(r: httpx.Response) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    return [json.loads(line[6:]) for line in r.text.splitlines() if line.startswith("data: ")]


def answer(evs: list[dict[str, Any]]) -> str:
    done = [e["item"] for e in evs if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message"]
    return "\n".join(c["text"] for item in done for c in item["content"])


def start(http: httpx.Client, who: str, text: str) -> tuple[str, list[dict[str, Any]]]:
    evs = events(chatkit(http, who, {"type": "threads.create", "params": {"input": ask(text)}}))
    [created] = [e for e in evs if e["type"] == "thread.created"]
    return created["thread"]["id"], evs


def listed(http: httpx.Client, who: str) -> list[str]:
    r = chatkit(http, who, {"type": "threads.list", "params": {}})
    assert r.status_code == 200, r.text
    return [t["id"] for t in r.json()["data"]]


def tool_results(model: Any) -> list[str]:
    """What the tools answered, as the model's last request carries them all."""
    received = model.received()
    return [m["content"] for m in received[-1]["messages"] if m["role"] == "tool"] if received else []


def offered(model: Any) -> set[str]:
    return {t["function"]["name"] for t in model.received()[0].get("tools") or []}


def threads_in_firestore() -> int:
    return db.across_orgs(db.ASSISTANT_THREADS).count().get()[0][0].value


def test_a_question_is_answered_from_the_callers_own_data(http: httpx.Client, model_standin: Any) -> None:
    thread_id, evs = start(http, OWNER, "How are my projects going?")
    kinds = [e["type"] for e in evs]
    assert kinds[0] == "thread.created" and "stream_options" in kinds and "error" not in kinds
    text = answer(evs)
    assert "Brand refresh" in text and "/projects/acme-rebrand" in text
    assert not any(word in text.lower() for word in GLOBEX_WORDS)
    [result] = tool_results(model_standin)  # the model asked for projects and got Acme's
    assert "Brand refresh" in result and "globex" not in result.lower()
    # The conversation is kept: its items are ChatKit's, in order; the tokens were counted.
    r = chatkit(http, OWNER, {"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}})
    items = r.json()["data"]
    assert [i["type"] for i in items][:1] == ["user_message"] and items[-1]["type"] == "assistant_message"
    assert spend.used("acme") > 0
    assert listed(http, OWNER) == [thread_id]
    # A follow-up in the same conversation sends the history to the model.
    model_standin.reset()
    follow = {"thread_id": thread_id, "input": ask("And what is waiting on me?")}
    r = chatkit(http, OWNER, {"type": "threads.add_user_message", "params": follow})
    assert "error" not in [e["type"] for e in events(r)]
    first = model_standin.received()[0]["messages"]
    assert any(m["role"] == "user" and "How are my projects going?" in str(m["content"]) for m in first)


def test_a_tool_call_for_another_organisation_returns_nothing_of_it(http: httpx.Client, model_standin: Any) -> None:
    model_standin.script(
        {"tool": "projects", "arguments": {"org_id": "globex"}},
        {"tool": "projects", "arguments": {"project_id": "globex-annual-report"}},
        {"tool": "approvals_waiting", "arguments": {"org_id": "globex"}},
        {"tool": "upcoming_meetings", "arguments": {"org_id": "globex"}},
        {"tool": "search_portal", "arguments": {"query": "annual report", "org_id": "globex"}},
        {"tool": "search_portal", "arguments": {"query": "infographic"}},
        {"text": "I could not find anything of Globex."},
    )
    _, evs = start(http, OWNER, "Show me Globex's projects, approvals and meetings.")
    results = tool_results(model_standin)
    assert len(results) == 6
    for result in results:
        assert json.loads(result)["found"] is False, result
        assert not any(word in result.lower() for word in GLOBEX_WORDS), result
    assert not any(word in answer(evs).lower() for word in GLOBEX_WORDS[1:])


def test_billing_is_offered_only_to_those_who_may_see_it(http: httpx.Client, model_standin: Any) -> None:
    _, evs = start(http, MEMBER, "Did our last payment go through?")
    assert "billing_status" not in offered(model_standin)
    assert tool_results(model_standin) == []  # the canned model had no billing tool to call
    assert "past_due" not in answer(evs) and "4500" not in answer(evs)
    model_standin.reset()
    _, evs = start(http, OWNER, "Did our last payment go through?")
    assert "billing_status" in offered(model_standin)
    [result] = tool_results(model_standin)
    assert json.loads(result)["found"] is True and json.loads(result)["link"] == "/billing"


def _acme_threads(http: httpx.Client) -> list[str]:
    return [t["id"] for t in http.get("/api/messages", params={"orgId": "acme"}, headers=bearer(OPS)).json()["items"]]


def _answer_card(http: httpx.Client, who: str, thread: str, card: str, kind: str, **payload: Any) -> list[dict]:
    body = {"type": "threads.custom_action",
            "params": {"thread_id": thread, "item_id": card, "action": {"type": kind, "payload": payload}}}  # fmt: skip
    return events(chatkit(http, who, body))


def test_asking_the_team_asks_the_person_first_then_starts_a_thread_staff_see(
    http: httpx.Client, model_standin: Any
) -> None:
    before = _acme_threads(http)
    thread, evs = start(http, OWNER, "Can someone from the team call me about the launch video?")
    [result] = tool_results(model_standin)
    assert json.loads(result)["pending"] is True
    [card] = [e["item"] for e in evs if e["type"] == "thread.item.done" and e["item"]["type"] == "widget"]
    assert card["widget"]["confirm"]["action"]["type"] == "handoff.send"
    assert _acme_threads(http) == before  # nothing reaches the team until the person says so
    # Someone else's conversation, or a card that is not one: nothing happens.
    theirs = {"thread_id": thread, "item_id": card["id"], "action": {"type": "handoff.send"}}
    assert chatkit(http, MEMBER, {"type": "threads.custom_action", "params": theirs}).status_code == 404
    # The person's payload is not what is sent: the stored card is.
    evs = _answer_card(http, OWNER, thread, card["id"], "handoff.send", subject="Planted", question="Planted text")
    [replaced] = [e["item"] for e in evs if e["type"] == "thread.item.replaced"]
    assert "confirm" not in replaced["widget"] or not replaced["widget"].get("confirm")
    [handed] = [t for t in _acme_threads(http) if t not in before]
    assert f"/messages/{handed}" in answer(evs)
    r = http.get(f"/api/messages/{handed}", headers=bearer(OPS))
    assert r.status_code == 200, r.text
    [first] = r.json()["messages"]
    assert first["author"]["email"] == OWNER and "Planted" not in first["body"]
    assert "--- Conversation with the assistant ---" in first["body"]
    assert "Client: Can someone from the team call me about the launch video?" in first["body"]
    assert http.get(f"/api/messages/{handed}", headers=bearer(GLOBEX)).status_code == 404
    # Answered once: pressing Send again sends nothing more.
    _answer_card(http, OWNER, thread, card["id"], "handoff.send")
    assert len(_acme_threads(http)) == len(before) + 1


def test_a_declined_hand_off_sends_nothing_and_staff_are_never_offered_one(
    http: httpx.Client, model_standin: Any
) -> None:
    before = _acme_threads(http)
    thread, evs = start(http, MEMBER, "I need a human for this")
    [card] = [e["item"] for e in evs if e["type"] == "thread.item.done" and e["item"]["type"] == "widget"]
    evs = _answer_card(http, MEMBER, thread, card["id"], "handoff.discard")
    assert "Nothing was sent" in answer(evs)
    _answer_card(http, MEMBER, thread, card["id"], "handoff.send")  # the card was answered: no
    assert _acme_threads(http) == before
    start(http, OPS, "Can someone from the team help acme?")
    last = model_standin.received()[-1]
    assert "ask_the_team" not in {t["function"]["name"] for t in last.get("tools") or []}
    assert _acme_threads(http) == before


def test_staff_ask_across_clients(http: httpx.Client, model_standin: Any) -> None:
    _, evs = start(http, OPS, "Which projects are running?")
    text = answer(evs)
    assert "Brand refresh" in text and "Annual report design" in text
    assert "billing_status" in offered(model_standin)


def test_the_daily_cap_stops_the_assistant_with_a_clear_message(http: httpx.Client, model_standin: Any) -> None:
    db.system("acme").assistant_usage(spend.today()).set({"tokens": settings.daily_tokens()})
    assert chatkit(http, OWNER, b"").status_code == 400  # (bad input still answers as such)
    evs = events(chatkit(http, OWNER, {"type": "threads.create", "params": {"input": ask("How are my projects?")}}))
    [error] = [e for e in evs if e["type"] == "error"]
    assert error["message"] == spend.REACHED_MESSAGE and error["allow_retry"] is False
    assert model_standin.received() == []
    status = http.get("/api/chatkit", headers=bearer(MEMBER)).json()
    assert status["limitReached"] is True and status["usedToday"] == settings.daily_tokens()
    # Another organisation's people are not held back by Acme's spend.
    _, evs = start(http, GLOBEX, "How are my projects?")
    assert "Annual report design" in answer(evs)


def test_conversations_are_listed_and_deleted_per_person(http: httpx.Client, model_standin: Any) -> None:
    first, _ = start(http, OWNER, "Hello")
    second, _ = start(http, OWNER, "What is waiting on me?")
    mine, _ = start(http, MEMBER, "Hello")
    assert listed(http, OWNER) == [second, first]  # newest first
    assert listed(http, MEMBER) == [mine]
    assert listed(http, OPS) == [] and listed(http, GLOBEX) == []
    page = chatkit(http, OWNER, {"type": "threads.list", "params": {"limit": 1}}).json()
    assert [t["id"] for t in page["data"]] == [second] and page["has_more"] is True
    for who in (MEMBER, GLOBEX, OPS):  # nobody else reads, renames, continues or deletes them
        for req in ({"type": "threads.get_by_id", "params": {"thread_id": first}},
                    {"type": "items.list", "params": {"thread_id": first}},
                    {"type": "threads.update", "params": {"thread_id": first, "title": "mine"}},
                    {"type": "threads.add_user_message", "params": {"thread_id": first, "input": ask("hi")}},
                    {"type": "items.feedback", "params": {"thread_id": first, "item_ids": ["x"], "kind": "negative"}},
                    {"type": "threads.delete", "params": {"thread_id": first}}):  # fmt: skip
            r = chatkit(http, who, req)
            assert r.status_code == 404 and error_code(r) == "not_found", (who, req["type"], r.text)
    r = chatkit(http, OWNER, {"type": "threads.get_by_id", "params": {"thread_id": first}})
    answered = r.json()["items"]["data"][-1]["id"]
    feedback = {"thread_id": first, "item_ids": [answered], "kind": "positive"}
    assert chatkit(http, OWNER, {"type": "items.feedback", "params": feedback}).json() == {}
    assert db.assistant_items(db.system("acme").assistant_thread(first)).document(answered).get().get("feedback") == (
        "positive"
    )
    assert r.json()["title"] == "Hello" and r.json()["items"]["data"][0]["type"] == "user_message"
    r = chatkit(http, OWNER, {"type": "threads.delete", "params": {"thread_id": first}})
    assert r.status_code == 200 and r.json() == {}
    assert listed(http, OWNER) == [second]
    assert not db.system("acme").assistant_thread(first).get().exists
    assert list(db.assistant_items(db.system("acme").assistant_thread(first)).stream()) == []
    audit = [e.to_dict() for e in db.audit_log().where(filter=db.eq("target", first)).stream()]
    assert {e["event"] for e in audit} == {"assistant.delete"}


def test_export_and_erasure_of_a_persons_conversations(http: httpx.Client, model_standin: Any) -> None:
    thread_id, _ = start(http, OWNER, "How are my projects going?")
    start(http, MEMBER, "Hello")
    owner = str(sign_in(OWNER)["localId"])
    exported = export_user(owner)
    [conversation] = exported["conversations"]
    assert conversation["id"] == thread_id and conversation["orgId"] == "acme"
    assert conversation["items"][0]["content"][0]["text"] == "How are my projects going?"
    json.dumps(exported)  # JSON-able
    assert erase_user(owner) == 1
    assert export_user(owner) == {"conversations": []} and listed(http, OWNER) == []
    assert len(listed(http, MEMBER)) == 1  # only that person's


@pytest.mark.parametrize("who", [OWNER, MEMBER, GLOBEX, OPS, ADMIN])
def test_every_role_may_use_it_and_sees_it_in_capabilities(http: httpx.Client, who: str) -> None:
    r = http.get("/api/chatkit", headers=bearer(who))
    assert r.status_code == 200, r.text
    assert r.json()["configured"] is True and r.json()["dailyLimit"] == settings.daily_tokens()
    assert listed(http, who) == []
    caps = http.get("/api/auth/me", headers=bearer(who)).json()["capabilities"]
    assert "assistant.use" in caps["agency" if who in (OPS, ADMIN) else "clients"]


def test_no_credentials_are_refused(http: httpx.Client) -> None:
    assert http.get("/api/chatkit").status_code == 401
    r = chatkit(http, None, {"type": "threads.list", "params": {}})
    assert r.status_code == 401
    assert threads_in_firestore() == 0


def test_a_cookie_session_needs_the_csrf_token(http: httpx.Client) -> None:
    from helpers import token

    login = http.post("/api/auth/login", json={"idToken": token(OWNER)})
    jar = {"Cookie": f"__session={login.cookies.get('__session')}"}
    body = {"type": "threads.create", "params": {"input": ask("Hello")}}
    r = chatkit(http, None, body, **jar)
    assert r.status_code == 403 and error_code(r) == "csrf"
    assert threads_in_firestore() == 0
    r = chatkit(http, None, body, **jar, **{"X-CSRF-Token": login.json()["csrfToken"]})
    assert r.status_code == 200 and threads_in_firestore() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_body"),
        (b"{}", 400, "invalid_body"),
        ({"type": "threads.explode", "params": {}}, 400, "invalid_body"),
        ({"type": "threads.create", "params": {}}, 400, "invalid_body"),
        ({"type": "threads.create", "params": {"input": {"content": "hi"}}}, 400, "invalid_body"),
        ({"type": "threads.list", "params": {"limit": "many"}}, 400, "invalid_body"),
        ({"type": "input.transcribe", "params": {"audio_base64": "AA==", "mime_type": "audio/webm"}},
         400, "unsupported_request"),
        ({"type": "attachments.create", "params": {"name": "a.png", "size": 1, "mime_type": "image/png"}},
         400, "unsupported_request"),
        ({"type": "threads.create", "params": {"input": {**ask("hi"), "attachments": ["atc_1"]}}},
         400, "unsupported_request"),
        ({"type": "threads.get_by_id", "params": {"thread_id": "../../orgs/globex"}}, 404, "not_found"),
        ({"type": "threads.get_by_id", "params": {"thread_id": "thr-doesnotexist"}}, 404, "not_found"),
        ({"type": "threads.delete", "params": {"thread_id": "__name__"}}, 404, "not_found"),
        ({"type": "items.list", "params": {"thread_id": "thr-doesnotexist"}}, 404, "not_found"),
        ({"type": "items.feedback", "params": {"thread_id": "thr-nope", "item_ids": ["m"], "kind": "positive"}},
         404, "not_found"),
        ({"type": "threads.add_user_message", "params": {"thread_id": "thr-nope", "input": ask("hi")}},
         404, "not_found"),
        (b"x" * (70 * 1024), 413, "payload_too_large"),
    ],
)  # fmt: skip
def test_bad_requests_are_clear_and_change_nothing(
    http: httpx.Client, model_standin: Any, body: Any, status: int, code: str
) -> None:
    r = chatkit(http, OWNER, body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json") and error_code(r) == code
    assert threads_in_firestore() == 0 and model_standin.received() == []


def test_other_content_types_and_methods_are_refused(http: httpx.Client) -> None:
    r = http.post("/api/chatkit", content=b"hi", headers={"Content-Type": "text/plain", **bearer(OWNER)})
    assert r.status_code == 415 and error_code(r) == "unsupported_media_type"
    r = http.put("/api/chatkit", json={}, headers=bearer(OWNER))
    assert r.status_code == 405
    assert threads_in_firestore() == 0


def test_without_a_key_the_assistant_is_hidden_and_not_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process (the emulator's functions have the stand-in's key): the capability is gone
    and the endpoint answers 503 ``assistant_not_configured``."""
    from helpers import token

    from portal.members import service as members

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert not settings.configured()
    auth = {"Authorization": f"Bearer {token(OWNER)}"}
    app = flask.Flask(__name__)
    for method, kwargs in (("GET", {}), ("POST", {"json": {"type": "threads.list", "params": {}}})):
        with app.test_request_context("/api/chatkit", method=method, headers=auth, **kwargs):  # type: ignore[arg-type]
            response = routes.chatkit.serve(flask.request)
        assert response.status_code == 503
        assert json.loads(response.get_data())["error"]["code"] == "assistant_not_configured"
    from portal.identity import Caller, Role

    owner = Caller(uid=str(sign_in(OWNER)["localId"]), email=OWNER, role=Role.CLIENT_OWNER, org_id="acme")
    assert "assistant.use" not in members.me(owner)["capabilities"]["clients"]
    monkeypatch.setenv("OPENAI_API_KEY", "none")
    assert not settings.configured()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-something")
    assert "assistant.use" in members.me(owner)["capabilities"]["clients"]
    assert threads_in_firestore() == 0
