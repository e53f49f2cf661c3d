"""Where access is decided and who speaks to the SDKs, as a ratchet while the services move
to grants and stores: a module not listed here may not start naming a policy ``Action``
(only ``policy.py`` and the route declarations should) or importing the Google or Firebase
SDKs (only the storage layer, ``integrations/`` and the function entry points should). A
listed module that no longer does is struck off, so the lists only shrink."""

from __future__ import annotations

import pathlib
import re

PORTAL = pathlib.Path(__file__).resolve().parents[2] / "functions" / "portal"

ACTIONS_ALLOWED = {"policy.py"}
"""Where ``Action.X`` belongs (route declarations name rules through ``policy.OPERATIONS``)."""
ACTIONS_STILL = {
    "account/avatar.py", "account/service.py", "approvals/service.py", "assistant/service.py", "assistant/tools.py",
    "audit/query.py", "billing/service.py", "bookings/service.py", "dashboard/service.py", "deliveries/service.py",
    "files/attachments.py", "files/service.py", "invites/service.py", "live.py", "members/service.py",
    "messages/service.py", "notifications/service.py", "orgs/service.py", "orgs/settings.py",
    "privacy/deletion.py", "privacy/exports.py", "projects/inbound.py", "projects/service.py",
    "projects/templates.py", "search/kinds.py", "search/service.py", "viewas.py",
}  # fmt: skip
"""Services that still decide with ``(caller, Action)`` instead of the grant they are handed."""

SDK_ALLOWED = {
    "db.py",
    "querylog.py",
    "authn.py",
    "backups.py",
    "seed.py",
}  # querylog: the storage layer's query recorder
SDK_ALLOWED_UNDER = ("integrations/",)
SDK_STILL = {
    "account/mfa.py", "api/web.py", "approvals/service.py", "assistant/spend.py", "assistant/store.py",
    "audit/query.py", "audit/retention.py", "audit/service.py", "billing/events.py", "billing/service.py",
    "bookings/calendar_sync.py", "bookings/service.py", "dashboard/summaries.py", "deliveries/service.py",
    "files/service.py", "invites/service.py", "live.py", "members/service.py", "messages/service.py",
    "notifications/service.py", "notifications/threads.py", "orgs/service.py", "orgs/settings.py",
    "privacy/deletion.py", "privacy/exports.py", "privacy/sources.py", "projects/activity.py",
    "projects/inbound.py", "projects/service.py", "projects/templates.py", "search/index.py", "search/service.py",
    "webhooks.py",
}  # fmt: skip
"""Feature modules that still import an SDK (``SERVER_TIMESTAMP``, queries, exceptions)."""

SDK_IMPORT = re.compile(r"^\s*(from|import) (google\.cloud|google\.api_core|firebase_admin|googleapiclient)\b", re.M)
ACTION_USE = re.compile(r"\bAction\.[A-Z_]+")


def _modules() -> dict[str, str]:
    return {p.relative_to(PORTAL).as_posix(): p.read_text(encoding="utf-8") for p in PORTAL.rglob("*.py")}


def _routes(name: str) -> bool:
    return name.endswith("routes.py")


def test_actions_are_named_by_the_policy_and_no_new_service() -> None:
    using = {n for n, text in _modules().items() if ACTION_USE.search(text) and not _routes(n)}
    new = sorted(using - ACTIONS_ALLOWED - ACTIONS_STILL)
    assert not new, f"these modules started deciding access with Action.X (hand them a grant instead): {new}"
    gone = sorted(ACTIONS_STILL - using)
    assert not gone, f"these modules no longer name an Action: strike them off ACTIONS_STILL: {gone}"


def test_only_the_storage_layer_and_integrations_import_the_sdks() -> None:
    modules = _modules()
    using = {n for n, text in modules.items() if SDK_IMPORT.search(text) and not n.startswith(SDK_ALLOWED_UNDER)}
    new = sorted(using - SDK_ALLOWED - SDK_STILL)
    assert not new, f"these modules started importing a Google or Firebase SDK (go through portal.db): {new}"
    gone = sorted(SDK_STILL - using)
    assert not gone, f"these modules no longer import an SDK: strike them off SDK_STILL: {gone}"
