#!/usr/bin/env bash
# Makes a real InfluxDB 2.x server binary (influxd) available for the tests and prints its path as the
# last line of stdout. Progress and build output go to stderr.
#
# Order: $INFLUXD_BIN if set → the cache (~/.cache/pulumi-coiote/influxd-<version>/bin/influxd) → a build
# from the Go module proxy. There is no prebuilt download on machines without internet access, so the build:
#   1. `go get` influxd in a throwaway wrapper module (`go install …@v2.x` refuses modules with replace
#      directives; influxd's own non-local replaces are copied into the wrapper);
#   2. builds libflux (the Rust part of the flux Go module) with cargo from crates.io, in a scratch copy
#      without flux's rust-toolchain.toml (it pins an old toolchain rustup cannot fetch offline) and with
#      lints capped, so newer rustc warnings cannot fail the build;
#   3. links libflux.a statically through a generated flux.pc (CGO_ENABLED=1, pkg-config).
# Versions: INFLUXD_VERSION (default: 2.9.1, falling back to 2.7.12 if 2.9.1 does not build).
# Cold build: see docs/servers.md for measured time and disk use.
set -euo pipefail

log() { printf '[ensure-influxd %4ss] %s\n' "$SECONDS" "$*" >&2; }
die() {
  printf '[ensure-influxd] ERROR: %s\n' "$1" >&2
  exit 1
}

if [[ -n "${INFLUXD_BIN:-}" ]]; then
  [[ -x "$INFLUXD_BIN" ]] || die "INFLUXD_BIN=$INFLUXD_BIN is not an executable file"
  log "using INFLUXD_BIN=$INFLUXD_BIN"
  echo "$INFLUXD_BIN"
  exit 0
fi

CACHE_ROOT="${PULUMI_COIOTE_CACHE:-$HOME/.cache/pulumi-coiote}"
if [[ -n "${INFLUXD_VERSION:-}" ]]; then
  VERSIONS=("${INFLUXD_VERSION#v}")
else
  VERSIONS=(2.9.1 2.7.12)
fi

# 1. The cache (any acceptable version, preferred first).
for v in "${VERSIONS[@]}"; do
  if [[ -x "$CACHE_ROOT/influxd-$v/bin/influxd" ]]; then
    log "using cached influxd $v"
    echo "$CACHE_ROOT/influxd-$v/bin/influxd"
    exit 0
  fi
done

# 2. Build. Check the tools first, so a missing one fails in seconds rather than after the Go download.
missing=()
command -v go >/dev/null || missing+=("go (Go toolchain, >= 1.23; https://go.dev/dl)")
command -v cargo >/dev/null || missing+=("cargo (Rust toolchain, stable; https://rustup.rs)")
command -v gcc >/dev/null || command -v cc >/dev/null || missing+=("a C compiler for cgo (apt-get install -y gcc)")
if ! command -v pkg-config >/dev/null && ! command -v pkgconf >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "pkg-config is missing; installing it with apt-get (pkgconf)"
    { apt-get install -y pkgconf >&2 || { apt-get update >&2 && apt-get install -y pkgconf >&2; }; } || true
    command -v pkg-config >/dev/null || command -v pkgconf >/dev/null ||
      missing+=("pkg-config (apt-get install -y pkgconf did not provide it; install pkgconf or pkg-config)")
  else
    missing+=("pkg-config (install it: apt-get install -y pkgconf, or your OS's pkgconf/pkg-config package)")
  fi
fi
if ((${#missing[@]})); then
  for m in "${missing[@]}"; do printf '[ensure-influxd] missing: %s\n' "$m" >&2; done
  die "cannot build influxd: the tools above are missing (set INFLUXD_BIN to use an existing influxd 2.x binary instead)"
fi
PKG_CONFIG_CMD="$(command -v pkg-config || command -v pkgconf)"

export GOWORK=off GOFLAGS="${GOFLAGS:--mod=mod}" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" CGO_ENABLED=1

build() { # build <version>: builds into $CACHE_ROOT/influxd-<version>/bin/influxd
  local V="$1"
  local PREFIX="$CACHE_ROOT/influxd-$V"
  local W="$PREFIX/build"
  local start=$SECONDS
  mkdir -p "$W/lib" "$W/pc" "$PREFIX/bin"
  cd "$W"

  log "[$V] resolving github.com/influxdata/influxdb/v2@v$V from the Go module proxy ($(go env GOPROXY))"
  local MODDIR
  MODDIR="$(go mod download -json "github.com/influxdata/influxdb/v2@v$V" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write(JSON.parse(s).Dir||"")})')" ||
    { log "[$V] the proxy does not serve influxdb v$V"; return 1; }
  # The wrapper module: influxd's own non-local replaces, copied (Go ignores a dependency's replaces).
  local REPLACES GO_LINE
  REPLACES="$(go mod edit -json "$MODDIR/go.mod" | node -e '
    const m=JSON.parse(require("fs").readFileSync(0,"utf8"));
    for (const r of m.Replace||[]) if (!r.New.Path.startsWith("."))
      console.log("replace "+r.Old.Path+(r.Old.Version?" "+r.Old.Version:"")+" => "+r.New.Path+" "+r.New.Version)')"
  GO_LINE="$(go mod edit -json "$MODDIR/go.mod" | node -p 'JSON.parse(require("fs").readFileSync(0,"utf8")).Go')"
  printf 'module local/influxd-build\n\ngo %s\n\n%s\n' "$GO_LINE" "$REPLACES" >go.mod
  rm -f go.sum
  log "[$V] go get (several hundred modules on a cold module cache)"
  go get "github.com/influxdata/influxdb/v2/cmd/influxd@v$V" >&2 || { log "[$V] go get failed"; return 1; }

  local FV FD
  FV="$(go list -m -f '{{.Version}}' github.com/influxdata/flux)"
  FD="$(go list -m -f '{{.Dir}}' github.com/influxdata/flux)"
  log "[$V] building libflux from flux $FV with cargo (crates.io; release build with LTO, several minutes)"
  if [[ ! -f "$W/flux/.version" || "$(cat "$W/flux/.version")" != "$FV" ]]; then
    rm -rf "$W/flux"
    cp -r "$FD" "$W/flux"
    chmod -R u+w "$W/flux"
    rm -f "$W/flux/rust-toolchain.toml" "$W/flux/rust-toolchain"
    echo "$FV" >"$W/flux/.version"
  fi
  (
    cd "$W/flux/libflux"
    # --cap-lints=warn: flux's `strict` feature denies all warnings, and today's rustc warns about more.
    RUSTFLAGS="${RUSTFLAGS:-} --cap-lints=warn" cargo build --release -p flux --no-default-features --features cffi >&2
  ) || { log "[$V] cargo build of libflux failed"; return 1; }
  [[ -f "$W/flux/libflux/target/release/libflux.a" ]] || { log "[$V] cargo produced no libflux.a"; return 1; }
  # Only the .a goes into lib/: with libflux.so beside it, -lflux would link dynamically.
  cp "$W/flux/libflux/target/release/libflux.a" "$W/lib/"
  printf 'Name: flux\nVersion: %s\nDescription: libflux (built locally)\nCflags: -I%s\nLibs: -L%s -lflux -ldl -lm -lpthread\n' \
    "${FV#v}" "$W/flux/libflux/include" "$W/lib" >"$W/pc/flux.pc"

  log "[$V] compiling influxd (cgo: sqlite and libflux)"
  PKG_CONFIG="$PKG_CONFIG_CMD" PKG_CONFIG_PATH="$W/pc" go build -trimpath \
    -tags sqlite_foreign_keys,sqlite_json \
    -ldflags "-s -w -X main.version=v$V -X main.commit=goproxy -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -o "$PREFIX/bin/influxd.tmp" github.com/influxdata/influxdb/v2/cmd/influxd >&2 ||
    { log "[$V] go build of influxd failed"; return 1; }
  mv "$PREFIX/bin/influxd.tmp" "$PREFIX/bin/influxd"
  log "[$V] built $PREFIX/bin/influxd in $((SECONDS - start)) s ($(du -sh "$PREFIX/bin/influxd" | cut -f1))"
  # The scratch folder (flux copy, cargo target dir, libflux.a: ~610 MB) is not needed any more. Go's module
  # and build caches stay where Go keeps them.
  [[ -n "${INFLUXD_KEEP_BUILD:-}" ]] || rm -rf "$W"
}

# One build at a time per cache (parallel test workers may all ask at once).
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.influxd.lock"
if command -v flock >/dev/null; then
  flock -n 9 || { log "another build holds $CACHE_ROOT/.influxd.lock; waiting for it"; flock 9; }
fi
for v in "${VERSIONS[@]}"; do # the other holder may have finished one
  [[ -x "$CACHE_ROOT/influxd-$v/bin/influxd" ]] && { echo "$CACHE_ROOT/influxd-$v/bin/influxd"; exit 0; }
done

log "no cached influxd: building it (first run only; about 12 minutes on 2 cores, measured)"
for v in "${VERSIONS[@]}"; do
  if (build "$v"); then
    echo "$CACHE_ROOT/influxd-$v/bin/influxd"
    exit 0
  fi
  log "building influxd $v failed"
done
die "could not build influxd ${VERSIONS[*]} (see the output above); set INFLUXD_BIN to an existing influxd 2.x binary to skip the build"
