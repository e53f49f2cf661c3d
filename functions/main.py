"""The Cloud Functions entry point: every function of the portal, by the module that defines it.

Deploying (and the emulator, when it starts) reads every function from here, so without a
target this file imports them all. An instance serves one function: functions-framework sets
``FUNCTION_TARGET`` before it imports this file, and then only that function's module is
imported, so a cold start pays for one module, not for every route, trigger and schedule.
"""

from __future__ import annotations

import importlib
import os

FUNCTIONS: dict[str, tuple[str, ...]] = {
    "https.account": (
        "avatar_image",
        "me_avatar",
        "me_profile",
        "me_second_factors_remove",
        "me_session",
        "me_sessions",
    ),
    "https.approvals": (
        "approval_action",
        "approval_comments",
        "approval_detail",
        "approval_versions",
        "approvals",
        "webhook_n8n_approvals",
    ),
    "https.assistant": ("chatkit",),
    "https.audit": ("audit", "view_as", "view_as_end"),
    "https.auth": ("auth_config", "auth_live_token", "auth_login", "auth_logout", "auth_me", "auth_session"),
    "https.billing": ("billing", "billing_link", "billing_sync", "billing_unmatched", "webhook_whop"),
    "https.bookings": (
        "booking_assign",
        "booking_embed",
        "booking_ics",
        "bookings",
        "bookings_unmatched",
        "webhook_calendar",
    ),
    "https.dashboard": ("dashboard",),
    "https.deliveries": ("deliveries", "delivery_retry"),
    "https.files": (
        "file_detail",
        "file_download",
        "file_revision_download",
        "file_revisions",
        "file_thumbnail",
        "file_upload",
        "file_upload_session",
        "files",
    ),
    "https.invites": ("invite_accept", "invite_complete", "invite_lookup", "invite_revoke", "invites"),
    "https.members": ("member_detail", "member_second_factors_reset", "members_list"),
    "https.messages": ("message_detail", "message_read", "message_thread", "messages"),
    "https.meta": ("health", "openapi"),
    "https.notifications": (
        "me_preferences",
        "notification_read",
        "notifications",
        "notifications_read_all",
        "notifications_unread",
    ),
    "https.orgs": ("clients_list", "org_archive", "org_contracts", "org_detail", "org_settings", "orgs_list"),
    "https.privacy": ("account_restore", "deletion_detail", "deletions", "export_download", "exports"),
    "https.projects": (
        "project_archive",
        "project_detail",
        "project_milestone",
        "project_milestones",
        "projects_list",
        "template_detail",
        "templates_list",
        "webhook_gbu",
        "webhook_n8n_projects",
    ),
    "https.search": ("search",),
    "scheduled.audit": ("expire_audit_log",),
    "scheduled.backups": ("backup_firestore",),
    "scheduled.billing": ("poll_whop",),
    "scheduled.bookings": ("renew_calendar_channels", "sync_calendars"),
    "scheduled.files": ("expire_uploads", "reconcile_files"),
    "scheduled.notifications": ("mail_waiting", "notification_digest"),
    "scheduled.privacy": ("age_out_data", "expire_exports", "purge_deletions"),
    "scheduled.reminders": ("approval_reminders",),
    "scheduled.summaries": ("refresh_summaries",),
    "tasks.deliver": ("deliver",),
    "tasks.exports": ("exporter",),
    "tasks.mail": ("mailer",),
    "tasks.summaries": ("summarize",),
    "triggers.approvals": ("approval_written", "decision_created"),
    "triggers.auth": ("before_user_created",),
    "triggers.billing": ("billing_written",),
    "triggers.bookings": ("booking_written",),
    "triggers.deliveries": ("delivery_created",),
    "triggers.files": ("file_written",),
    "triggers.messages": ("message_created", "note_created"),
    "triggers.projects": ("contract_written", "project_written"),
    "triggers.search": (
        "search_index_approval",
        "search_index_file",
        "search_index_message",
        "search_index_note",
        "search_index_project",
        "search_index_thread",
    ),
}

__all__ = sorted(name for names in FUNCTIONS.values() for name in names)


def modules_for(target: str | None) -> list[str]:
    """The modules an instance serving ``target`` imports (every one without a known target,
    and always while functions are being discovered: firebase-tools then sets ADMIN_PORT)."""
    if target and not os.environ.get("ADMIN_PORT"):
        found = [module for module, names in FUNCTIONS.items() if target in names]
        if found:
            return found
    return list(FUNCTIONS)


def _load(modules: list[str]) -> None:
    for module in modules:
        loaded = importlib.import_module(module)
        globals().update({name: getattr(loaded, name) for name in FUNCTIONS[module]})


_load(modules_for(os.environ.get("FUNCTION_TARGET")))
