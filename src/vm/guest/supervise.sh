# Supervisor of container $1, started detached by init.sh (see there why not with `&`): runs the
# container until it is done for good (restart policy) or a shutdown stops it, then leaves
# $STATE/s$1.done. The container runs in the foreground so it starts with default signal
# dispositions, as under runc.
exec </dev/null >/dev/console 2>&1
export PATH=/bin
. /bubo/lib.sh
. "$CONFIG/c$1.sh"

# Output of the container to the console, one "[name] " prefix per line.
prefix_output() {
  while IFS= read -r line || [ -n "$line" ]; do printf '[%s] %s\n' "$C_NAME" "$line"; done < "$STATE/c$1.out"
}

supervise() {
  attempt=0
  mkfifo "$STATE/c$1.out"
  while :; do
    read -r t0 _ < /proc/uptime
    prefix_output "$1" &
    unshare -m -p -f --propagation private /bin/sh /bubo/start.sh "$1" > "$STATE/c$1.out" 2>&1
    rc=$?
    rm -f "$STATE/c$1.pid" "$STATE/c$1.init"
    echo "$rc" > "$STATE/c$1.rc"
    log "container $C_NAME exited rc=$rc"
    [ -e "$STATE/stopping" ] && return 0
    case "$C_RESTART" in
      never) return 0 ;;
      on-failure) [ "$rc" -eq 0 ] && return 0 ;;
    esac
    read -r t1 _ < /proc/uptime
    # Ran well for 10 s: the next failure restarts at once again; else back off 1, 2, 4 ... 30 s.
    [ $((${t1%.*} - ${t0%.*})) -ge 10 ] && attempt=0
    delay=$((1 << attempt))
    [ "$delay" -gt 30 ] && delay=30
    [ "$attempt" -lt 5 ] && attempt=$((attempt + 1))
    log "container $C_NAME restarts in ${delay}s (restart policy $C_RESTART)"
    n=$((delay * 10))
    while [ "$n" -gt 0 ] && [ ! -e "$STATE/stopping" ]; do usleep 100000; n=$((n - 1)); done
    [ -e "$STATE/stopping" ] && return 0
  done
}

supervise "$1"
# The reader ends at the end of the container's output; wait for its last lines before saying done.
wait
: > "$STATE/s$1.done"
