"""The Cloud Functions entry point: imports every function, defines none."""

from https.auth import auth_config, auth_login, auth_logout, auth_me, auth_session
from https.dashboard import dashboard
from https.invites import invite_accept, invite_lookup, invite_revoke, invites
from https.members import member_detail, members_list
from https.meta import openapi
from https.orgs import orgs_list
from https.projects import project_detail, project_milestone, project_milestones, projects_list
from https.webhooks import webhook_gbu, webhook_n8n_projects
from scheduled.summaries import refresh_summaries
from triggers.auth import before_user_created
from triggers.projects import project_written

__all__ = [
    "auth_config",
    "auth_login",
    "auth_logout",
    "auth_me",
    "auth_session",
    "before_user_created",
    "dashboard",
    "invite_accept",
    "invite_lookup",
    "invite_revoke",
    "invites",
    "member_detail",
    "members_list",
    "openapi",
    "orgs_list",
    "project_detail",
    "project_milestone",
    "project_milestones",
    "project_written",
    "projects_list",
    "refresh_summaries",
    "webhook_gbu",
    "webhook_n8n_projects",
]
