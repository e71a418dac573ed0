#!/usr/bin/env bash
# Runs every test file with node's test runner (one run, so its closing lines are the totals).
# Unit tests sit beside the code (src/**/*.test.ts); the rest live under test/.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
files=(src/**/*.test.ts test/**/*.test.ts)
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=120000 "${files[@]}"
