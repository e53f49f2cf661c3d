"""Models of organisations."""

from __future__ import annotations

from ..api.common import Out
from ..identity import OrgKind


class Org(Out):
    id: str
    name: str
    kind: OrgKind


class OrgList(Out):
    items: list[Org]
