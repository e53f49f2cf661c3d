"""The Cloud Functions entry point: imports every function, defines none."""

from https.auth import auth_config, auth_login, auth_logout, auth_me, auth_session
from https.invites import invite_accept, invite_lookup, invite_revoke, invites
from https.members import member_detail, members_list
from https.meta import openapi
from https.orgs import orgs_list
from https.projects import projects_list
from triggers.auth import before_user_created

__all__ = [
    "auth_config",
    "auth_login",
    "auth_logout",
    "auth_me",
    "auth_session",
    "before_user_created",
    "invite_accept",
    "invite_lookup",
    "invite_revoke",
    "invites",
    "member_detail",
    "members_list",
    "openapi",
    "orgs_list",
    "projects_list",
]
