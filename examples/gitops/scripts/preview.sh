#!/usr/bin/env bash
# Pull requests: what merging would change, as a readable diff. Writes it to ${PREVIEW_FILE:-preview.txt}
# (the workflow attaches it to the pull request) and fails if the preview fails (bad input, no access).
set -euo pipefail
STACK="${STACK:?set STACK to the stack name, e.g. prod}"
pulumi preview --stack "$STACK" --diff --non-interactive --color never | tee "${PREVIEW_FILE:-preview.txt}"
