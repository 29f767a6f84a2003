#!/usr/bin/env bash
# Installs bubo on a Debian 12 machine, as a systemd service: the control plane or a host agent.
#
#   deploy/install.sh server [--tls-listen ADDR:PORT] [--server-args "..."]
#   deploy/install.sh agent  --server URL --join TOKEN --ca-fingerprint FP [--lb] [--agent-args "..."]
#   common options:          [--from DIR|TARBALL] [--prefix DIR] [--dry-run]
#
# Steps, each skipped when already done (running it again changes nothing; with a new release it
# upgrades, and `systemctl restart bubo-agent` keeps the instances running):
#   1. the Debian packages of the role (scripts/debian-packages.txt through scripts/ensure-deps.sh)
#   2. the release in /opt/bubo/releases/<id>, /opt/bubo/current pointing at it, /usr/local/bin/bubo
#   3. the unit /usr/local/lib/systemd/system/bubo-<role>.service
#   4. the settings /etc/bubo/<role>.env (0600): values given here replace those of an earlier
#      install, the others are kept
#   5. systemctl daemon-reload, enable --now (restart when something changed), when systemd runs
#
# --from     a release tarball or directory (deploy/build-release.sh) or a checkout (built here
#            if it is not yet: npm ci, npm run build). Default: the checkout this script is in.
# --join     the token of `bubo host join-token create --group G --json` (or env BUBO_JOIN_TOKEN,
#            which keeps it out of `ps` and the shell history); --ca-fingerprint its ca_fingerprint.
# --lb       this agent's token has the lb role: install NGINX too (and keep Debian's own nginx
#            service, which would hold port 80, disabled).
# --prefix   install under DIR as if it were / (paths inside files stay those of the real root):
#            no Debian packages, no systemctl, nothing written outside DIR.
# --dry-run  print every step and write nothing.
set -euo pipefail

say() { echo "bubo install: $*"; }
die() { echo "bubo install: $*" >&2; exit 1; }
usage() { sed -n '3,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

role="" server_url="" join_token="${BUBO_JOIN_TOKEN:-}" ca_fp="" from="" prefix="" dry_run=0 lb=0
tls_listen="" extra_args="" extra_args_set=0
[ "$#" -gt 0 ] || usage
case "$1" in server | agent) role=$1 ;; -h | --help) usage ;; *) die "first argument: server or agent, not \"$1\"" ;; esac
shift
while [ "$#" -gt 0 ]; do
  case "$1" in
    --server | --join | --ca-fingerprint | --from | --prefix | --tls-listen | --agent-args | --server-args)
      [ "$#" -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --server) server_url=$2 ;;
        --join) join_token=$2 ;;
        --ca-fingerprint) ca_fp=$2 ;;
        --from) from=$2 ;;
        --prefix) prefix=$2 ;;
        --tls-listen) tls_listen=$2 ;;
        --agent-args | --server-args)
          [ "$1" = "--$role-args" ] || die "$1 is for install.sh ${1:2:6}, not $role"
          extra_args=$2 extra_args_set=1 ;;
      esac
      shift 2 ;;
    --lb) lb=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage ;;
    *) die "unknown option \"$1\"" ;;
  esac
done
if [ "$role" = server ] && { [ -n "$server_url" ] || [ -n "$ca_fp" ] || [ "$lb" -eq 1 ]; }; then die "--server, --ca-fingerprint and --lb are agent options"; fi
if [ "$role" = agent ] && [ -n "$tls_listen" ]; then die "--tls-listen is a server option"; fi

# Values end up in a systemd environment file: one line each, no quotes or expansions.
check_value() { # name value pattern what
  [ -z "$2" ] || [[ "$2" =~ ^$3$ ]] || die "$1 \"$2\" is not $4"
}
check_value --server "$server_url" 'https://[][A-Za-z0-9.:_-]+(/[A-Za-z0-9._/-]*)?' 'an https:// URL, e.g. https://bubo-server.example.net:7443'
check_value --join "$join_token" '[A-Za-z0-9._~+/=:-]+' 'a join token (letters, digits and ._~+/=:-)'
check_value --ca-fingerprint "$ca_fp" '[A-Za-z0-9:_=+/-]+' 'a fingerprint (as printed with the token)'
check_value --tls-listen "$tls_listen" '[][A-Za-z0-9.:_-]+:[0-9]+' 'ADDRESS:PORT, e.g. 0.0.0.0:7443'
check_value "--$role-args" "$extra_args" '[A-Za-z0-9 ._:/=,@+-]*' 'a list of bubo flags (letters, digits, spaces and ._:/=,@+-)'

if [ -n "$prefix" ]; then
  prefix=$(realpath -m "$prefix")
  [ "$prefix" != / ] || prefix=""
fi
P=$prefix
[ "$(id -u)" -eq 0 ] || [ -n "$P" ] || [ "$dry_run" -eq 1 ] || die "run as root (or pass --prefix DIR, or --dry-run)"
here=$(cd "$(dirname "$0")/.." && pwd)
from=${from:-$here}
[ -e "$from" ] || die "--from $from: no such file or directory"
from=$(realpath "$from")

# The settings: the values given now, else those of the last install. Checked before anything is written.
env_file=$P/etc/bubo/$role.env
existing() { if [ -f "$env_file" ]; then sed -n "s/^$1=//p" "$env_file" | tail -n 1; fi; }
if [ "$role" = agent ]; then
  server_url=${server_url:-$(existing BUBO_SERVER)}
  join_token=${join_token:-$(existing BUBO_JOIN_TOKEN)}
  ca_fp=${ca_fp:-$(existing BUBO_CA_FINGERPRINT)}
  [ -n "$server_url" ] || die "agent: --server URL is required (the server's TLS address, e.g. https://bubo-server.example.net:7443)"
  [ -n "$join_token" ] || die "agent: --join TOKEN is required (bubo host join-token create --group GROUP on the server)"
  [ -n "$ca_fp" ] || die "agent: --ca-fingerprint FP is required (printed with the join token)"
  [ "$extra_args_set" -eq 1 ] || extra_args=$(existing BUBO_AGENT_ARGS)
  values=(BUBO_SERVER "$server_url" BUBO_JOIN_TOKEN "$join_token" BUBO_CA_FINGERPRINT "$ca_fp" BUBO_AGENT_ARGS "$extra_args")
else
  tls_listen=${tls_listen:-$(existing BUBO_TLS_LISTEN)}
  [ "$extra_args_set" -eq 1 ] || extra_args=$(existing BUBO_SERVER_ARGS)
  values=(BUBO_TLS_LISTEN "${tls_listen:-0.0.0.0:7443}" BUBO_SERVER_ARGS "$extra_args")
fi

# run CMD...: runs it, or with --dry-run prints it.
run() {
  if [ "$dry_run" -eq 1 ]; then say "would run: $*"; else "$@"; fi
}
changed=0
[ "$dry_run" -eq 0 ] || say "dry run: nothing is written"

# 1. Debian packages (not with --prefix: apt installs into the real root only).
pkg_roles=("$role")
[ "$lb" -eq 1 ] && pkg_roles+=(lb)
# A tarball is unpacked into a temporary directory first (with --dry-run too: nothing is installed
# from there, and it is removed at the end), so that its own package list is used.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -f "$from" ]; then
  if ! tar -xzf "$from" -C "$work" bubo 2>/dev/null || [ ! -f "$work/bubo/BUILD-INFO" ]; then
    die "$from is not a bubo release tarball (no bubo/BUILD-INFO; make one with deploy/build-release.sh)"
  fi
fi
ensure_deps=$from/scripts/ensure-deps.sh
[ -f "$from" ] && ensure_deps=$work/bubo/scripts/ensure-deps.sh
if [ -n "$P" ]; then
  say "1. Debian packages (${pkg_roles[*]}): skipped with --prefix; the target needs: $(awk -v roles=" ${pkg_roles[*]} " '!/^#/ && NF { for (i = 2; i <= NF; i++) if (index(roles, " " $i " ")) { printf "%s ", $1; break } }' "$(dirname "$ensure_deps")/debian-packages.txt")"
else
  say "1. Debian packages (${pkg_roles[*]})"
  dry_flag=()
  [ "$dry_run" -eq 1 ] && dry_flag=(--dry-run)
  "$ensure_deps" --packages "${pkg_roles[@]}" "${dry_flag[@]}"
fi

# 2. The release: a tarball or release directory as it is, a checkout staged by build-release.sh.
say "2. the release from $from"
if [ -f "$from" ]; then
  info=$(cat "$work/bubo/BUILD-INFO") tree=$work/bubo
elif [ -f "$from/BUILD-INFO" ]; then
  info=$(cat "$from/BUILD-INFO") tree=$from
else
  if [ ! -f "$from/package.json" ] || [ ! -d "$from/src" ]; then die "$from is neither a release (BUILD-INFO) nor a bubo checkout"; fi
  if [ ! -f "$from/dist/cli/main.js" ] || [ ! -d "$from/node_modules" ]; then
    say "the checkout is not built: compiling it (npm ci compiles better-sqlite3, about 90 s)"
    [ -z "$P" ] && run "$from/scripts/ensure-deps.sh" --packages build
    run npm --prefix "$from" ci --no-audit --no-fund --loglevel=error
    run npm --prefix "$from" run --silent build
  fi
  if [ "$dry_run" -eq 1 ]; then
    info="release=<id>" tree="<the staged release>"
    say "would stage a release from the checkout (deploy/build-release.sh --tree)"
  else
    "$from/deploy/build-release.sh" --tree "$work/bubo" >/dev/null
    info=$(cat "$work/bubo/BUILD-INFO") tree=$work/bubo
  fi
fi
field() { sed -n "s/^$1=//p" <<<"$info"; }
release=$(field release)
[ -n "$release" ] || die "the release has no id in its BUILD-INFO"
if command -v node >/dev/null; then
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$node_major" -ge 20 ] || die "Node.js 20 or newer is required (found $(node --version); Debian 12's nodejs is 18: see docs/cluster.md)"
  if [ -n "$(field modules)" ] && [ "$(field modules)" != "$(node -p process.versions.modules)" ]; then
    die "the release was built with Node.js $(field node) (ABI $(field modules)); this machine has $(node --version) (ABI $(node -p process.versions.modules)): install that Node.js major version, or build the release with this one"
  fi
  if [ -n "$(field arch)" ] && [ "$(field arch)" != "$(node -p process.arch)" ]; then die "the release is for $(field arch), this machine is $(node -p process.arch)"; fi
elif [ -z "$P" ] && [ "$dry_run" -eq 0 ]; then
  die "Node.js 20 or newer is required and was not found (see docs/cluster.md)"
fi
dest=$P/opt/bubo/releases/$release
if [ -f "$dest/BUILD-INFO" ]; then
  say "release $release already in /opt/bubo/releases/$release"
else
  say "release $release into /opt/bubo/releases/$release"
  run mkdir -p "$P/opt/bubo/releases"
  run rm -rf "$dest.tmp"
  run cp -a "$tree" "$dest.tmp"
  run mv "$dest.tmp" "$dest"
  changed=1
fi
previous=$(readlink "$P/opt/bubo/current" 2>/dev/null || true)
if [ "$previous" = "releases/$release" ]; then
  say "/opt/bubo/current is release $release"
else
  say "/opt/bubo/current -> releases/$release${previous:+ (was $previous)}"
  run ln -sfn "releases/$release" "$P/opt/bubo/current.tmp"
  run mv -T "$P/opt/bubo/current.tmp" "$P/opt/bubo/current"
  changed=1
fi
# Keep the previous release (to go back by hand: ln -sfn releases/ID /opt/bubo/current), drop older ones.
for old in "$P"/opt/bubo/releases/*; do
  [ -d "$old" ] || continue
  name=releases/$(basename "$old")
  [ "$name" = "releases/$release" ] || [ "$name" = "$previous" ] || { say "removing old release $name"; run rm -rf "$old"; }
done
if [ "$(readlink "$P/usr/local/bin/bubo" 2>/dev/null)" = /opt/bubo/current/bin/bubo.js ]; then
  say "/usr/local/bin/bubo is linked"
else
  say "/usr/local/bin/bubo -> /opt/bubo/current/bin/bubo.js"
  run mkdir -p "$P/usr/local/bin"
  run ln -sfn /opt/bubo/current/bin/bubo.js "$P/usr/local/bin/bubo"
fi

# 3. The unit.
unit=bubo-$role.service
unit_dir=$P/usr/local/lib/systemd/system
unit_src=$tree/deploy/systemd/$unit
[ "$dry_run" -eq 1 ] && [ ! -f "$unit_src" ] && unit_src=$here/deploy/systemd/$unit
env_example=${unit_src%/*}/$role.env.example
if [ -f "$unit_dir/$unit" ] && cmp -s "$unit_src" "$unit_dir/$unit"; then
  say "3. /usr/local/lib/systemd/system/$unit is up to date"
else
  say "3. /usr/local/lib/systemd/system/$unit"
  run mkdir -p "$unit_dir"
  run install -m 0644 "$unit_src" "$unit_dir/$unit"
  changed=1
fi

# 4. The environment file: the example, with the values worked out at the start.
assignments=""
for ((i = 0; i < ${#values[@]}; i += 2)); do assignments+="${values[i]}=${values[i + 1]}"$'\n'; done
# awk reads the assignments from a file descriptor, not -v (no escape processing, not in `ps`).
env_text=$(awk 'NR == FNR { at = index($0, "="); v[substr($0, 1, at - 1)] = substr($0, at + 1); next }
  { at = index($0, "="); k = substr($0, 1, at - 1) }
  at > 1 && $0 !~ /^#/ && (k in v) { print k "=" v[k]; next } { print }' <(printf '%s' "$assignments") "$env_example")
if [ -f "$env_file" ] && [ "$(cat "$env_file")" = "$env_text" ]; then
  say "4. /etc/bubo/$role.env is up to date"
else
  say "4. /etc/bubo/$role.env (mode 0600)$([ "$role" = agent ] && echo ', with the join token')"
  if [ "$dry_run" -eq 1 ]; then
    sed 's/^\(BUBO_JOIN_TOKEN=\).\{1,\}/\1<the token>/; s/^/    /' <<<"$env_text" | grep -v '^    #' | grep -v '^ *$'
  else
    mkdir -p "$P/etc/bubo"
    (umask 077 && printf '%s\n' "$env_text" > "$env_file.tmp")
    mv "$env_file.tmp" "$env_file"
  fi
  changed=1
fi

# 5. systemd, when it runs this machine (not in containers or CI without it, not with --prefix).
pid1=$(cat /proc/1/comm 2>/dev/null || echo unknown)
steps=("systemctl daemon-reload")
[ "$role" = agent ] && [ "$lb" -eq 1 ] && steps+=("systemctl disable --now nginx.service")
if [ -z "$P" ] && [ -d /run/systemd/system ] && systemctl is-active --quiet "$unit" && [ "$changed" -eq 1 ]; then
  steps+=("systemctl enable $unit" "systemctl restart $unit")
else
  steps+=("systemctl enable --now $unit")
fi
if [ -n "$P" ] || [ ! -d /run/systemd/system ]; then
  say "5. systemd is not running this machine (PID 1 is $pid1)${P:+, or --prefix was given}; on the target run:"
  for s in "${steps[@]}"; do say "     $s"; done
else
  say "5. systemd"
  for s in "${steps[@]}"; do
    read -r -a argv <<<"$s"
    if [ "${argv[1]}" = disable ] && ! systemctl is-enabled --quiet nginx.service 2>/dev/null && ! systemctl is-active --quiet nginx.service; then continue; fi
    run "${argv[@]}"
  done
fi
if [ "$role" = agent ]; then
  say "done: bubo-agent joins with its token; check with: systemctl status bubo-agent; journalctl -u bubo-agent; bubo hosts (on the server)"
else
  say "done: the server listens on 127.0.0.1:7070 and ${tls_listen:-0.0.0.0:7443} (TLS); next: bubo host join-token create --group GROUP --json"
fi
