#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: install what is missing, then lint,
# type-check, unit tests and e2e tests. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-deps.sh
echo "bubo: lint";       npm run --silent lint
echo "bubo: typecheck";  npm run --silent typecheck
echo "bubo: unit tests"; npx vitest run --project unit
echo "bubo: e2e tests";  npx vitest run --project e2e
