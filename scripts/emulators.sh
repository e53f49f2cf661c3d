#!/usr/bin/env bash
# Runs firebase-tools with the local emulator wiring: "emulators.sh start|exec ARGS...".
# Uses the Cloud CLI's Firestore/Pub/Sub emulators when installed, else lets
# firebase-tools download its own.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(python3 scripts/emulator_jars.py .cache)"
cmd="$1"; shift
exec npx firebase "emulators:$cmd" --only "${EMULATORS:-auth,firestore,functions,hosting,pubsub,tasks}" "$@"
