#!/usr/bin/env bash
# Install what is missing, then run bubo on this machine with its embedded defaults: control
# plane, local registry, this machine as host "local" (runc), and the demo apps. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-deps.sh
exec ./bin/bubo.js up "$@"
