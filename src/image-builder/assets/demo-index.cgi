#!/bin/sh
# CGI of the demo web app: increments the counter "hits" in Redis and shows it.
# Speaks RESP through nc: "INCR hits" then "QUIT", so Redis closes the connection and nc exits.
# Redis is at $REDIS_HOST:$REDIS_PORT (default redis.default.bubo.internal:6379). nc's errors go
# to httpd's log; no /dev/null needed, so the script also runs in a bare chroot.
redis_host="${REDIS_HOST:-redis.default.bubo.internal}"
redis_port="${REDIS_PORT:-6379}"
instance="${HOSTNAME:-$(hostname)}"
reply=$(printf '*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n*1\r\n$4\r\nQUIT\r\n' \
  | timeout 3 nc -w 2 "$redis_host" "$redis_port" | head -n 1 | tr -d '\r')
case "$reply" in
  :[0-9]*)
    printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
    printf '<!doctype html>\n<title>bubo demo</title>\n'
    printf '<p>Hello from bubo — this page was viewed %s times (instance %s)</p>\n' "${reply#:}" "$instance"
    ;;
  *)
    printf 'Status: 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
    printf 'Cannot count this view: no answer from Redis at %s:%s (instance %s)\n' "$redis_host" "$redis_port" "$instance"
    ;;
esac
