"""Deploy-time configuration (Firebase params). Values come from ``functions/.env.<project>``
or are asked for by ``firebase deploy``; locally from ``functions/.env.local`` and
``functions/.secret.local``. The core reads them from the environment when needed."""

from firebase_functions.params import SecretParam, StringParam

PORTAL_URL = StringParam("PORTAL_URL", description="Public origin of the portal, e.g. https://portal.example.com")
CORS_ORIGINS = StringParam(
    "CORS_ORIGINS", default="", description="Extra origins allowed to call the API, comma-separated"
)
WEB_API_KEY = StringParam("WEB_API_KEY", description="The Firebase web API key of the project")
SESSION_SECRET = SecretParam("SESSION_SECRET", description="Random secret that signs CSRF tokens")
N8N_WEBHOOK_SECRET = SecretParam(
    "N8N_WEBHOOK_SECRET", description="Shared secret that signs n8n's webhooks (both ways)"
)
GBU_WEBHOOK_SECRET = SecretParam("GBU_WEBHOOK_SECRET", description="Shared secret that signs GBU's contract webhooks")
WHOP_API_KEY = SecretParam("WHOP_API_KEY", description="Whop company API key (billing)")
WHOP_WEBHOOK_SECRET = SecretParam("WHOP_WEBHOOK_SECRET", description="Whop webhook secret, as Whop shows it")
WHOP_COMPANY_ID = StringParam("WHOP_COMPANY_ID", default="", description="Whop company id (biz_...)")
SLACK_WEBHOOK_URL = StringParam("SLACK_WEBHOOK_URL", default="", description="Slack incoming webhook for the agency")
N8N_EVENTS_URL = StringParam("N8N_EVENTS_URL", default="", description="n8n webhook URL that receives portal events")
