#!/usr/bin/env bash
# The main branch: make DM match the code. --refresh reads every handler from DM first, so a handler
# changed outside Git is put back too (a plain `up` compares the code with the last recorded state only).
# The CLI previews, then updates; a second run changes nothing. Two runs at once on one stack: the
# backend's lock refuses the second, which can simply be run again.
set -euo pipefail
STACK="${STACK:?set STACK to the stack name, e.g. prod}"
pulumi up --stack "$STACK" --refresh --yes --non-interactive --color never
