"""Account rules without the emulators: second factor for staff, time zones, session ids."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from portal import authn
from portal.account import sessions
from portal.account.models import ProfilePatch
from portal.errors import Forbidden, Unauthenticated
from portal.identity import Role


def _claims(role: Role, **firebase: str) -> dict:
    return {"uid": "u", "email": "u@x.test", "role": role.value, "orgId": "agency" if role.is_staff else "acme",
            "firebase": firebase}  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_second_factor_is_not_required_by_default(role: Role, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STAFF_SECOND_FACTOR", raising=False)
    assert authn.caller_from_claims(_claims(role), "bearer").role == role


@pytest.mark.parametrize("method", ["bearer", "session"])
@pytest.mark.parametrize("role", list(Role))
def test_when_required_staff_need_a_second_factor_and_clients_do_not(
    role: Role, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFF_SECOND_FACTOR", "required")
    authn.caller_from_claims(_claims(role, sign_in_second_factor="phone"), method)
    if role.is_staff:
        with pytest.raises(Forbidden) as refused:
            authn.caller_from_claims(_claims(role, sign_in_provider="password"), method)
        assert refused.value.code == "second_factor_required"
    else:
        authn.caller_from_claims(_claims(role, sign_in_provider="password"), method)


def test_a_live_update_credential_is_no_credential_of_the_api() -> None:
    with pytest.raises(Unauthenticated) as refused:
        authn.caller_from_claims({**_claims(Role.CLIENT_OWNER), authn.LIVE_CLAIM: "s1"}, "bearer")
    assert refused.value.code == "live_only"


@pytest.mark.parametrize("zone", ["Europe/London", "America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata"])
def test_iana_time_zones_are_accepted(zone: str) -> None:
    assert ProfilePatch.model_validate({"timezone": zone}).timezone == zone


@pytest.mark.parametrize("zone", ["Mars/Base", "europe/london", "../etc/passwd", "", "GMT+5", "x" * 65])
def test_other_time_zones_are_refused(zone: str) -> None:
    with pytest.raises(ValidationError):
        ProfilePatch.model_validate({"timezone": zone})


def test_a_session_id_is_stable_and_reveals_nothing_of_the_cookie() -> None:
    cookie = "eyJhbGciOiJSUzI1NiJ9.payload.signature"
    sid = sessions.session_id(cookie)
    assert sid == sessions.session_id(cookie) and len(sid) == 32
    assert "payload" not in sid and sid != sessions.session_id(cookie + "x")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 8, "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"", None),
    ],
)
def test_pictures_are_recognised_by_their_bytes(data: bytes, kind: str | None) -> None:
    from portal.account import avatar

    assert avatar.sniff(data) == kind
