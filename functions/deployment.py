"""Deployment options, written once: the region every function runs in, and what each
kind of function adds to it. HTTPS functions, triggers, scheduled and task-queue
functions all take their options from here; firebase.json's rewrites name the same region."""

from typing import Any

from params import SESSION_SECRET

REGION = "us-central1"

RUNTIME_SERVICE_ACCOUNT = "portal-runtime@"
"""Every function runs as this service account of its project (``portal-runtime@<project>.iam.
gserviceaccount.com``), which holds only the roles the portal needs (README, "Deploying")."""

EVENTS: dict[str, Any] = {"region": REGION, "service_account": RUNTIME_SERVICE_ACCOUNT}
"""Triggers, scheduled and task-queue functions."""

HTTP: dict[str, Any] = {
    **EVENTS,
    "invoker": "public",  # Hosting rewrites need it; authentication happens in the pipeline
    "max_instances": 20,  # bounds per-instance rate limits across the deployment
    "secrets": [SESSION_SECRET],
}
"""HTTPS functions (every route of the API)."""


def with_secrets(options: dict[str, Any], *secrets: Any) -> dict[str, Any]:
    """``options`` with more secrets made available to the function."""
    return {**options, "secrets": [*options.get("secrets", []), *secrets]}
