#!/bin/sh
# Entrypoint of the rabbitmq image. Arguments go to the Erlang VM (after RabbitMQ's own).
#
# Everything RabbitMQ keeps is under $HOME (/var/lib/rabbitmq, the volume): the Mnesia database
# and message store in mnesia/, and the Erlang cookie, made once (mode 0400) so that the CLI tools
# (`rabbitmq-diagnostics ping`, the health check) and later instances share it.
#
# The node is always rabbit@localhost: Mnesia ties its data to the node name, and an instance's
# hostname changes with every new instance, so a name with the hostname would find an empty
# database after a redeploy.
#
# First start on an empty volume: user `bubo` (administrator, vhost /) with the password from
# $RABBITMQ_DEFAULT_PASS_FILE (a secret file) or $RABBITMQ_DEFAULT_PASS; RabbitMQ creates it only
# when the database is new (later changes: `rabbitmqctl change_password`). It is handed over in
# a config file under /tmp (0600), never on a command line. The `guest` user is not created.
#
# Stop: RabbitMQ's own script traps SIGTERM and stops the VM cleanly (queues are closed and
# flushed), which takes a few seconds: give the task a stop_timeout.
set -eu
: "${HOME:=/var/lib/rabbitmq}"
: "${RABBITMQ_NODENAME:=rabbit@localhost}"
: "${RABBITMQ_MNESIA_BASE:=$HOME/mnesia}"
: "${RABBITMQ_DEFAULT_USER:=bubo}"
export HOME RABBITMQ_NODENAME RABBITMQ_MNESIA_BASE

mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE"
cookie="$HOME/.erlang.cookie"
if [ ! -s "$cookie" ]; then
  # 20 random upper-case letters, like Erlang's own; written aside and renamed into place.
  value=$(tr -dc '[:upper:]' < /dev/urandom | head -c 20)
  [ "${#value}" = 20 ] || { echo "rabbitmq-entry: could not read /dev/urandom for the Erlang cookie" >&2; exit 1; }
  umask 077
  printf '%s' "$value" > "$cookie.new"
  chmod 400 "$cookie.new"
  mv "$cookie.new" "$cookie"
  umask 022
fi

if [ -n "${RABBITMQ_DEFAULT_PASS_FILE:-}" ]; then
  password=$(cat "$RABBITMQ_DEFAULT_PASS_FILE")
elif [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then
  password=$RABBITMQ_DEFAULT_PASS
else
  echo "rabbitmq-entry: no password for user $RABBITMQ_DEFAULT_USER: set RABBITMQ_DEFAULT_PASS_FILE (a secret file) or RABBITMQ_DEFAULT_PASS" >&2
  exit 1
fi
# rabbitmq.conf values run to the end of the line: refuse what would not survive that.
case "$password" in *'
'*) echo "rabbitmq-entry: the password holds a line break" >&2; exit 1 ;; esac
unset RABBITMQ_DEFAULT_PASS
config=/tmp/rabbitmq.conf
umask 077
{
  printf 'default_user = %s\n' "$RABBITMQ_DEFAULT_USER"
  printf 'default_pass = %s\n' "$password"
  printf 'default_vhost = /\ndefault_user_tags.administrator = true\n'
  # Logs to the container's output; bubo keeps them (`bubo logs`).
  # RabbitMQ 3.10 sizes its memory high watermark (40%) from the machine's RAM; the container's
  # limit (the task's memory, cgroup v2 or v1) is what it really has. No limit: RabbitMQ decides.
  limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || true)
  ram=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo 2>/dev/null || true)
  case "$limit$ram" in
    '' | *[!0-9]*) ;;
    *) if [ "$limit" -lt "$ram" ]; then printf 'total_memory_available_override_value = %s\n' "$limit"; fi ;;
  esac
  printf 'log.console = true\nlog.console.level = info\nlog.console.use_colors = off\nlog.file = false\n'
} > "$config"
umask 022
unset password
export RABBITMQ_CONFIG_FILE="$config"

echo "rabbitmq-entry: node $RABBITMQ_NODENAME, data in $RABBITMQ_MNESIA_BASE"
# RabbitMQ's script runs the VM as its child and turns SIGTERM into a clean stop.
exec rabbitmq-server "$@"
