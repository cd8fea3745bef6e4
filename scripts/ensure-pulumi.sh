#!/usr/bin/env bash
# Makes a working Pulumi CLI, the Node.js language host and the dynamic-provider launcher available,
# and prints their bin directory as the last line of output.
#
# Order: binaries already on PATH (if recent enough) → the cache (~/.cache/pulumi-coiote/pulumi-vX/bin)
# → a build from the Go module proxy, which is the only route on machines without internet access.
# Progress goes to stderr so callers can take the last stdout line as the answer.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[ensure-pulumi] %s\n' "$*" >&2; }
die() {
  printf '[ensure-pulumi] ERROR: %s\n' "$1" >&2
  printf '[ensure-pulumi] To install Pulumi normally instead: https://www.pulumi.com/docs/install/ (then put pulumi and pulumi-language-nodejs on PATH).\n' >&2
  exit 1
}

# The SDK we run against decides the engine version we want.
SDK_VERSION="$(cd "$ROOT" && node -p "require('@pulumi/pulumi/package.json').version" 2>/dev/null)" ||
  die "@pulumi/pulumi is not installed: run 'npm ci' in $ROOT first"
WANT="${PULUMI_CLI_VERSION:-$SDK_VERSION}"
LAUNCHER_SRC="$(dirname "$(cd "$ROOT" && node -p "require.resolve('@pulumi/pulumi/package.json')")")/pulumi-resource-pulumi-nodejs"
CACHE_ROOT="${PULUMI_COIOTE_CACHE:-$HOME/.cache/pulumi-coiote}"

version_of() { PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -1 | sed 's/^v//'; }
# "recent enough" = same major, and at least the minor the SDK was built for minus 20 releases.
recent_enough() {
  local have="$1" want="$2"
  local hmaj hmin wmaj wmin
  IFS=. read -r hmaj hmin _ <<<"$have"; IFS=. read -r wmaj wmin _ <<<"$want"
  [[ "$hmaj" == "$wmaj" && "$hmin" =~ ^[0-9]+$ && "$hmin" -ge $((wmin - 20)) ]]
}
install_launcher() { # the launcher is a sh script shipped inside @pulumi/pulumi; copy, never commit it
  cp "$LAUNCHER_SRC" "$1/pulumi-resource-pulumi-nodejs" && chmod +x "$1/pulumi-resource-pulumi-nodejs"
}

# 1. Binaries already on PATH.
if [[ -z "${PULUMI_COIOTE_FORCE_BUILD:-}" ]] && command -v pulumi >/dev/null && command -v pulumi-language-nodejs >/dev/null; then
  PATH_BIN="$(dirname "$(command -v pulumi)")"
  HAVE="$(version_of "$(command -v pulumi)")"
  if [[ "$(dirname "$(command -v pulumi-language-nodejs)")" == "$PATH_BIN" ]] && recent_enough "$HAVE" "$WANT"; then
    if [[ -x "$PATH_BIN/pulumi-resource-pulumi-nodejs" ]]; then
      log "using Pulumi v$HAVE from PATH"
      echo "$PATH_BIN"
      exit 0
    fi
  fi
  log "Pulumi on PATH (v$HAVE) is not usable here (too old, or its language host lives elsewhere); using the cache"
fi

# 2. The cache.
find_cached() {
  local dir
  for dir in "$CACHE_ROOT"/pulumi-v*/bin; do
    [[ -x "$dir/pulumi" && -x "$dir/pulumi-language-nodejs" && -f "$dir/.complete" ]] || continue
    recent_enough "$(version_of "$dir/pulumi")" "$WANT" && { echo "$dir"; return 0; }
  done
  return 1
}
if CACHED="$(find_cached)"; then
  install_launcher "$CACHED"
  log "using cached Pulumi $(version_of "$CACHED/pulumi") in $CACHED"
  echo "$CACHED"
  exit 0
fi

# 3. Build from the Go module proxy.
command -v go >/dev/null || die "no Pulumi CLI found and Go is not installed, so it cannot be built from the Go module proxy"
export GOWORK=off CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

module_dir() { # prints the module's directory in the module cache, or nothing if the proxy refuses it
  go mod download -json "$1" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);process.stdout.write(j.Dir||"")}catch{}})'
}

# The proxy here is a mirror that serves some versions only: take the wanted version, or the closest
# older release it has.
log "looking for github.com/pulumi/pulumi/pkg/v3 near v$WANT on the Go module proxy ($(go env GOPROXY))"
IFS=. read -r WMAJ WMIN WPATCH <<<"$WANT"
V=""
for ((minor = WMIN; minor >= WMIN - 30 && minor >= 0; minor--)); do
  for cand in "$WMAJ.$minor.${WPATCH}" "$WMAJ.$minor.0"; do
    if [[ $minor -ne $WMIN && "$cand" == "$WMAJ.$minor.$WPATCH" && "$WPATCH" != 0 ]]; then continue; fi
    if [[ -n "$(module_dir "github.com/pulumi/pulumi/pkg/v3@v$cand")" && -n "$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$cand")" ]]; then
      V="$cand"; break 2
    fi
  done
done
[[ -n "$V" ]] || die "the Go module proxy ($(go env GOPROXY)) serves no github.com/pulumi/pulumi/pkg/v3 release between v$WMAJ.$((WMIN - 30)).0 and v$WANT (no network to the proxy?)"
[[ "$V" == "$WANT" ]] || log "the proxy does not serve v$WANT; building v$V, the closest release it has"

PREFIX="$CACHE_ROOT/pulumi-v$V"
BIN="$PREFIX/bin"
WORK="$PREFIX/build"
mkdir -p "$BIN" "$WORK/cli" "$WORK/langhost"
START=$SECONDS

# 3a. The CLI. `go install …/cmd/pulumi@vX` refuses modules with replace directives, so build it from a
# throwaway main module of our own, where pkg's `replace sdk/v3 => ../sdk` becomes a plain requirement.
if [[ ! -x "$BIN/pulumi" || "$(version_of "$BIN/pulumi")" != "$V" ]]; then
  log "building the Pulumi CLI v$V from the Go module proxy (first run only; about 10-20 minutes on 2 cores)"
  PKG_DIR="$(module_dir "github.com/pulumi/pulumi/pkg/v3@v$V")"
  UNEXPECTED="$(go mod edit -json "$PKG_DIR/go.mod" | node -e '
    const m=JSON.parse(require("fs").readFileSync(0,"utf8"));
    for (const r of m.Replace||[]) if (r.New.Path.startsWith(".") && r.Old.Path!=="github.com/pulumi/pulumi/sdk/v3") console.log(r.Old.Path+" => "+r.New.Path)')"
  [[ -z "$UNEXPECTED" ]] || die "pkg/v3@v$V has local replace directives this script does not know: $UNEXPECTED"
  # A dependency's non-local replaces are ignored by Go, so copy them into our main module.
  EXTRA_REPLACES="$(go mod edit -json "$PKG_DIR/go.mod" | node -e '
    const m=JSON.parse(require("fs").readFileSync(0,"utf8"));
    for (const r of m.Replace||[]) if (!r.New.Path.startsWith(".")) console.log("replace "+r.Old.Path+" => "+r.New.Path+" "+r.New.Version)')"
  GO_LINE="$(go mod edit -json "$PKG_DIR/go.mod" | node -p 'JSON.parse(require("fs").readFileSync(0,"utf8")).Go')"
  (
    cd "$WORK/cli"
    printf 'module local/pulumi-cli-build\n\ngo %s\n\n%s\n' "$GO_LINE" "$EXTRA_REPLACES" >go.mod
    rm -f go.sum
    log "resolving modules (go get)"
    go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$V" "github.com/pulumi/pulumi/sdk/v3@v$V" >&2
    log "compiling pulumi"
    go build -trimpath -tags osusergo,grpcnotrace -o "$BIN/" \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$V" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  ) || die "building the Pulumi CLI v$V failed (see the Go output above)"
fi

# 3b. The Node.js language host. Since v3.69 it is a nested module (sdk/nodejs/cmd/pulumi-language-nodejs/v3)
# with no tags; the right build is its pseudo-version at the pkg/vX tag commit. Mirrors that refuse
# pseudo-versions leave one published option: the last sdk/v3 release that still carried the host as
# a package (v3.68.0). It speaks the same LanguageRuntime gRPC protocol: the CLI passes only the engine
# address on the command line and the program's directory and entry point in RunRequest.
if [[ ! -x "$BIN/pulumi-language-nodejs" ]]; then
  REV_INFO="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$V" | node -e '
    const fs=require("fs"); const j=JSON.parse(fs.readFileSync(0,"utf8"));
    const info=JSON.parse(fs.readFileSync(j.Info,"utf8"));
    const t=new Date(info.Time).toISOString().replace(/[-:T]/g,"").slice(0,14);
    process.stdout.write("v3.0.0-"+t+"-"+(info.Origin?.Hash??j.Origin?.Hash??"").slice(0,12))')"
  LH_MOD="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
  (
    cd "$WORK/langhost"
    rm -f go.mod go.sum
    if [[ -n "$(module_dir "$LH_MOD@$REV_INFO")" ]]; then
      log "building pulumi-language-nodejs at $REV_INFO (the pkg/v$V tag commit)"
      printf 'module local/pulumi-langhost-build\n\ngo 1.25\n\nreplace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e\n' >go.mod
      go get "$LH_MOD@$REV_INFO" "github.com/pulumi/pulumi/pkg/v3@v$V" "github.com/pulumi/pulumi/sdk/v3@v$V" >&2
      go build -trimpath -tags osusergo,grpcnotrace -o "$BIN/pulumi-language-nodejs" \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$V" "$LH_MOD" >&2
    else
      LH_SDK="${PULUMI_LANGHOST_SDK_VERSION:-3.68.0}"
      log "the proxy does not serve $LH_MOD@$REV_INFO; building the language host from sdk/v3@v$LH_SDK, the last release that contains it"
      printf 'module local/pulumi-langhost-build\n\ngo 1.20\n' >go.mod
      go get "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@v$LH_SDK" >&2
      go build -trimpath -tags osusergo,grpcnotrace -o "$BIN/pulumi-language-nodejs" \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LH_SDK" \
        github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs >&2
    fi
  ) || die "building pulumi-language-nodejs failed (see the Go output above)"
fi

install_launcher "$BIN"
GOT="$(version_of "$BIN/pulumi")"
[[ "$GOT" == "$V" ]] || die "the built pulumi reports version '$GOT', expected $V"
touch "$BIN/.complete"
log "built Pulumi v$V in $((SECONDS - START))s into $BIN ($(du -sh "$BIN" | cut -f1) of binaries)"
echo "$BIN"
