#!/usr/bin/env bash
# The main job. Until the full pipeline demo exists (issue 7), it runs the engine smoke stack: a real
# `pulumi up`, a preview that shows no changes, and `destroy`, against a local file backend.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$(bash "$ROOT/scripts/ensure-pulumi.sh" | tail -1)"
export PATH="$BIN:$PATH"
set -a
# shellcheck source=/dev/null
. "$ROOT/scripts/pulumi-offline.env"
set +a
STATE="$ROOT/.demo"
mkdir -p "$STATE/state"
export PULUMI_HOME="$STATE/home" PULUMI_BACKEND_URL="file://$STATE/state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-demo}"
cd "$ROOT/test/programs/smoke"
pulumi stack select --create demo --non-interactive >/dev/null
if [[ "${1:-}" == "--destroy" ]]; then
  pulumi destroy --yes --non-interactive
  pulumi stack rm --yes demo --non-interactive
  exit 0
fi
pulumi up --yes --skip-preview --non-interactive
pulumi preview --expect-no-changes --non-interactive
echo "The stack 'demo' is up. Look around with: PULUMI_BACKEND_URL=file://$STATE/state pulumi stack --show-urns"
echo "Tear it down with: npm run demo -- --destroy"
