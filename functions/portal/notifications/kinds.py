"""The registry of notification kinds: what the feed shows, what preferences offer and
how mails are sent all read it.

Each kind has an id (the ``kind`` field of a notification), a label for people, who
receives it (``clients``, ``staff`` or ``both``), its default channel and whether its
mails wait and are batched:

- ``in_app``: only the bell and the notifications page;
- ``email``: in the portal and by mail as it happens (batched kinds: a few minutes
  later, only if still unread, several in one mail);
- ``digest``: in the portal and in the daily digest of what the person has not seen.

A kind not listed here (a feature newer than this registry) is shown in the portal only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Channel = Literal["in_app", "email", "digest"]
Audience = Literal["clients", "staff", "both"]
CHANNELS: tuple[Channel, ...] = ("in_app", "email", "digest")


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    receives: str
    """Who receives it, in words (the preferences page shows it)."""
    audience: Audience
    default: Channel
    batched: bool = False
    """Mailed only if still unread after a delay, several in one mail (messages)."""

    def for_role(self, staff: bool) -> bool:
        return self.audience == "both" or self.audience == ("staff" if staff else "clients")


# fmt: off
KINDS: dict[str, Kind] = {k.id: k for k in (
    Kind("approval_needed", "Approval needed", "The assignees of an item (or the client's owners)", "clients", "email"),
    Kind("approval_decided", "Approval decided",
         "Staff of the project and the client's owners and assignees (not the person who decided)", "both", "email"),
    Kind("approval_reminder", "Approval reminder", "The assignees of an item due soon or overdue", "clients", "email"),
    Kind("payment_overdue", "Payment overdue", "The client's owners", "clients", "email"),
    Kind("contract_to_sign", "Contract to sign", "The client's owners, once per contract sent for signature",
         "clients", "email"),
    Kind("message", "New message", "The people of a thread", "both", "email", batched=True),
    Kind("mention", "Mention", "A person @-mentioned in a thread", "both", "email", batched=True),
    Kind("client_posted", "A client posted", "Staff, when a client writes in a thread", "staff", "email", batched=True),
    Kind("file_uploaded", "New file",
         "Staff when a client uploads; the client's people when staff share a file", "both", "digest"),
    Kind("meeting", "Meeting", "The people invited to a meeting", "both", "email"),
    Kind("project_status", "Project status changed",
         "The client's people and the project's team (not who changed it)", "both", "email"),
    Kind("milestone_completed", "Milestone completed",
         "The client's people and the project's team (not who completed it)", "both", "digest"),
)}
# fmt: on


def kind(kind_id: str) -> Kind | None:
    return KINDS.get(kind_id)


def for_role(staff: bool) -> list[Kind]:
    """The kinds a client (``staff`` False) or a staff member may receive."""
    return [k for k in KINDS.values() if k.for_role(staff)]


def channel(kind_id: str, preferences: dict[str, str] | None) -> Channel:
    """The channel a person gets ``kind_id`` on: their preference, else the kind's default
    (unknown kinds: in the portal only)."""
    known = KINDS.get(kind_id)
    if known is None:
        return "in_app"
    chosen = (preferences or {}).get(kind_id)
    return chosen if chosen in CHANNELS else known.default
