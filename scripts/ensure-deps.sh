#!/usr/bin/env bash
# Installs what bubo needs and is missing: Debian packages (as root, through apt) and the npm
# packages of package-lock.json (npm ci, skipped when node_modules already matches the lockfile),
# then compiles the TypeScript. Safe to run again; prints what it does.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the project needs at run or test time (qemu + kmod + cpio + xz for the guest kit,
# nginx for lb hosts, wrk/dnsperf/dnsmasq-base for load tests and benchmarks).
DEBIAN_PACKAGES=(nodejs npm python3 make g++ iproute2 runc skopeo umoci docker-registry nftables busybox-static redis-server e2fsprogs jq dnsutils qemu-system-x86 qemu-utils kmod cpio xz-utils nginx wrk dnsperf dnsmasq-base socat)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node/npm may come from elsewhere than Debian (e.g. a Node.js 20 tarball); accept them if they work.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/#nodejs/}"); missing=("${missing[@]/#npm/}")
  read -r -a missing <<<"${missing[*]}"
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bubo: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "bubo: run as root to install Debian packages (or install them yourself)" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then echo "bubo: Node.js 20 or newer is required (found $(node --version))" >&2; exit 1; fi

stamp=node_modules/.bubo-lock-hash
want=$( (sha256sum package-lock.json; node --version) | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bubo: installing npm packages (npm ci; compiling better-sqlite3 takes about 90 s)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

npm run --silent build

# Put `bubo` on the PATH (as root; otherwise run ./bin/bubo.js).
if [ "$(id -u)" -eq 0 ] && [ "$(readlink -f /usr/local/bin/bubo 2>/dev/null)" != "$PWD/bin/bubo.js" ]; then
  ln -sf "$PWD/bin/bubo.js" /usr/local/bin/bubo && echo "bubo: linked /usr/local/bin/bubo -> $PWD/bin/bubo.js"
fi
