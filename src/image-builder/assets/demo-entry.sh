#!/bin/sh
# Entrypoint of demo-web: serves /www in the foreground. "/" has no index.html, so busybox httpd
# runs /www/cgi-bin/index.cgi (a link to cgi-bin/index), which counts views in Redis.
exec httpd -f -p "${PORT:-80}" -h /www
