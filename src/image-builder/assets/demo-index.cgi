#!/bin/sh
# CGI of the demo web app: increments the counter "hits" in Redis and shows it.
# Speaks RESP through nc: "AUTH <password>" when $REDIS_PASSWORD is set (a bubo secret), then
# "INCR hits" and "QUIT", so Redis closes the connection and nc exits. printf is a shell builtin:
# the password reaches nc through the pipe, never a command line.
# Redis is at $REDIS_HOST:$REDIS_PORT (default redis.default.bubo.internal:6379). nc's errors go
# to httpd's log; no /dev/null needed, so the script also runs in a bare chroot.
redis_host="${REDIS_HOST:-redis.default.bubo.internal}"
redis_port="${REDIS_PORT:-6379}"
instance="${HOSTNAME:-$(hostname)}"
replies=$( {
    if [ -n "${REDIS_PASSWORD:-}" ]; then
      printf '*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n' "${#REDIS_PASSWORD}" "$REDIS_PASSWORD"
    fi
    printf '*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n*1\r\n$4\r\nQUIT\r\n'
  } | timeout 3 nc -w 2 "$redis_host" "$redis_port" | tr -d '\r')
count=$(printf '%s\n' "$replies" | sed -n 's/^:\([0-9][0-9]*\)$/\1/p' | head -n 1)
if [ -n "$count" ]; then
  printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
  printf '<!doctype html>\n<title>bubo demo</title>\n'
  printf '<p>Hello from bubo — this page was viewed %s times (instance %s)</p>\n' "$count" "$instance"
else
  case "$replies" in
    *NOAUTH*|*WRONGPASS*) why='Redis refused the password (the secret REDIS_PASSWORD)' ;;
    *) why='no answer from Redis' ;;
  esac
  printf 'Status: 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
  printf 'Cannot count this view: %s at %s:%s (instance %s)\n' "$why" "$redis_host" "$redis_port" "$instance"
fi
