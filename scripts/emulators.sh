#!/usr/bin/env bash
# Runs firebase-tools with the local emulator wiring: "emulators.sh start|exec ARGS...".
# Uses the Cloud CLI's Firestore/Pub/Sub emulators when installed, else lets
# firebase-tools download its own.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(python3 scripts/emulator_jars.py .cache)"
cmd="$1"; shift
# The Functions emulator leaves its Python workers behind when it stops: end them too.
workers="$(cd functions/venv && pwd -P)/bin/functions-framework"
trap 'pkill -f "$workers" 2>/dev/null || true' EXIT
npx firebase "emulators:$cmd" --only "${EMULATORS:-auth,firestore,functions,hosting,pubsub,tasks}" "$@"
