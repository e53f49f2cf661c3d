#!/usr/bin/env bash
# Runs firebase-tools with the local emulator wiring: "emulators.sh start|exec ARGS...".
# Uses the Cloud CLI's Firestore/Pub/Sub emulators when installed, else lets
# firebase-tools download its own.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(python3 scripts/emulator_jars.py .cache)"
cmd="$1"; shift
# firebase.json carries the production headers; the emulators serve a copy whose
# Content-Security-Policy also lets the browser reach the Auth emulator.
python3 scripts/emulator_config.py
# The Functions emulator leaves its Python workers behind when it stops: end them too.
workers="$(cd functions/venv && pwd -P)/bin/functions-framework"
trap 'pkill -f "$workers" 2>/dev/null || true' EXIT
# Requests forwarded to the Python workers do not reuse connections (see emulator-http.cjs).
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require \"$(pwd -P)/scripts/emulator-http.cjs\""
npx firebase --config firebase.emulators.json "emulators:$cmd" --only "${EMULATORS:-auth,firestore,functions,hosting,pubsub,tasks}" "$@"
