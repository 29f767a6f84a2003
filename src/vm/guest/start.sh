# Container launcher: `unshare -m -p -f --propagation private sh /bubo/start.sh <i>` runs this
# shell as PID 1 of a new PID namespace, in a new mount namespace. It stays there as the
# namespace's init (reaps orphans; its exit ends the namespace) and runs the container's program
# (PID 3: `mount` below is PID 2):
#   env -i <container env> nsenter -r<root> -w<root><workdir> -S uid -G gid -F -- <args>,
# i.e. chrooted into the overlay root, as the container's user, with the container's env only.
# The program is not PID 1, so a signal without a handler (SIGTERM to busybox httpd) stops it.
. /bubo/lib.sh
. "$CONFIG/c$1.sh"
R=/mnt/c/$1/root
# /proc is still the VM's, so /proc/self names a process by its pid outside the namespace.
read -r me _ < /proc/self/stat
echo "$me" > "$STATE/c$1.init"
mount -t proc proc "$R/proc" || exit 125
set -- "$1" /bin/busybox env -i
eval "set -- \"\$@\" $C_ENV"
set -- "$@" /bin/busybox nsenter "-r$R" "-w$R$C_WORKDIR" -S "$C_UID" -G "$C_GID" -F --
eval "set -- \"\$@\" $C_ARGS"
i=$1
shift
# In the foreground, not with `&`: a background job would start with SIGINT and SIGQUIT ignored.
(
  # The program's outside pid: what stop signals and what exec enters (nsenter -t).
  read -r pid _ < /proc/self/stat
  echo "$pid" > "$STATE/c$i.pid"
  # Written before this check, so a shutdown either sees the pid or is seen here.
  [ -e "$STATE/stopping" ] && exit 143
  exec "$@"
)
