#!/usr/bin/env bash
# make test: the whole suite. Lint, then the unit tests, which need no emulator, run beside the
# emulator tests, which run inside `firebase emulators:exec`.
#
# TEST_PARTS=2 splits the emulator tests in two: the browser tests and the others (API,
# security, rules, CLI, storage) each inside an emulator suite of their own, side by side, when
# the machine lets a process have a network namespace of its own (`unshare -n`, as root): there
# the suites use the same ports and projects without meeting. Each part waits on requests most
# of the time, so two of them keep two cores busy where one left them half idle; but two suites
# need more memory than one, and on a loaded machine a burst of generated requests
# (tests/security/test_fuzz.py) has waited past the Functions emulator's timeout (504).
#
# Each part's progress is printed as it goes, prefixed with its name; its slowest tests at its
# end. Exits non-zero if any part fails. A part of the suite (TESTS=...) runs alone.
set -uo pipefail
cd "$(dirname "$0")/.."
project="$1"; tests="${2:-../tests}"
pytest_args="${PYTEST_ARGS:-}"
mkdir -p .cache

pytest_in_emulators() {  # NAME TESTS...: one emulator suite around pytest
  local name="$1"; shift
  EMULATORS_RUN="$name" scripts/emulators.sh exec --project "$project" \
    "cd functions && TEST_SHARD=$name venv/bin/python -m pytest $* -p no:cacheprovider --durations=15 $pytest_args"
}

isolated() {  # COMMAND...: in a network namespace of its own: its loopback, and a pair of linked
  # interfaces without which Chromium counts itself offline (navigator.onLine) and a page would not
  # reload for a release's new code (tests/e2e/test_releases.py)
  unshare -n bash -c 'ip link set lo up && ip link add portal0 type veth peer name portal1 &&
    ip addr add 10.254.0.1/30 dev portal0 && ip addr add 10.254.0.2/30 dev portal1 &&
    ip link set portal0 up && ip link set portal1 up && exec "$@"' isolated "$@"
}

namespaces() {
  command -v unshare >/dev/null && command -v ip >/dev/null && isolated true 2>/dev/null
}

if [ "$tests" != "../tests" ]; then
  make --no-print-directory lint || exit 1
  scripts/emulators.sh exec --project "$project" \
    "cd functions && venv/bin/python -m pytest $tests -p no:cacheprovider --durations=15 $pytest_args"
  exit
fi

# The record of the queries the functions run (the index check reads it, tests/parity): the
# parts append to it, and the part that ends last checks every query of the run.
query_log="$(sed -n 's/^FIRESTORE_QUERY_LOG=//p' "functions/.env.$project")"
[ -n "$query_log" ] && : > "functions/$query_log"

declare -A parts
run_part() {  # NAME COMMAND...: in the background, its lines prefixed with its name
  local name="$1"; shift
  ( set -o pipefail; "$@" 2>&1 | sed -u "s/^/[$name] /" ) &
  parts[$name]=$!
}

run_part checks bash -c "make --no-print-directory lint && cd functions && \
  venv/bin/python -m pytest ../tests/unit -p no:cacheprovider -q --durations=5 $pytest_args"
if [ "${TEST_PARTS:-1}" = 2 ] && namespaces; then
  # Each suite keeps at most half the idle workers one suite alone would (memory).
  export EMULATOR_IDLE_WORKERS="${EMULATOR_IDLE_WORKERS:-50}"
  export project pytest_args
  export -f pytest_in_emulators
  run_part browser isolated bash -c "pytest_in_emulators browser ../tests/e2e ../tests/parity"
  run_part api isolated bash -c "pytest_in_emulators api ../tests --ignore=../tests/unit --ignore=../tests/e2e"
else
  [ "${TEST_PARTS:-1}" = 2 ] && echo "(no network namespaces here: the emulator tests run in one suite)"
  run_part emulators pytest_in_emulators all ../tests --ignore=../tests/unit
fi

status=0
for name in "${!parts[@]}"; do
  if wait "${parts[$name]}"; then
    echo "== $name: passed"
  else
    echo "== $name: FAILED (its lines above are prefixed [$name])"
    status=1
  fi
done
exit "$status"
