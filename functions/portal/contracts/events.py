"""What happens when a contract is written (the contract trigger): one that comes to await
the client's signature notifies the client's owners (``contract_to_sign``: in the portal,
and by mail as each one's preferences say), once per contract and owner."""

from __future__ import annotations

from typing import Any

from ..notifications import service as notifications
from .service import AWAITING_SIGNATURE


def notification_key(contract_id: str) -> str:
    """One notification per contract (and owner), whatever GBU sends again or the trigger retries."""
    return f"contract-{contract_id}-to-sign"


def on_contract_written(org_id: str, contract_id: str, before: dict[str, Any] | None,
                        after: dict[str, Any] | None) -> int:  # fmt: skip
    """React to a write of ``orgs/{orgId}/contracts/{contractId}``; returns how many owners
    were notified (0: nothing new awaits a signature, or they were told already)."""
    was = (before or {}).get("status")
    now = (after or {}).get("status")
    if now not in AWAITING_SIGNATURE or was in AWAITING_SIGNATURE:
        return 0
    data = after or {}
    title = str(data.get("title") or "").strip()
    project = data.get("projectId")
    link = f"/projects/{project}" if project else "/"
    return notifications.notify(
        org_id,
        notifications.owners(org_id),
        key=notification_key(contract_id),
        kind="contract_to_sign",
        title=f"Please sign “{title}”" if title else "A contract awaits your signature",
        body="The agency sent you a contract to sign. Open it from the portal to read and sign it.",
        link=link,
    )
