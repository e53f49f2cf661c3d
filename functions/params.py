"""Deploy-time configuration (Firebase params). Values come from ``functions/.env.<project>``
or are asked for by ``firebase deploy``; locally from ``functions/.env.local`` and
``functions/.secret.local``. The core reads them from the environment when needed.
Optional settings (CORS_ORIGINS, WHOP_COMPANY_ID, SLACK_WEBHOOK_URL, N8N_EVENTS_URL, limits) are plain
environment variables in ``functions/.env.<project-id>``: unset, their integration is off."""

from firebase_functions.params import SecretParam, StringParam

PORTAL_URL = StringParam("PORTAL_URL", description="Public origin of the portal, e.g. https://portal.example.com")
WEB_API_KEY = StringParam("WEB_API_KEY", description="The Firebase web API key of the project")
SESSION_SECRET = SecretParam("SESSION_SECRET", description="Random secret that signs CSRF tokens")
N8N_WEBHOOK_SECRET = SecretParam(
    "N8N_WEBHOOK_SECRET", description="Shared secret that signs n8n's webhooks to the portal"
)
N8N_EVENTS_SECRET = SecretParam("N8N_EVENTS_SECRET", description="Secret that signs the portal's events to n8n")
GBU_WEBHOOK_SECRET = SecretParam("GBU_WEBHOOK_SECRET", description="Shared secret that signs GBU's contract webhooks")
WHOP_API_KEY = SecretParam("WHOP_API_KEY", description="Whop company API key (billing)")
WHOP_WEBHOOK_SECRET = SecretParam("WHOP_WEBHOOK_SECRET", description="Whop webhook secret, as Whop shows it")
DRIVE_SERVICE_ACCOUNT_JSON = SecretParam(
    "DRIVE_SERVICE_ACCOUNT_JSON",
    description="JSON key of the service account that is a member of the Shared Drive ('default': the functions' own)",
)
SMTP_PASSWORD = SecretParam("SMTP_PASSWORD", description="Password of the SMTP account that sends the portal's mail")
CALCOM_WEBHOOK_SECRET = SecretParam("CALCOM_WEBHOOK_SECRET", description="Secret of the agency's Cal.com webhook")
CALENDLY_WEBHOOK_SECRET = SecretParam(
    "CALENDLY_WEBHOOK_SECRET", description="Signing key of the agency's Calendly webhook subscription"
)
GOOGLE_CALENDAR_CHANNEL_TOKEN = SecretParam(
    "GOOGLE_CALENDAR_CHANNEL_TOKEN", description="Random token the portal gives Google Calendar push channels"
)
GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON = SecretParam(
    "GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON",
    description="JSON key of the service account the calendars are shared with ('default': the functions' own)",
)
OPENAI_API_KEY = SecretParam(
    "OPENAI_API_KEY", description="OpenAI API key of the assistant ('none': the assistant is hidden)"
)
ASSISTANT_MODEL = StringParam(
    "ASSISTANT_MODEL", default="gpt-4.1-mini", description="The OpenAI model the assistant answers with"
)

REQUIRED_SECRETS = (SESSION_SECRET,)
"""Secrets no deployment runs without. Every other secret belongs to an optional integration:
set to ``off`` (``make deploy`` creates a missing one so), that integration is not connected."""
