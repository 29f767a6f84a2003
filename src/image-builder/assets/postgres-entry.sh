#!/bin/sh
# Entrypoint of the postgres image. Arguments go to the server (`args = ["-c", "work_mem=8MB"]`).
#
# First start: creates the cluster in $PGDATA (a directory inside the volume, so the volume's own
# root and lost+found stay out of it), superuser `postgres` with the password from
# $POSTGRES_PASSWORD_FILE (a secret file) or $POSTGRES_PASSWORD, scram-sha-256 over TCP, trust on
# the local socket (only processes inside the instance reach it: health checks, `pg_dump`). initdb
# runs into a sibling directory renamed into place when complete, so a start killed half-way
# leaves nothing that looks like a cluster.
#
# Stop: SIGTERM becomes SIGINT, PostgreSQL's fast shutdown (sessions end, a checkpoint is written,
# the server exits), well inside a stop timeout; its own SIGTERM would wait for every client.
set -eu
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
export PGDATA

# busybox su: `-c CMD -- USER ARG0 ARGS...`; the `--` keeps the program's own options from su.
as_postgres() { su -s /bin/sh -c 'exec "$@"' -- postgres postgres "$@"; }

parent=$(dirname "$PGDATA")
mkdir -p "$parent"
chown postgres:postgres /var/run/postgresql || true

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -e "$PGDATA" ] && [ -n "$(ls -A "$PGDATA")" ]; then
    echo "postgres-entry: $PGDATA is not empty but holds no cluster (no PG_VERSION); refusing to initialise over it" >&2
    exit 1
  fi
  password=/tmp/.pg-password
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    cp "$POSTGRES_PASSWORD_FILE" "$password"
  elif [ -n "${POSTGRES_PASSWORD:-}" ]; then
    printf '%s\n' "$POSTGRES_PASSWORD" > "$password"
  else
    echo "postgres-entry: no password for the new cluster: set POSTGRES_PASSWORD_FILE (a secret file) or POSTGRES_PASSWORD" >&2
    exit 1
  fi
  chown postgres "$password"
  chmod 600 "$password"
  staging="$PGDATA.initdb"
  rm -rf "$staging"
  mkdir -p "$staging"
  chown postgres:postgres "$staging"
  chmod 700 "$staging"
  echo "postgres-entry: creating the cluster in $PGDATA"
  as_postgres initdb --pgdata="$staging" --username=postgres --pwfile="$password" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >/tmp/initdb.log 2>&1 \
    || { cat /tmp/initdb.log >&2; rm -f "$password"; exit 1; }
  rm -f "$password"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$staging/pg_hba.conf"
  rmdir "$PGDATA" 2>/dev/null || true
  mv "$staging" "$PGDATA"
fi

chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"

# su itself in the background, not a function: $! must be the server (su and sh -c exec into it).
su -s /bin/sh -c 'exec "$@"' -- postgres postgres postgres -D "$PGDATA" -c listen_addresses='*' -c jit=off "$@" &
pid=$!
trap 'signalled=1; kill -INT "$pid"' TERM INT
# `wait` returns early when a trapped signal arrives; wait again until the server has exited.
# (No /dev/null or /proc here: the script also runs in a bare chroot.)
while :; do
  signalled=0
  wait "$pid" && status=0 || status=$?
  [ "$signalled" = 1 ] || break
done
exit "$status"
