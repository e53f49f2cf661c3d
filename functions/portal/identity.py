"""Who is calling: roles and the authenticated caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    CLIENT_OWNER = "client_owner"
    CLIENT_MEMBER = "client_member"
    AJ_OPS = "aj_ops"
    AJ_ADMIN = "aj_admin"

    @property
    def is_staff(self) -> bool:
        return self in (Role.AJ_OPS, Role.AJ_ADMIN)


CLIENT_ROLES = frozenset({Role.CLIENT_OWNER, Role.CLIENT_MEMBER})
STAFF_ROLES = frozenset({Role.AJ_OPS, Role.AJ_ADMIN})


class OrgKind(StrEnum):
    AGENCY = "agency"
    CLIENT = "client"


@dataclass(frozen=True)
class Caller:
    """An authenticated user, as their verified token's claims describe them."""

    uid: str
    email: str
    role: Role
    org_id: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    auth_method: str = "bearer"  # "bearer" or "session"
    viewer: str | None = None
    """The uid of the member of staff viewing the portal as this person (``portal.viewas``):
    the caller is then read-only."""

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def read_only(self) -> bool:
        """Staff viewing as this person: nothing may change, nothing is marked read."""
        return self.viewer is not None
