#!/bin/sh
# Entrypoint of busybox-httpd: rewrites /www/index.html to name this image's version and the
# instance's hostname, then serves /www in the foreground. PORT is "80" by default; "8080" or
# "127.0.0.1:8080" also work (busybox httpd -p [IP:]PORT).
host="${HOSTNAME:-$(hostname)}"
printf '<!doctype html>\n<title>bubo test v%s</title>\n<h1>v%s</h1>\n<p>hostname %s</p>\n' \
  "$VERSION" "$VERSION" "$host" > /www/index.html \
  || echo "httpd-entry: cannot write /www/index.html (read-only root?); serving the built-in page" >&2
exec httpd -f -p "${PORT:-80}" -h /www
