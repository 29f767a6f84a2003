#!/usr/bin/env bash
# Makes a release of bubo from a built checkout: what runs on a server, without the sources and
# the development packages. Either a directory or a tarball, for deploy/install.sh (--from) and the
# Ansible roles (bubo_release_tarball):
#
#   deploy/build-release.sh --tarball bubo.tar.gz     # the release as one file
#   deploy/build-release.sh --tree DIR                # the release unpacked into DIR (must not exist)
#
# A release holds bin/, dist/, package.json, the production npm packages (better-sqlite3 compiled
# for this Node.js: the release runs only on the same Node.js ABI and architecture), examples/,
# docs/, deploy/, scripts/ensure-deps.sh and scripts/debian-packages.txt, and BUILD-INFO:
#   release=<12 hex digits: a hash of every other file>  node=<version>  modules=<ABI>  arch=<arch>
# The same files give the same release id, so installing the same build twice changes nothing.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

usage() { echo "usage: deploy/build-release.sh --tarball FILE | --tree DIR" >&2; exit 2; }
[ "$#" -eq 2 ] || usage
case "$1" in --tarball | --tree) mode=${1#--} out=$2 ;; *) usage ;; esac

if [ ! -f "$src/dist/cli/main.js" ] || [ ! -d "$src/node_modules" ]; then
  echo "bubo: $src is not built: run scripts/ensure-deps.sh (or npm ci && npm run build) there first" >&2
  exit 1
fi
if [ "$mode" = tree ] && [ -e "$out" ]; then echo "bubo: build-release.sh: $out exists already" >&2; exit 1; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/bubo
mkdir -p "$tree/scripts" "$tree/node_modules"
cp -a "$src/bin" "$src/dist" "$src/examples" "$src/docs" "$src/deploy" "$src/package.json" "$src/package-lock.json" "$src/README.md" "$tree/"
cp -a "$src/scripts/ensure-deps.sh" "$src/scripts/debian-packages.txt" "$tree/scripts/"
# The production packages: each top-level package npm lists without --omit=dev's exclusions, with
# whatever is nested inside it (a production package's own dependencies are production ones).
(cd "$src" && npm ls --omit=dev --all --parseable 2>/dev/null) | sed -n "s|^$src/node_modules/||p" | grep -v '/node_modules/' | sort -u |
  while read -r package; do
    mkdir -p "$tree/node_modules/$(dirname "$package")"
    cp -a "$src/node_modules/$package" "$tree/node_modules/$package"
  done
# Build leftovers of the native module (object files, the SQLite sources): not needed to run.
rm -rf "$tree/node_modules/better-sqlite3/deps" "$tree/node_modules/better-sqlite3/src" "$tree/node_modules/better-sqlite3/build/Release/obj" "$tree/node_modules/better-sqlite3/build/Release/obj.target"

id=$(cd "$tree" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
printf 'release=%s\nnode=%s\nmodules=%s\narch=%s\n' "$id" "$(node --version)" "$(node -p process.versions.modules)" "$(node -p process.arch)" > "$tree/BUILD-INFO"

if [ "$mode" = tree ]; then
  mv "$tree" "$out"
  echo "bubo: release $id in $out"
else
  tar -C "$work" --owner=0 --group=0 --numeric-owner -czf "$out.tmp" bubo
  mv "$out.tmp" "$out"
  echo "bubo: release $id in $out"
fi
