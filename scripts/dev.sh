#!/usr/bin/env bash
# make dev: start the emulator suite with the functions and the hosted frontend,
# seed the demo data, print where to sign in. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(python3 -c 'import json;print(json.load(open(".firebaserc"))["projects"]["default"])')
(
  for _ in $(seq 1 240); do
    if curl -sf -o /dev/null http://127.0.0.1:5000/api/auth/config; then break; fi
    sleep 1
  done
  log=$(mktemp)
  if (eval "$(python3 scripts/envfile.py functions/.env.local functions/.secret.local)"
      cd functions && venv/bin/python -m portal.cli --project "$project" seed >"$log" 2>&1 &&
      if [ -n "${GOOGLE_CALENDAR_API_URL:-}" ]; then venv/bin/python -m portal.cli --project "$project" calendar sync >>"$log" 2>&1; fi); then
    cat <<MSG

  ================================================================
   Client portal: http://127.0.0.1:5000
   Demo accounts (password: portal-demo)
     admin@agency.test    aj_admin       the agency
     ops@agency.test      aj_ops         the agency
     owner@acme.test      client_owner   Acme
     member@acme.test     client_member  Acme
     owner@globex.test    client_owner   Globex
     member@globex.test   client_member  Globex
   Mail the portal sends: http://127.0.0.1:8025 (local SMTP stand-in)
   Admin CLI: make admin ARGS="user list"
   Ctrl-C stops the emulators.
  ================================================================

MSG
  else
    echo "Seeding failed:"; cat "$log"
  fi
) &
# The local Whop and Drive stand-ins, unless functions/.env.local points at the real ones.
standins=""
if grep -q '^WHOP_BASE_URL=http://127.0.0.1:9911/api/v1' functions/.env.local; then
  (cd dev && PYTHONPATH=../functions ../functions/venv/bin/python -m standins.server) &
  standins="$standins $!"
fi
if grep -q '^DRIVE_API_URL=http://127.0.0.1:9913/' functions/.env.local; then
  (cd dev && PYTHONPATH=../functions ../functions/venv/bin/python -m standins.drive 9913) &
  standins="$standins $!"
fi
if grep -q '^SMTP_HOST=127.0.0.1' functions/.env.local; then
  (cd dev && PYTHONPATH=../functions ../functions/venv/bin/python -m standins.smtp) &
  standins="$standins $!"
fi
if grep -q '^GOOGLE_CALENDAR_API_URL=http://127.0.0.1:9914/' functions/.env.local; then
  (cd dev && PYTHONPATH=../functions ../functions/venv/bin/python -m standins.calendar 9914) &
  standins="$standins $!"
fi
if [ -n "$standins" ]; then
  trap 'kill $standins 2>/dev/null' EXIT
fi
scripts/emulators.sh start --project "$project"
