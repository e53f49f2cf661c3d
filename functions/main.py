"""The Cloud Functions entry point: imports every function, defines none."""

from https.account import avatar_image, me_avatar, me_profile, me_session, me_sessions
from https.approvals import (
    approval_action,
    approval_comments,
    approval_detail,
    approval_versions,
    approvals,
    webhook_n8n_approvals,
)
from https.assistant import chatkit
from https.audit import audit, view_as, view_as_end
from https.auth import auth_config, auth_live_token, auth_login, auth_logout, auth_me, auth_session
from https.billing import billing, billing_link, billing_sync, billing_unmatched, webhook_whop
from https.bookings import (
    booking_assign,
    booking_embed,
    booking_ics,
    bookings,
    bookings_unmatched,
    webhook_calendar,
)
from https.dashboard import dashboard
from https.deliveries import deliveries, delivery_retry
from https.files import (
    file_detail,
    file_download,
    file_revision_download,
    file_revisions,
    file_thumbnail,
    file_upload,
    file_upload_session,
    files,
)
from https.invites import invite_accept, invite_complete, invite_lookup, invite_revoke, invites
from https.members import member_detail, members_list
from https.messages import message_detail, message_read, message_thread, messages
from https.meta import health, openapi
from https.notifications import (
    me_preferences,
    notification_read,
    notifications,
    notifications_read_all,
    notifications_unread,
)
from https.orgs import clients_list, org_archive, org_detail, org_settings, orgs_list
from https.privacy import account_restore, deletion_detail, deletions, export_download, exports
from https.projects import (
    project_archive,
    project_detail,
    project_milestone,
    project_milestones,
    projects_list,
    template_detail,
    templates_list,
    webhook_gbu,
    webhook_n8n_projects,
)
from https.search import search
from scheduled.audit import expire_audit_log
from scheduled.backups import backup_firestore
from scheduled.billing import poll_whop
from scheduled.bookings import renew_calendar_channels, sync_calendars
from scheduled.files import expire_uploads, reconcile_files
from scheduled.notifications import mail_waiting, notification_digest
from scheduled.privacy import age_out_data, expire_exports, purge_deletions
from scheduled.reminders import approval_reminders
from scheduled.summaries import refresh_summaries
from tasks.deliver import deliver
from tasks.exports import exporter
from tasks.mail import mailer
from tasks.summaries import summarize
from triggers.approvals import approval_written, decision_created
from triggers.auth import before_user_created
from triggers.billing import billing_written
from triggers.bookings import booking_written
from triggers.deliveries import delivery_created
from triggers.files import file_written
from triggers.messages import message_created, note_created
from triggers.projects import project_written
from triggers.search import (
    search_index_approval,
    search_index_file,
    search_index_message,
    search_index_note,
    search_index_project,
    search_index_thread,
)

__all__ = [
    "account_restore",
    "age_out_data",
    "approval_action",
    "approval_comments",
    "approval_detail",
    "approval_reminders",
    "approval_versions",
    "approval_written",
    "approvals",
    "audit",
    "auth_config",
    "auth_live_token",
    "auth_login",
    "auth_logout",
    "auth_me",
    "auth_session",
    "avatar_image",
    "backup_firestore",
    "before_user_created",
    "billing",
    "billing_link",
    "billing_sync",
    "billing_unmatched",
    "billing_written",
    "booking_assign",
    "booking_embed",
    "booking_ics",
    "booking_written",
    "bookings",
    "bookings_unmatched",
    "chatkit",
    "clients_list",
    "dashboard",
    "decision_created",
    "deletion_detail",
    "deletions",
    "deliver",
    "deliveries",
    "delivery_created",
    "delivery_retry",
    "expire_audit_log",
    "expire_exports",
    "expire_uploads",
    "export_download",
    "exporter",
    "exports",
    "file_detail",
    "file_download",
    "file_revision_download",
    "file_revisions",
    "file_thumbnail",
    "file_upload",
    "file_upload_session",
    "file_written",
    "files",
    "health",
    "invite_accept",
    "invite_complete",
    "invite_lookup",
    "invite_revoke",
    "invites",
    "mail_waiting",
    "mailer",
    "me_avatar",
    "me_preferences",
    "me_profile",
    "me_session",
    "me_sessions",
    "member_detail",
    "members_list",
    "message_created",
    "message_detail",
    "message_read",
    "message_thread",
    "messages",
    "note_created",
    "notification_digest",
    "notification_read",
    "notifications",
    "notifications_read_all",
    "notifications_unread",
    "openapi",
    "org_archive",
    "org_detail",
    "org_settings",
    "orgs_list",
    "poll_whop",
    "project_archive",
    "project_detail",
    "project_milestone",
    "project_milestones",
    "project_written",
    "projects_list",
    "purge_deletions",
    "reconcile_files",
    "refresh_summaries",
    "renew_calendar_channels",
    "search",
    "search_index_approval",
    "search_index_file",
    "search_index_message",
    "search_index_note",
    "search_index_project",
    "search_index_thread",
    "summarize",
    "sync_calendars",
    "template_detail",
    "templates_list",
    "view_as",
    "view_as_end",
    "webhook_calendar",
    "webhook_gbu",
    "webhook_n8n_approvals",
    "webhook_n8n_projects",
    "webhook_whop",
]
