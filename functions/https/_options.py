"""Options shared by every HTTPS function."""

from params import SESSION_SECRET

HTTP = {
    "region": "us-central1",
    "invoker": "public",  # Hosting rewrites need it; authentication happens in the pipeline
    "max_instances": 20,  # bounds per-instance rate limits across the deployment
    "secrets": [SESSION_SECRET],
}
