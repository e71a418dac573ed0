#!/usr/bin/env bash
# The test command. Runs every test file with node's test runner on the embedded default (SQLite), then the
# SQS integration tests again against a PostgreSQL-backed server when PostgreSQL answers, and prints the
# combined totals as a last line. Unit tests sit beside the code (src/**/*.test.ts, and the web console's pure logic in
# console/src/**/*.test.ts); the rest live under test/ (the console's browser tests in test/console/).
set -uo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
run() {
  local log; log=$(mktemp)
  node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=120000 "$@" | tee "$log"
  local status=${PIPESTATUS[0]}
  pass=$((pass + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -n1)))
  fail=$((fail + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -n1)))
  skipped=$((skipped + $(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log" | tail -n1)))
  rm -f "$log"
  return "$status"
}
pass=0 fail=0 skipped=0 status=0
run src/**/*.test.ts test/**/*.test.ts console/src/**/*.test.ts || status=1
if [ "${MAILROOM_TEST_POSTGRES:-auto}" != "off" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "# --- SQS integration tests against PostgreSQL"
  MAILROOM_TEST_BACKEND=postgres run test/integration/**/*.test.ts || status=1
elif [ "${MAILROOM_TEST_POSTGRES:-auto}" = "on" ]; then
  echo "PostgreSQL is required (MAILROOM_TEST_POSTGRES=on) but does not answer on 127.0.0.1:5432"; status=1
fi
echo "${pass} passed, ${fail} failed, ${skipped} skipped"
exit "$status"
