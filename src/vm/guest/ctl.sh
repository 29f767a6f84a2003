# Control agent: serves the host over the virtio-serial port named ctl0 (protocol in
# src/vm/README.md). One line per frame, fields separated by one space, every free-form field
# base64 ("-" when empty):
#   host → guest   <id> ping | <id> exec <timeoutMs> <container> <argv0> [<argv1> ...] | <id> shutdown
#                  | <id> freeze <volume> | <id> thaw <volume>
#   guest → host   <id> pong | <id> exit <code> <output> | <id> ok | <id> err <message>
. /bubo/lib.sh
. "$CONFIG/run.sh"
MAX_OUTPUT=65536

# Transport, from the kernel command line: `bubo.control=virtio-serial` (the default: QEMU) or
# `bubo.control=vsock:<port>` (Firecracker has no virtio-serial). A vsock listener needs a program
# that calls socket(AF_VSOCK): busybox has none (its nc, httpd, inetd know inet and unix sockets
# only) and a shell cannot open a socket, so until the kit ships one the channel is off and the
# host must do without exec (src/runtimes/firecracker/README.md).
transport=$(cmdline_value bubo.control)
case "${transport:-virtio-serial}" in
  virtio-serial) ;;
  vsock:*)
    log "control channel off: bubo.control=$transport needs an AF_VSOCK program in the initramfs (busybox has none)"
    exit 0
    ;;
  *)
    log "control channel off: unknown transport bubo.control=$transport"
    exit 0
    ;;
esac

port=
n=0
while [ -z "$port" ] && [ "$n" -lt 500 ]; do
  for f in /sys/class/virtio-ports/*/name; do
    [ -f "$f" ] && [ "$(cat "$f")" = ctl0 ] && port=/dev/$(basename "$(dirname "$f")")
  done
  [ -n "$port" ] || { usleep 20000; n=$((n + 1)); }
done
[ -n "$port" ] || { log "no virtio-serial port ctl0: the control channel is off"; exit 0; }
# A virtio port can be opened once: one read/write descriptor for the agent's whole life.
exec 3<>"$port"

# Writes one frame; replies from concurrent execs must not interleave.
reply() {
  until mkdir "$STATE/ctl.lock" 2>/dev/null; do usleep 2000; done
  printf '%s\n' "$1" >&3
  rmdir "$STATE/ctl.lock"
}

# exec <id> <timeoutMs> <container> <argv...>: runs argv in the container's namespaces and root,
# as its user, with its environment; replies with the exit code and the first 64 KiB of output.
do_exec() {
  id=$1
  timeout_ms=$2
  name=$(unb64 "$3")
  shift 3
  i=$(container_index "$name") || { reply "$id err $(b64 "no container named $name")"; return; }
  pid=$(cat "$STATE/c$i.pid" 2>/dev/null) || { reply "$id err $(b64 "container ${name:-0} is not running")"; return; }
  . "$CONFIG/c$i.sh"
  count=$#
  set -- "$@" /bin/busybox env -i
  eval "set -- \"\$@\" $C_ENV"
  set -- "$@" /bin/busybox nsenter -t "$pid" -m -p -r -w -S "$C_UID" -G "$C_GID" --
  # Rotate: take each base64 argument off the front, append it decoded.
  while [ "$count" -gt 0 ]; do
    v=$(unb64 "$1"; echo x)
    shift
    set -- "$@" "${v%x}"
    count=$((count - 1))
  done
  out=$STATE/exec.$id
  # Own session and process group, so a timeout kills nsenter and the child it forked.
  setsid "$@" < /dev/null > "$out" 2>&1 3>&- &
  cpid=$!
  waited=0
  while kill -0 "$cpid" 2>/dev/null && [ "$waited" -lt "$timeout_ms" ]; do usleep 20000; waited=$((waited + 20)); done
  if kill -0 "$cpid" 2>/dev/null; then
    kill -KILL "-$cpid" 2>/dev/null || kill -KILL "$cpid"
    wait "$cpid"
    echo "[bubo] timed out after $timeout_ms ms" >> "$out"
    rc=124
  else
    wait "$cpid"
    rc=$?
  fi
  data=$(head -c "$MAX_OUTPUT" "$out" | base64 -w 0)
  rm -f "$out"
  reply "$id exit $rc ${data:--}"
}

# freeze|thaw <id> <volume index>: fsfreeze of /mnt/vol/<i>, for a consistent copy of its disk on
# the host. A frozen filesystem blocks every writer, so a watchdog thaws it after 30 minutes if
# the host never does (an agent that died mid-copy must not hang the database for good).
do_freeze() {
  op=$1
  id=$2
  case "$3" in '' | *[!0-9]*) reply "$id err $(b64 "bad volume index $3")"; return ;; esac
  mnt=/mnt/vol/$3
  [ -d "$mnt" ] || { reply "$id err $(b64 "no volume $3 in this VM")"; return; }
  if [ "$op" = freeze ]; then
    if out=$(fsfreeze --freeze "$mnt" 2>&1); then
      (sleep 1800; fsfreeze --unfreeze "$mnt" 2>/dev/null && log "volume $3 thawed by the watchdog: the host never asked") &
      echo $! > "$STATE/freeze.$3"
      reply "$id ok"
    else
      reply "$id err $(b64 "fsfreeze --freeze $mnt: $out")"
    fi
  else
    [ -f "$STATE/freeze.$3" ] && { kill "$(cat "$STATE/freeze.$3")" 2>/dev/null; rm -f "$STATE/freeze.$3"; }
    # Thawing what is not frozen fails with EINVAL: the state asked for holds either way.
    fsfreeze --unfreeze "$mnt" 2>/dev/null
    reply "$id ok"
  fi
}

handle() {
  set -f
  # shellcheck disable=SC2086
  set -- $1
  set +f
  id=$1
  op=$2
  case "$id" in '' | *[!0-9]*) return ;; esac
  shift 2
  case "$op" in
    ping) reply "$id pong" ;;
    exec) do_exec "$id" "$@" & ;;
    freeze | thaw) do_freeze "$op" "$id" "$1" & ;;
    shutdown)
      reply "$id ok"
      stop_all "control channel" &
      ;;
    *) reply "$id err $(b64 "unknown request $op")" ;;
  esac
}

# While no host is connected, read returns EOF at once: poll (PLATFORM §1.6).
while :; do
  while IFS= read -r line <&3; do handle "$line"; done
  usleep 100000
done
