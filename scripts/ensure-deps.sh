#!/usr/bin/env bash
# Installs what bubo needs and is missing: Debian packages (as root, through apt) and the npm
# packages of package-lock.json (npm ci, skipped when node_modules already matches the lockfile),
# then compiles the TypeScript. Safe to run again; prints what it does.
#
#   scripts/ensure-deps.sh                          every role's packages, npm ci, build, /usr/local/bin/bubo
#   scripts/ensure-deps.sh --packages ROLE... [--dry-run]
#                                                   only the Debian packages of those roles (server, agent,
#                                                   lb, build, dev); --dry-run lists the missing ones only
# The package list with its roles is scripts/debian-packages.txt (deploy/install.sh uses this).
set -euo pipefail
cd "$(dirname "$0")/.."

roles=() dry_run=0 packages_only=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --packages) packages_only=1 ;;
    --dry-run) dry_run=1 ;;
    server | agent | lb | build | dev) roles+=("$1") ;;
    *) echo "bubo: ensure-deps.sh: unknown argument \"$1\" (usage: ensure-deps.sh [--packages ROLE... [--dry-run]], roles: server agent lb build dev)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$packages_only" -eq 1 ] && [ "${#roles[@]}" -eq 0 ]; then echo "bubo: ensure-deps.sh --packages needs at least one role (server agent lb build dev)" >&2; exit 2; fi

# The packages of the chosen roles (every package when no role is given), in the list's order.
DEBIAN_PACKAGES=()
while read -r package package_roles; do
  case "$package" in '' | '#'*) continue ;; esac
  wanted=$([ "${#roles[@]}" -eq 0 ] && echo 1 || echo 0)
  for r in "${roles[@]}"; do [[ " $package_roles " == *" $r "* ]] && wanted=1; done
  [ "$wanted" -eq 1 ] && DEBIAN_PACKAGES+=("$package")
done < scripts/debian-packages.txt

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node/npm may come from elsewhere than Debian (e.g. a Node.js 20 tarball); accept them if they work.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/#nodejs/}"); missing=("${missing[@]/#npm/}")
  read -r -a missing <<<"${missing[*]}"
elif command -v node >/dev/null; then
  missing=("${missing[@]/#nodejs/}")
  read -r -a missing <<<"${missing[*]}"
fi
if [ "${#missing[@]}" -gt 0 ] && [ "$dry_run" -eq 1 ]; then
  echo "bubo: would install Debian packages: ${missing[*]}"
elif [ "${#missing[@]}" -gt 0 ]; then
  echo "bubo: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "bubo: run as root to install Debian packages (or install them yourself)" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "bubo: Debian packages present: ${DEBIAN_PACKAGES[*]}"
fi

[ "$dry_run" -eq 1 ] && exit 0
if ! command -v node >/dev/null; then echo "bubo: Node.js 20 or newer is required and was not found" >&2; exit 1; fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then echo "bubo: Node.js 20 or newer is required (found $(node --version); Debian 12's nodejs is 18: see docs/cluster.md)" >&2; exit 1; fi
[ "$packages_only" -eq 1 ] && exit 0

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
