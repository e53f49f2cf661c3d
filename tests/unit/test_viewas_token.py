"""The view-as token (portal.viewas): signed, expiring, and refused when changed."""

from __future__ import annotations

import time

import pytest

from portal import viewas
from portal.errors import Forbidden
from portal.identity import Caller, Role


def claims(**over: object) -> dict:
    return {"v": "admin", "u": "member", "e": "m@acme.test", "r": "client_member", "o": "acme", "p": [],
            "exp": int(time.time()) + 60, **over}  # fmt: skip


def test_a_token_round_trips() -> None:
    assert viewas._decode(viewas._encode(claims())) == claims()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),
        lambda t: "A" + t,
        lambda t: t.split(".")[0],
        lambda t: t + "é",
        lambda t: "",
        lambda t: ".",
        lambda t: "not base64!.abc",
    ],
)
def test_a_changed_token_is_refused(mangle: object) -> None:
    token = mangle(viewas._encode(claims()))  # type: ignore[operator]
    with pytest.raises(Forbidden) as caught:
        viewas._decode(token)
    assert caught.value.code == "view_as_invalid"


def test_an_expired_token_is_refused_but_may_still_be_ended() -> None:
    token = viewas._encode(claims(exp=int(time.time()) - 1))
    with pytest.raises(Forbidden) as caught:
        viewas._decode(token)
    assert caught.value.code == "view_as_expired"
    assert viewas._decode(token, check_expiry=False)["u"] == "member"


def test_only_its_admin_can_use_it_and_never_while_viewing() -> None:
    token = viewas._encode(claims())
    other = Caller(uid="someone-else", email="o@agency.test", role=Role.AJ_ADMIN, org_id="agency")
    with pytest.raises(Forbidden):
        viewas.resolve(other, token)
    viewing = Caller(uid="admin", email="a@agency.test", role=Role.CLIENT_MEMBER, org_id="acme", viewer="x")
    assert viewing.read_only
    with pytest.raises(Forbidden):
        viewas.resolve(viewing, token)
