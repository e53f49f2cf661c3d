"""Account rules without the emulators: second factor for staff, time zones, session ids."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from portal.account import mfa, sessions
from portal.account.models import ProfilePatch
from portal.errors import Forbidden
from portal.identity import Caller, Role


def _caller(role: Role) -> Caller:
    return Caller(uid="u", email="u@x.test", role=role, org_id="agency" if role.is_staff else "acme")


@pytest.mark.parametrize("role", list(Role))
def test_second_factor_is_not_required_by_default(role: Role, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STAFF_SECOND_FACTOR", raising=False)
    mfa.check_sign_in(_caller(role), {"firebase": {}})


@pytest.mark.parametrize("role", list(Role))
def test_when_required_staff_need_a_second_factor_and_clients_do_not(
    role: Role, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFF_SECOND_FACTOR", "required")
    mfa.check_sign_in(_caller(role), {"firebase": {"sign_in_second_factor": "phone"}})
    if role.is_staff:
        with pytest.raises(Forbidden) as refused:
            mfa.check_sign_in(_caller(role), {"firebase": {"sign_in_provider": "password"}})
        assert refused.value.code == "second_factor_required"
    else:
        mfa.check_sign_in(_caller(role), {"firebase": {"sign_in_provider": "password"}})


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
