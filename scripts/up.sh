#!/usr/bin/env bash
# Install what is missing, then run bubo on this machine with its embedded defaults: control
# plane, local registry, this machine as host "local" (runc), and the demo apps. Ctrl-C stops it.
# State goes to ./.bubo of the directory this is run from, where `bubo status` then finds it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
(cd "$repo" && ./scripts/ensure-deps.sh)
exec "$repo/bin/bubo.js" up "$@"
