#!/usr/bin/env bash
# Scheduled: does DM still match the code? Reads every handler from DM (refresh, without saving it), then
# previews what `up` would do; exits non-zero with the diff when someone changed a handler outside Git
# (in DM's UI, through the API, or DM disabled it after failed deliveries). Run scripts/up.sh to repair.
set -euo pipefail
STACK="${STACK:?set STACK to the stack name, e.g. prod}"
if pulumi preview --stack "$STACK" --refresh --diff --expect-no-changes --non-interactive --color never; then
  echo "no drift: DM matches the code"
else
  echo "DRIFT: DM no longer matches the code (diff above); run scripts/up.sh to repair" >&2
  exit 1
fi
