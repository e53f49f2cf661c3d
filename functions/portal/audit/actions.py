"""Every action the audit log records, by name, in one place.

:func:`portal.audit.service.record` refuses a name not listed here, and
``GET /api/audit`` validates its ``action`` filter against it, so the names stay
consistent: ``<family>.<what happened>``, past tense where it is an event.
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # signing in
    "auth.login": "Signed in (a session was started)",
    "auth.login_refused": "A sign-in was refused by the server (stale, invalid, disabled or without portal access)",
    "auth.signup_blocked": "A self sign-up from a browser was refused (accounts exist by invitation only)",
    "auth.logout": "Signed out everywhere",
    "auth.session_ended": "Signed out one device",
    # people
    "invite.created": "Invited someone",
    "invite.revoked": "Revoked an invitation",
    "invite.accepted": "Accepted an invitation",
    "invite.confirmation_requested": "Asked to join: a sign-in link was emailed to the invited address",
    "user.created": "An account was created",
    "user.role_changed": "Changed someone's role",
    "user.disabled": "Removed someone (their account was disabled)",
    "user.profile_updated": "Changed their profile (name, time zone)",
    "user.avatar_changed": "Changed or removed their profile picture",
    "auth.second_factor_removed": "Removed one of their second factors (a phone), after signing in again with it",
    "user.second_factors_reset": "Reset someone's second factors (a lost phone): all removed, their sessions ended",
    "user.billing_access_granted": "Gave a member billing access (their sessions ended)",
    "user.billing_access_revoked": "Took back a member's billing access (their sessions ended)",
    # organisations
    "org.created": "Created a client organisation",
    "org.updated": "Edited an organisation",
    "org.archived": "Archived an organisation",
    "org.restored": "Restored an archived organisation",
    "org.settings": "Changed an organisation's settings",
    # work
    "approval.decided": "Decided an approval (approve, reject or request a revision)",
    "booking.assign": "Assigned an unmatched meeting to an organisation",
    "file.download": "Downloaded a file",
    "file.deleted": "Deleted a file",
    # billing
    "billing.linked": "Linked an organisation to its Whop membership",
    "billing.synced": "Billing was synced from Whop (sync now or the scheduled poll)",
    "billing.webhook_applied": "A Whop webhook changed an organisation's billing",
    # privacy: exports and deletions
    "export.requested": "Asked for a data export",
    "export.ready": "A data export was built",
    "export.downloaded": "Downloaded a data export",
    "export.expired": "A data export expired and was deleted",
    "account.deletion_scheduled": "An account was deleted (restorable during the grace period)",
    "org.deletion_scheduled": "A client organisation was deleted (restorable during the grace period)",
    "deletion.undone": "A deletion was undone during its grace period",
    "account.purged": "A deleted account was purged",
    "org.purged": "A deleted client organisation was purged",
    # the assistant
    "assistant.create": "Started a conversation with the assistant",
    "assistant.add_user_message": "Asked the assistant a question",
    "assistant.retry_after_item": "Asked the assistant to answer again",
    "assistant.update": "Renamed a conversation with the assistant",
    "assistant.delete": "Deleted a conversation with the assistant",
    "assistant.custom_action": "Answered the assistant's question (sent a conversation to the team, or did not)",
    # view as client
    "viewas.started": "Staff started viewing the portal as a client",
    "viewas.ended": "Staff stopped viewing the portal as a client",
}
"""Action name -> what it means (shown on the audit page)."""


def known(action: str) -> bool:
    return action in ACTIONS
