#!/usr/bin/env bash
# Runs firebase-tools with the local emulator wiring: "emulators.sh start|exec ARGS...".
# Uses the Cloud CLI's Firestore/Pub/Sub emulators when installed, else lets
# firebase-tools download its own.
#
# exec: the emulators' own log lines go to .cache/emulators.log (its last lines are printed
# when the command fails), and the terminal shows only what the command prints.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(python3 scripts/emulator_jars.py .cache)"
cmd="$1"; shift
# firebase.json carries the production headers; the emulators serve a copy whose
# Content-Security-Policy also lets the browser reach the Auth emulator.
python3 scripts/emulator_config.py
# The Functions emulator leaves its Python workers behind when it stops: end them too (those
# it ran itself, and the shims and forked workers of scripts/functions_forkserver.py).
workers="$(cd functions/venv && pwd -P)/bin/functions-framework"
forked="$(pwd -P)/scripts/functions_forkserver.py"
# Only this suite's: suites side by side in their own network namespaces (scripts/test.sh) run the
# same programs, and each ends its own.
mine=(--ns $$ --nslist net)
trap '{ pkill "${mine[@]}" -f "$workers"; pkill "${mine[@]}" -f "$forked"; } 2>/dev/null || true' EXIT
# Requests forwarded to the Python workers do not reuse connections (emulator-http.cjs); idle
# workers are bounded and background triggers can be paused cheaply (emulator-functions.cjs).
here="$(pwd -P)/scripts"
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require \"$here/emulator-http.cjs\" --require \"$here/emulator-functions.cjs\""
# At most this many functions run at once (firebase-tools' default is 50): a burst of
# trigger events then waits its turn instead of starting a Python worker per event.
export FUNCTIONS_EMULATOR_PARALLEL="${FUNCTIONS_EMULATOR_PARALLEL:-8}"
# Finding the functions imports main.py in a new interpreter; firebase-tools gives that 10 s,
# which a busy machine (two suites starting side by side, scripts/test.sh) can exceed.
export FUNCTIONS_DISCOVERY_TIMEOUT="${FUNCTIONS_DISCOVERY_TIMEOUT:-90}"
only="${EMULATORS:-auth,firestore,functions,hosting,pubsub,tasks}"

if [ "$cmd" != exec ]; then
  npx firebase --config firebase.emulators.json "emulators:$cmd" --only "$only" "$@"
  exit
fi

# exec [OPTIONS...] SCRIPT: the script is the last argument.
script="${*: -1}"
options=("${@:1:$#-1}")
mkdir -p .cache
# EMULATORS_RUN names a suite among several side by side (scripts/test.sh): its own two files.
log="$(pwd -P)/.cache/emulators${EMULATORS_RUN:+-$EMULATORS_RUN}.log"
out="$(pwd -P)/.cache/exec-output${EMULATORS_RUN:+-$EMULATORS_RUN}.log"
: > "$out"
npx firebase --config firebase.emulators.json emulators:exec --only "$only" "${options[@]}" \
  "($script) >> '$out' 2>&1" > "$log" 2>&1 &
firebase=$!
tail -n +1 -f --pid="$firebase" "$out"
status=0
wait "$firebase" || status=$?
if [ "$status" != 0 ]; then
  echo
  echo "---- the last 80 lines of the emulators' log ($log) ----"
  tail -n 80 "$log"
fi
exit "$status"
