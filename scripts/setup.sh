#!/usr/bin/env bash
# Installs whatever is missing, idempotently: npm packages (firebase-tools, the web SDK,
# Vite), the functions' Python virtualenv from requirements-dev.lock, local development config,
# and with --test a browser (Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

# Tools the emulators need: Node (firebase-tools), Java (Firestore, Pub/Sub emulators), Python 3.11.
# Missing ones are installed with apt; versions are checked below.
missing=()
need node || missing+=(nodejs npm)
need java || missing+=(openjdk-17-jre-headless)
if [ "$want_test" = 1 ] && ! need chromium; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

# Versions: say what to install instead of failing later with an obscure error.
py=python3.11
need "$py" || py=python3
problems=()
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$node_major" -ge 20 ] || problems+=("Node.js 20 or newer (found $(node --version 2>/dev/null || echo none)): \
install it from https://nodejs.org or with your package manager (Debian 13: apt install nodejs npm)")
py_version="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
[ "$py_version" = 3.11 ] || problems+=("Python 3.11, the functions' runtime (found $py_version): \
install python3.11 (apt install python3.11 python3.11-venv, or pyenv install 3.11)")
java_major="$(java -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p')"
[ "${java_major:-0}" -ge 17 ] || problems+=("Java 17 or newer for the Firestore and Pub/Sub emulators \
(found ${java_major:-none}): apt install openjdk-17-jre-headless")
if [ ${#problems[@]} -gt 0 ]; then
  echo "setup: this machine needs:" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi

# npm packages, from the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The functions' virtualenv (the Functions emulator runs functions/venv), from the lock: every
# package, transitive ones included, at its pinned version and checked against its hashes.
lock=requirements-dev.lock
stamp="functions/venv/.installed-$(sha1sum "$lock" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  [ -x functions/venv/bin/python ] || "$py" -m venv functions/venv
  echo "setup: pip install --require-hashes -r $lock"
  functions/venv/bin/pip install -q --disable-pip-version-check --require-hashes -r "$lock"
  rm -f functions/venv/.installed-*
  touch "$stamp"
fi

# Development config in the Firebase conventions (never committed): known values so
# that the portal and its webhooks can be exercised locally.
if [ ! -f functions/.env.local ]; then
  cat > functions/.env.local <<'ENV'
# Local development values (written by scripts/setup.sh; not committed).
PORTAL_URL=http://127.0.0.1:5000
CORS_ORIGINS=http://localhost:5000
WEB_API_KEY=demo-api-key
ENV
fi
touch functions/.secret.local
add_secret() {  # NAME VALUE: add when missing, keep what is there
  grep -q "^$1=" functions/.secret.local || printf '%s=%s\n' "$1" "$2" >> functions/.secret.local
}
add_secret SESSION_SECRET "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
add_secret N8N_WEBHOOK_SECRET dev-n8n-secret
add_secret N8N_EVENTS_SECRET dev-n8n-events-secret
add_secret GBU_WEBHOOK_SECRET dev-gbu-secret
# Whop: the local stand-in (dev/standins) until you put real credentials here.
add_secret WHOP_API_KEY whop-test-key
add_secret WHOP_WEBHOOK_SECRET ws_dev-whop-webhook-secret
add_env() {
  grep -q "^$1=" functions/.env.local || printf '%s=%s\n' "$1" "$2" >> functions/.env.local
}
add_env WHOP_BASE_URL http://127.0.0.1:9911/api/v1
add_env WHOP_COMPANY_ID biz_standin000001
# Google Drive: the local stand-in (dev/standins/drive.py) until you connect a real one.
add_env DRIVE_ROOT_FOLDER_ID root
add_env DRIVE_API_URL http://127.0.0.1:9913/
add_secret DRIVE_SERVICE_ACCOUNT_JSON default
# Bookings: the local Google Calendar stand-in (dev/standins/calendar.py) and webhook secrets
# for Cal.com and Calendly, until you connect the real ones (docs/integrations.md, "Bookings").
add_env GOOGLE_CALENDAR_API_URL http://127.0.0.1:9914/
add_secret GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON default
add_secret GOOGLE_CALENDAR_CHANNEL_TOKEN "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
add_secret CALCOM_WEBHOOK_SECRET dev-calcom-secret
add_secret CALENDLY_WEBHOOK_SECRET dev-calendly-secret
# A client's Slack channel may point under the local Slack stand-in.
add_env SLACK_STANDIN_URL http://127.0.0.1:9912/slack
# Mail: the local SMTP stand-in (dev/standins/smtp.py) keeps every mail; read them at
# http://127.0.0.1:8025. Put your SMTP server here to send real mail.
add_env SMTP_HOST 127.0.0.1
add_env SMTP_PORT 1025
add_env SMTP_SECURITY none
add_env SMTP_FROM "Client portal <portal@localhost>"
add_secret SMTP_PASSWORD unused-locally
# The assistant: the local model stand-in (dev/standins/model.py, canned answers) until you
# put a real OpenAI key here and remove ASSISTANT_BASE_URL (docs/integrations.md, "Assistant").
add_secret OPENAI_API_KEY standin-key
add_env ASSISTANT_BASE_URL http://127.0.0.1:9915/v1
add_env ASSISTANT_MODEL standin-model

# The frontend build that Hosting serves, when a source is newer than the last build.
built=hosting/dist/index.html
if [ ! -f "$built" ] || [ -n "$(find hosting package-lock.json -path hosting/dist -prune -o -type f -newer "$built" -print -quit)" ]; then
  echo "setup: building the frontend"
  npx vite build hosting --logLevel warn
fi
