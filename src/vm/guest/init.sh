#!/bin/sh
# bubo guest init: PID 1 of a microVM for its whole life (no switch_root: containers are
# chrooted into overlay roots). See src/vm/README.md for the boot sequence and the disks.
export PATH=/bin
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/null >/dev/console 2>&1
. /bubo/lib.sh

# Prints the reason on the console (the host reads BUBO_GUEST_FAILED) and halts the VM.
fail() {
  echo "BUBO_GUEST_FAILED $*"
  halt_vm
  exit 1
}

# Device holding the ext4 label $1, waiting up to 5 s for it to appear.
find_label() {
  n=0
  while [ "$n" -lt 250 ]; do
    findfs "LABEL=$1" 2>/dev/null && return 0
    usleep 20000
    n=$((n + 1))
  done
  return 1
}

# Device of the virtio disk whose serial is $1 (volumes), waiting up to 5 s for it to appear.
find_serial() {
  n=0
  while [ "$n" -lt 250 ]; do
    for s in /sys/block/vd*/serial; do
      [ -r "$s" ] && [ "$(cat "$s")" = "$1" ] && { d=${s%/serial}; echo "/dev/${d##*/}"; return 0; }
    done
    usleep 20000
    n=$((n + 1))
  done
  return 1
}

# Volume disks, by serial (pairs in BUBO_VOLUMES: serial, path): mounted once at /mnt/vol/<i>,
# then bind-mounted into every container.
# shellcheck disable=SC2120 # the positional parameters come from BUBO_VOLUMES, not the caller
mount_volumes() {
  eval "set -- $BUBO_VOLUMES"
  v=0
  while [ "$#" -ge 2 ]; do
    mkdir -p "/mnt/vol/$v"
    dev=$(find_serial "$1") || fail "no disk for volume $v at $2 (virtio serial $1)"
    mount -t ext4 -o rw,noatime "$dev" "/mnt/vol/$v" || fail "cannot mount the disk of volume $v at $2 ($dev)"
    v=$((v + 1))
    shift 2
  done
}

# Every volume at its path in root $1 (container $2, for messages); before file secrets, so a
# secret file may sit inside a volume's path.
bind_volumes() {
  root=$1
  name=$2
  eval "set -- $BUBO_VOLUMES"
  v=0
  while [ "$#" -ge 2 ]; do
    dst=$(root_path "$root" "$2") || fail "container $name: volume path $2: too many symbolic links"
    [ -e "$root$dst" ] && [ ! -d "$root$dst" ] && fail "container $name: volume path $2 is a file in the image"
    mkdir -p "$root$dst" || fail "container $name: cannot create the mountpoint of volume path $2"
    mount --bind "/mnt/vol/$v" "$root$dst" && mount -o remount,bind,nosuid,nodev "$root$dst" || fail "container $name: cannot mount the volume at $2"
    v=$((v + 1))
    shift 2
  done
}

mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=755 run /run
mkdir -p "$STATE" /mnt/config /mnt/scratch
# Ctrl+Alt+Del (Firecracker's SendCtrlAltDel, QEMU's send-key) must become SIGINT to PID 1, the
# graceful stop below: the kernel's default (1) reboots at once, skipping the containers' stop.
echo 0 > /proc/sys/kernel/ctrl-alt-del
# Set early: a stop asked for during boot marks `stopping`, and nothing is started after it.
trap 'stop_all SIGTERM' TERM
trap 'stop_all Ctrl+Alt+Del' INT

# Modules, in the order the host resolved (none with a kernel that has the drivers built in).
bus=mmio
grep -q 'bubo.bus=pci' /proc/cmdline && bus=pci
if [ -s "/modules.$bus" ]; then
  while read -r m; do insmod "/lib/modules/$m" || log "insmod $m failed"; done < "/modules.$bus"
fi

# Disks are found by ext4 label, not by name: the order devices show up in is not promised.
dev=$(find_label bubo-config) || fail "no config disk (ext4 label bubo-config)"
mount -t ext4 -o ro "$dev" "$CONFIG" || fail "cannot mount the config disk $dev"
[ -f "$CONFIG/run.sh" ] || fail "the config disk has no run.sh"
. "$CONFIG/run.sh"
[ "$BUBO_RUN_VERSION" = 1 ] || fail "run config version $BUBO_RUN_VERSION is not supported by this guest (1)"
hostname "$BUBO_HOSTNAME"

dev=$(find_label bubo-scratch) || fail "no scratch disk (ext4 label bubo-scratch)"
mount -t ext4 -o rw,noatime "$dev" /mnt/scratch || fail "cannot mount the scratch disk $dev"
i=0
for label in $BUBO_IMAGE_LABELS; do
  mkdir -p "/mnt/img/$i"
  dev=$(find_label "$label") || fail "no image disk $i (ext4 label $label)"
  mount -t ext4 -o ro "$dev" "/mnt/img/$i" || fail "cannot mount image disk $i ($dev)"
  i=$((i + 1))
done
mount_volumes

ip link set lo up
if [ -n "$BUBO_ADDRESS" ]; then
  n=0
  while [ ! -e /sys/class/net/eth0 ] && [ "$n" -lt 250 ]; do usleep 20000; n=$((n + 1)); done
  ip link set eth0 mtu "$BUBO_MTU" up || fail "no network interface eth0"
  ip addr add "$BUBO_ADDRESS" dev eth0 || fail "cannot set address $BUBO_ADDRESS"
  [ -z "$BUBO_GATEWAY" ] || ip route add default via "$BUBO_GATEWAY" || fail "cannot add a route via $BUBO_GATEWAY"
  # The address may have been another instance's seconds ago: the host keeps a REACHABLE neighbour
  # entry with that instance's MAC for up to ~45 s and sends there (health checks time out; seen in
  # bench/boot). An unsolicited ARP makes it (and any neighbour) take our MAC now. In the background:
  # arping waits 1 s between its two packets.
  arping -q -U -c 2 -I eth0 "${BUBO_ADDRESS%/*}" > /dev/null 2>&1 &
fi

# One overlay root per container: image disk below, upper/work on the scratch disk.
prepare_root() (
  . "$CONFIG/c$1.sh"
  R=/mnt/c/$1/root
  U=/mnt/scratch/c$1
  mkdir -p "$R" "$U/upper" "$U/work"
  mount -t overlay overlay -o "lowerdir=/mnt/img/$C_IMAGE,upperdir=$U/upper,workdir=$U/work" "$R" || fail "container $C_NAME: cannot mount its overlay root"
  mkdir -p "$R/dev" "$R/proc" "$R/sys" "$R/etc" "$R$C_WORKDIR"
  mount --rbind /dev "$R/dev"
  mount -t sysfs -o ro sysfs "$R/sys"
  for f in resolv.conf hosts hostname; do
    # A symlink would be followed outside the root; the instance's own file replaces it.
    [ -L "$R/etc/$f" ] && rm -f "$R/etc/$f"
    [ -e "$R/etc/$f" ] || : > "$R/etc/$f"
    mount --bind "$CONFIG/$f" "$R/etc/$f"
  done
  bind_volumes "$R" "$C_NAME"
  # File secrets: the config disk's copies are root's (0600, read-only ext4), so each is copied to
  # a tmpfs (the VM's /run; a container sees only its own root), owned by the container's user,
  # 0400, and bind-mounted read-only at its path. The root is the container's writable overlay,
  # so a missing mountpoint (parent directories, an empty file) is created in its upper layer.
  S=/run/bubo-secrets/$1
  mkdir -p "$S"
  chmod 700 /run/bubo-secrets
  eval "set -- $C_SECRET_FILES"
  while [ "$#" -ge 2 ]; do
    dst=$(root_path "$R" "$2") || fail "container $C_NAME: secret file $2: too many symbolic links"
    cp "$CONFIG/$1" "$S/$1" && chown "$C_UID:$C_GID" "$S/$1" && chmod 0400 "$S/$1" || fail "container $C_NAME: cannot copy secret file $2"
    [ -d "$R$dst" ] && fail "container $C_NAME: secret file $2 is a directory in the image"
    mkdir -p "$R${dst%/*}" && { [ -e "$R$dst" ] || : > "$R$dst"; } || fail "container $C_NAME: cannot create the mountpoint of secret file $2"
    mount --bind "$S/$1" "$R$dst" && mount -o remount,bind,ro,nosuid,nodev,noexec "$R$dst" || fail "container $C_NAME: cannot mount secret file $2"
    shift 2
  done
)

i=0
while [ "$i" -lt "$BUBO_CONTAINERS" ]; do prepare_root "$i" || fail "cannot prepare container $i"; i=$((i + 1)); done
# Supervisors are not started with `&`: a shell without job control starts background jobs with
# SIGINT and SIGQUIT ignored, for good (ignored on entry, no later shell or exec can undo it), and
# every container below would inherit that, so an image whose stop signal is SIGQUIT (nginx) or
# SIGINT could only be killed. start-stop-daemon -b detaches from a foreground fork instead (-p
# names a pidfile that does not exist, so it never finds the supervisor "already running").
i=0
while [ "$i" -lt "$BUBO_CONTAINERS" ]; do
  start-stop-daemon -S -b -q -p "$STATE/s$i.none" -x /bin/sh -- /bubo/supervise.sh "$i"
  i=$((i + 1))
done
/bin/sh /bubo/ctl.sh &

# Ready once every container runs (or already ran: a quick job may be done by now).
i=0
n=0
while [ "$i" -lt "$BUBO_CONTAINERS" ] && [ "$n" -lt 3000 ]; do
  if [ -e "$STATE/c$i.pid" ] || [ -e "$STATE/c$i.rc" ]; then i=$((i + 1)); else usleep 10000; n=$((n + 1)); fi
done
echo BUBO_GUEST_READY

# Each supervisor marks itself done as it ends. Polled: they are not this shell's jobs. Traps run
# between two polls (within 100 ms); each foreground usleep also reaps the supervisors, which were
# re-parented to this PID 1.
done_i=0
while [ "$done_i" -lt "$BUBO_CONTAINERS" ]; do
  if [ -e "$STATE/s$done_i.done" ]; then done_i=$((done_i + 1)); else usleep 100000; fi
done
if [ "$(cmdline_value bubo.halt)" = reboot ]; then log "every container has exited: rebooting (bubo.halt=reboot)"; else log "every container has exited: powering off"; fi
halt_vm
