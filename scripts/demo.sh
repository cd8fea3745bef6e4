#!/usr/bin/env bash
# The main job: the full pipeline demo (see demo/run.ts). `npm run demo` runs set-up first (predemo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec npx ts-node --transpile-only demo/run.ts "$@"
