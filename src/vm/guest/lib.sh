# Shared by the guest's shell scripts (sourced). Runs under the initramfs's static busybox.
# State lives in /run/bubo (tmpfs):
#   c<i>.pid      pid (as the VM sees it) of container i's program while it runs
#   c<i>.init     pid of the init of container i's PID namespace (SIGKILL there ends them all)
#   c<i>.rc       exit code of container i's last run
#   s<i>.done     exists once container i's supervisor is finished
#   stopping      exists once a shutdown was requested: nothing restarts any more
#   ctl.lock      held (mkdir) while a control-channel reply is written
# Config: /mnt/config/run.sh (instance) and /mnt/config/c<i>.sh (container i), written by the host.

STATE=/run/bubo
CONFIG=/mnt/config

log() { echo "[bubo-init] $*"; }

# Value of the kernel command line parameter $1 (`bubo.halt=reboot` → `reboot`), or nothing.
cmdline_value() {
  for w in $(cat /proc/cmdline); do
    case "$w" in "$1="*) printf '%s\n' "${w#*=}" ;; esac
  done
}

# Ends the VM: `poweroff -f` (QEMU exits), or `reboot -f` with `bubo.halt=reboot` (Firecracker
# exits only on a guest reboot, with `reboot=k`).
halt_vm() {
  # Volumes outlive the VM: remounted read-only, their journal is written back and the
  # filesystem left clean for the next mount (the host's, or the next instance's).
  for v in /mnt/vol/*; do
    [ -d "$v" ] && mount -o remount,ro "$v" 2>/dev/null
  done
  sync
  if [ "$(cmdline_value bubo.halt)" = reboot ]; then reboot -f; else poweroff -f; fi
}

# Path of $2 (absolute, as the container sees it) inside the root $1, every symlink followed
# inside the root (an absolute link target starts again at $1, `..` stops at it), like runc's
# securejoin: a Debian image's /var/run -> /run must land in the container's /run, not the VM's.
# Prints it relative to $1 ("/run/x"); fails after 40 links (a loop).
root_path() {
  rp_rest=${2#/}
  rp_out=
  rp_links=0
  while [ -n "$rp_rest" ]; do
    rp_part=${rp_rest%%/*}
    if [ "$rp_part" = "$rp_rest" ]; then rp_rest=; else rp_rest=${rp_rest#*/}; fi
    case "$rp_part" in
      '' | .) continue ;;
      ..) rp_out=${rp_out%/*}; continue ;;
    esac
    if [ -L "$1$rp_out/$rp_part" ]; then
      rp_links=$((rp_links + 1))
      [ "$rp_links" -le 40 ] || return 1
      rp_target=$(readlink "$1$rp_out/$rp_part")
      case "$rp_target" in /*) rp_out= ;; esac
      rp_rest=${rp_target#/}${rp_rest:+/$rp_rest}
    else
      rp_out=$rp_out/$rp_part
    fi
  done
  printf '%s\n' "${rp_out:-/}"
}

# Base64 of $1, one line; "-" for the empty string (an empty field would vanish when a line is split).
b64() {
  if [ -z "$1" ]; then echo -; else printf '%s' "$1" | base64 -w 0; echo; fi
}

# Decodes a field made by b64 (or by the host) back into its bytes on stdout.
unb64() {
  [ "$1" = - ] || printf '%s' "$1" | base64 -d
}

# Index of the container named $1 ("-" or "" = the first), or nothing.
container_index() {
  i=0
  while [ "$i" -lt "$BUBO_CONTAINERS" ]; do
    if [ -z "$1" ] || [ "$1" = - ]; then echo 0; return 0; fi
    n=$( . "$CONFIG/c$i.sh"; printf '%s' "$C_NAME")
    if [ "$n" = "$1" ]; then echo "$i"; return 0; fi
    i=$((i + 1))
  done
  return 1
}

# Stops container $1: its stop signal (SIGTERM unless the image says otherwise), then SIGKILL to
# its whole PID namespace after its stop timeout. Returns once it is gone.
stop_container() {
  . "$CONFIG/c$1.sh"
  pid=$(cat "$STATE/c$1.pid" 2>/dev/null) || return 0
  init=$(cat "$STATE/c$1.init" 2>/dev/null) || return 0
  kill -s "${C_STOP_SIGNAL:-TERM}" "$pid" 2>/dev/null
  waited=0
  while kill -0 "$init" 2>/dev/null; do
    if [ "$waited" -ge "$C_STOP_MS" ]; then
      log "container $C_NAME did not stop within $C_STOP_MS ms: SIGKILL"
      kill -KILL "$init" 2>/dev/null
      break
    fi
    usleep 50000
    waited=$((waited + 50))
  done
}

# Graceful shutdown: no more restarts, SIGTERM every container at once, each gets its stop
# timeout, then SIGKILL. PID 1 halts the VM once every supervisor has returned. $1 says why.
stop_all() {
  mkdir "$STATE/stopping" 2>/dev/null || return 0
  log "shutdown requested${1:+ ($1)}: stopping every container"
  # Its own counter: this runs as a trap in PID 1, between steps of loops that count with `i`.
  pids=
  stop_i=0
  while [ "$stop_i" -lt "${BUBO_CONTAINERS:-0}" ]; do
    stop_container "$stop_i" &
    pids="$pids $!"
    stop_i=$((stop_i + 1))
  done
  # shellcheck disable=SC2086
  wait $pids
}
