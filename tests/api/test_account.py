"""One's own account: profile and time zone, recent sign-ins, signed-in devices."""

from __future__ import annotations

import time

import httpx
import pytest
from helpers import bearer, error_code, token

from portal import db
from portal.account import sessions
from portal.identity import Caller, Role

pytestmark = pytest.mark.usefixtures("world")

PEOPLE = ["owner@acme.test", "member@acme.test", "owner@globex.test", "ops@agency.test", "admin@agency.test"]


def _login(http: httpx.Client, email: str, agent: str = "TestBrowser/1.0") -> tuple[str, str]:
    r = http.post("/api/auth/login", json={"idToken": token(email, fresh=True)}, headers={"User-Agent": agent})
    assert r.status_code == 200, r.text
    return r.cookies.get("__session") or "", r.json()["csrfToken"]


def _stored_profile(email: str) -> dict:
    snaps = [s for s in db.client().collection_group("users").stream() if s.get("email") == email]
    return dict(snaps[0].get("profile") or {})


@pytest.mark.parametrize("email", PEOPLE)
def test_everyone_reads_and_changes_their_own_profile(http: httpx.Client, email: str) -> None:
    r = http.get("/api/me/profile", headers=bearer(email))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["email"] == email and body["emailVerified"] is True
    assert body["secondFactors"] == [] and body["secondFactorRequired"] is False
    changed = http.patch(
        "/api/me/profile", json={"firstName": "Robin", "timezone": "Asia/Kolkata"}, headers=bearer(email)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["profile"]["firstName"] == "Robin"
    assert changed.json()["profile"]["timezone"] == "Asia/Kolkata"
    assert _stored_profile(email)["timezone"] == "Asia/Kolkata"
    me = http.get("/api/auth/me", headers=bearer(email)).json()
    assert me["profile"]["timezone"] == "Asia/Kolkata"
    # null returns to the browser's own zone
    cleared = http.patch("/api/me/profile", json={"timezone": None}, headers=bearer(email))
    assert cleared.status_code == 200 and cleared.json()["profile"]["timezone"] is None


def test_a_profile_is_only_ever_ones_own(http: httpx.Client) -> None:
    """No organisation or person can be named: another organisation's owner changes only themselves."""
    before = _stored_profile("owner@acme.test")
    r = http.patch("/api/me/profile", json={"lastName": "Elsewhere"}, headers=bearer("owner@globex.test"))
    assert r.status_code == 200
    assert _stored_profile("owner@acme.test") == before
    assert (
        http.patch(
            "/api/me/profile", json={"lastName": "X", "uid": "x"}, headers=bearer("owner@globex.test")
        ).status_code
        == 400
    )


def test_without_credentials_nothing_is_answered(http: httpx.Client) -> None:
    assert http.get("/api/me/profile").status_code == 401
    assert http.patch("/api/me/profile", json={"firstName": "X"}).status_code == 401
    assert http.get("/api/me/sessions").status_code == 401
    assert http.delete("/api/me/sessions/abc").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "Mars/Olympus"},
        {"timezone": "../../etc/passwd"},
        {"timezone": ""},
        {"timezone": "x" * 500},
        {"timezone": 5},
        {"firstName": None},
        {"firstName": "   "},
        {"firstName": "x" * 81},
        {"lastName": None},
        {"avatarUrl": "https://evil.example/x.png"},
        {"email": "new@acme.test"},
        {},
        [],
        "text",
    ],
)
def test_bad_profile_changes_are_refused_and_change_nothing(http: httpx.Client, body: object) -> None:
    before = _stored_profile("member@acme.test")
    r = http.patch("/api/me/profile", json=body, headers=bearer("member@acme.test"))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"]
    assert _stored_profile("member@acme.test") == before


def test_recent_sign_ins_come_from_the_audit_log(http: httpx.Client) -> None:
    _login(http, "owner@acme.test", "Firefox/130")
    _login(http, "member@acme.test", "Safari/17")
    signins = http.get("/api/me/profile", headers=bearer("owner@acme.test")).json()["recentSignIns"]
    assert len(signins) == 1
    assert signins[0]["userAgent"] == "Firefox/130"
    assert signins[0]["method"] == "password" and signins[0]["at"] and signins[0]["ip"]


def test_one_device_signs_out_and_the_others_stay(http: httpx.Client) -> None:
    laptop, laptop_csrf = _login(http, "owner@acme.test", "Laptop")
    time.sleep(1.1)  # a second session cookie, not the same one again
    phone, _ = _login(http, "owner@acme.test", "Phone")
    assert laptop != phone
    listed = http.get("/api/me/sessions", headers={"Cookie": f"__session={laptop}"})
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [i["userAgent"] for i in items] == ["Phone", "Laptop"]
    assert [i["current"] for i in items] == [False, True]
    phone_id = items[0]["id"]
    # Another person's session is not found, whoever asks.
    assert http.delete(f"/api/me/sessions/{phone_id}", headers=bearer("owner@globex.test")).status_code == 404
    assert http.delete(f"/api/me/sessions/{phone_id}", headers=bearer("ops@agency.test")).status_code == 404
    # With the cookie, an unsafe request needs the CSRF token.
    jar = {"Cookie": f"__session={laptop}"}
    assert http.delete(f"/api/me/sessions/{phone_id}", headers=jar).status_code == 403
    ended = http.delete(f"/api/me/sessions/{phone_id}", headers={**jar, "X-CSRF-Token": laptop_csrf})
    assert ended.status_code == 200 and ended.json() == {"ok": True, "current": False}
    # The phone is out on every instance once its memory of the session is older than
    # SESSION_CHECK_SECONDS (2 in the tests; an instance that never checked it: at once).
    r = http.get("/api/auth/me", headers={"Cookie": f"__session={phone}"})
    assert r.status_code == 401 and error_code(r) == "revoked"
    assert http.get("/api/auth/me", headers=jar).status_code == 200
    assert [i["userAgent"] for i in http.get("/api/me/sessions", headers=jar).json()["items"]] == ["Laptop"]
    again = http.delete(f"/api/me/sessions/{phone_id}", headers={**jar, "X-CSRF-Token": laptop_csrf})
    assert again.status_code == 404
    events = [s.get("event") for s in db.audit_log().stream()]
    assert "auth.session_ended" in events


@pytest.mark.parametrize("sid", ["nope", "__x__", "a" * 200])
def test_bad_session_ids_are_not_found(http: httpx.Client, sid: str) -> None:
    r = http.delete(f"/api/me/sessions/{sid}", headers=bearer("member@acme.test"))
    assert r.status_code == 404, r.text


def test_signing_out_everywhere_ends_every_recorded_device(http: httpx.Client) -> None:
    cookie, csrf = _login(http, "member@acme.test")
    r = http.post("/api/auth/logout", headers={"Cookie": f"__session={cookie}", "X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert http.get("/api/me/sessions", headers=bearer("member@acme.test", fresh=True)).json()["items"] == []


def test_a_sign_in_after_a_revocation_ends_the_records_of_revoked_cookies(http: httpx.Client) -> None:
    """A password changed in the browser revokes every cookie without the portal being told:
    the next sign-in (the new session that change starts) ends their records, so the list of
    devices shows only what still works."""
    from portal import authn

    laptop, _ = _login(http, "owner@acme.test", "Laptop")
    time.sleep(1.1)
    _login(http, "owner@acme.test", "Phone")
    time.sleep(1.1)  # Firebase revokes what was issued before the second of the revocation
    authn.admin_auth().revoke_refresh_tokens(authn.admin_auth().get_user_by_email("owner@acme.test").uid)
    time.sleep(1.1)  # tokens are revoked by the second: the next one is issued after
    assert http.get("/api/auth/me", headers={"Cookie": f"__session={laptop}"}).status_code == 401
    here, _ = _login(http, "owner@acme.test", "Here")
    listed = http.get("/api/me/sessions", headers={"Cookie": f"__session={here}"}).json()["items"]
    assert [(i["userAgent"], i["current"]) for i in listed] == [("Here", True)]
    users = db.client().collection("orgs/acme/users").where(filter=db.eq("email", "owner@acme.test")).get()
    records = users[0].reference.collection("sessions").get()
    assert sorted((r.get("userAgent"), r.get("ended")) for r in records) == [
        ("Here", False),
        ("Laptop", True),
        ("Phone", True),
    ]


def test_checking_a_session_costs_one_read_per_minute_per_instance(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cost of per-device sign-out: a request does not read the session record again
    while this instance checked it within SESSION_CHECK_SECONDS (60 by default)."""
    cookie, _ = _login(http, "member@acme.test")
    uid = db.client().collection("orgs/acme/users").where(filter=db.eq("email", "member@acme.test")).get()[0].id
    caller = Caller(uid=uid, email="member@acme.test", role=Role.CLIENT_MEMBER, org_id="acme")
    monkeypatch.setenv("SESSION_CHECK_SECONDS", "60")
    sessions.forget()
    before = sessions.reads()
    started = time.perf_counter()
    for _ in range(200):
        sessions.check(caller, cookie)
    elapsed = time.perf_counter() - started
    assert sessions.reads() - before == 1
    assert elapsed < 1.0  # 200 checks, one of them a read


def test_enrolled_second_factors_are_listed_masked(http: httpx.Client) -> None:
    from helpers import enrol_phone

    from portal import authn

    uid = authn.admin_auth().get_user_by_email("ops@agency.test").uid
    enrol_phone(uid, "+15555550123", "Work phone")
    factors = http.get("/api/me/profile", headers=bearer("ops@agency.test")).json()["secondFactors"]
    assert [(f["factorId"], f["displayName"]) for f in factors] == [("phone", "Work phone")]
    assert "5555550123" not in factors[0]["phoneNumber"] and factors[0]["phoneNumber"].endswith("23")


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_picture_is_uploaded_and_shown_to_the_organisation_only(http: httpx.Client) -> None:
    who = bearer("member@acme.test")
    r = http.put("/api/me/avatar", content=PNG, headers={**who, "Content-Type": "image/png"})
    assert r.status_code == 200, r.text
    link = r.json()["avatarUrl"]
    assert link.startswith("/api/avatars/acme/")
    assert http.get("/api/me/profile", headers=who).json()["profile"]["avatarUrl"] == link
    for viewer in ("member@acme.test", "owner@acme.test", "ops@agency.test", "admin@agency.test"):
        shown = http.get(link, headers=bearer(viewer))
        assert shown.status_code == 200, viewer
        assert shown.content == PNG and shown.headers["content-type"] == "image/png"
        assert shown.headers["x-content-type-options"] == "nosniff"
    assert http.get(link, headers=bearer("owner@globex.test")).status_code == 404
    assert http.get(link).status_code == 401
    removed = http.delete("/api/me/avatar", headers=who)
    assert removed.status_code == 200 and removed.json() == {"avatarUrl": None}
    assert http.get(link, headers=bearer("owner@acme.test")).status_code == 404


@pytest.mark.parametrize(
    ("body", "kind", "status"),
    [
        (PNG, "image/jpeg", 415),  # the content is not what it claims
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", 415),
        (b"GIF89a" + b"\x00" * 20, "image/png", 415),
        (b"not an image", "image/png", 415),
        (PNG, "application/json", 415),
        (PNG + b"\x00" * (256 * 1024), "image/png", 413),
    ],
)
def test_bad_pictures_are_refused_and_change_nothing(http: httpx.Client, body: bytes, kind: str, status: int) -> None:
    who = bearer("member@acme.test")
    r = http.put("/api/me/avatar", content=body, headers={**who, "Content-Type": kind})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"]
    assert http.get("/api/me/profile", headers=who).json()["profile"]["avatarUrl"] is None
    assert http.put("/api/me/avatar", content=PNG, headers={"Content-Type": "image/png"}).status_code == 401
