"""Models of organisations, their settings and the clients overview."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, HttpUrl, StringConstraints, field_validator

from ..api.common import Documented, Email, Model, Out, Patch
from ..identity import OrgKind
from ..invites.models import InviteCreated

OrgName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Domain = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=253,
        pattern=r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    ),
]
Domains = Annotated[list[Domain], Field(max_length=20), AfterValidator(lambda v: list(dict.fromkeys(v)))]


def _https(url: HttpUrl) -> str:
    if url.scheme != "https":
        raise ValueError("must be an https URL")
    return str(url)


HttpsUrl = Annotated[HttpUrl, AfterValidator(_https), Documented({"pattern": r"^https://[^/?#@:\s]"})]
FolderId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,200}$")]
CalendarId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9._@+-]{1,254}$")]
BOOKING_HOSTS = ("cal.com", "calendly.com")
_BOOKING_HOST = rf"(?:[a-z0-9-]+\.)*(?:{'|'.join(map(re.escape, BOOKING_HOSTS))})"
BookingUrl = Annotated[HttpsUrl, Documented({"pattern": rf"^https://{_BOOKING_HOST}(?::[0-9]{{1,4}})?(?:[/?#]|$)"})]
"""A Cal.com or Calendly page (the host, or one under it)."""


def _slack_url() -> dict[str, str]:
    from .settings import SLACK_HOST

    return {"pattern": rf"^https://{re.escape(SLACK_HOST)}/services/"}


SlackUrl = Annotated[str, StringConstraints(max_length=500), Documented(_slack_url)]
"""An incoming-webhook URL (checked by ``settings.check_slack_url``)."""


class Org(Out):
    id: str
    name: str
    kind: OrgKind
    logoUrl: str | None = None
    emailDomains: list[str] = []
    archived: bool = False
    archivedAt: str | None = None


class OrgList(Out):
    items: list[Org]


class OrgsQuery(Model):
    archived: bool = False
    """Include archived organisations."""


class OwnerIn(Model):
    email: Email


class ClientOrgIn(Model):
    name: OrgName
    logoUrl: HttpsUrl | None = None
    emailDomains: Domains = []
    owner: OwnerIn


class ClientOrgCreated(InviteCreated):
    org: Org


class OrgPatch(Patch):
    nullable = frozenset({"logoUrl", "emailDomains"})  # null: no logo, no domains

    name: OrgName | None = None
    logoUrl: HttpsUrl | None = None
    emailDomains: Domains | None = None


class BookingLink(Model):
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    url: BookingUrl

    @field_validator("url")
    @classmethod
    def _booking_host(cls, url: str) -> str:
        host = (HttpUrl(url).host or "").lower()
        if not any(host == h or host.endswith("." + h) for h in BOOKING_HOSTS):
            raise ValueError("must be a Cal.com or Calendly page")
        return url


class SettingsPatch(Patch):
    """Settings to change; ``null`` removes one. The Slack webhook is write-only."""

    nullable = frozenset({"slackWebhookUrl", "driveFolderId", "calendarId", "bookingLinks", "emailDomains"})

    slackWebhookUrl: SlackUrl | None = None
    driveFolderId: FolderId | None = None
    calendarId: CalendarId | None = None
    bookingLinks: Annotated[list[BookingLink], Field(max_length=10)] | None = None
    emailDomains: Domains | None = None


class Worked(Out):
    connected: bool
    lastWorkedAt: str | None = None
    lastFailedAt: str | None = None
    lastError: str | None = None


class WhopSetting(Worked):
    membershipId: str | None = None
    status: str | None = None


class SlackSetting(Worked):
    savedAt: str | None = None


class DriveSetting(Worked):
    folderId: str | None = None


class CalendarSetting(Worked):
    calendarId: str | None = None


class BookingSetting(Worked):
    links: list[dict[str, Any]] = []


class OrgSettings(Out):
    orgId: str
    orgName: str
    archived: bool = False
    emailDomains: list[str]
    whop: WhopSetting
    slack: SlackSetting
    drive: DriveSetting
    calendar: CalendarSetting
    booking: BookingSetting


class ClientRow(Out):
    id: str
    name: str
    logoUrl: str | None = None
    archived: bool = False
    emailDomains: list[str] = []
    billingStatus: str | None = None
    approvalsWaiting: int = 0
    overdueMilestones: int = 0
    unreadMessages: int = 0
    activeProjects: int = 0
    lastActivity: str | None = None


class ClientList(Out):
    items: list[ClientRow]
