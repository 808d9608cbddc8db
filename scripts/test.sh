#!/usr/bin/env bash
# Set everything up (idempotent) and run the test suite. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
npx --no-install tsc --noEmit
npx --no-install biome check src test bench
npx --no-install vitest run "$@"
