#!/usr/bin/env bash
# Install what is missing, then run bubo on this machine with its embedded defaults.
# Until `bubo up` (server + local agent + demo app) lands, this runs the control plane server;
# see the README's status note.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-deps.sh
if ./bin/bubo.js help up >/dev/null 2>&1; then exec ./bin/bubo.js up "$@"; fi
exec ./bin/bubo.js server "$@"
