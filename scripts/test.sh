#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: install what is missing, then lint,
# type-check, unit tests and e2e tests. `.ci/run` calls exactly this. Ends with one plain line
# "tests: N passed, N failed, N skipped" summing every vitest run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
./scripts/ensure-deps.sh || exit 1
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
status=0
step() { echo "bubo: $1"; shift; "$@" || status=1; }
step lint npm run --silent lint
step typecheck npm run --silent typecheck
step "unit tests" npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json"
step "e2e tests" npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$reports/e2e.json"
# shellcheck disable=SC2016 # a JavaScript template literal, not a shell expansion
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    // A file that failed to load has no failed test of its own: count it as one failure.
    if (!r.success && r.numFailedTests === 0) failed += Math.max(1, r.numFailedTestSuites);
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$reports"
exit $status
