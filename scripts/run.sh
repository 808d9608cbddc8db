#!/usr/bin/env bash
# Set everything up (idempotent) and run the main job on the embedded default. Extra arguments go to `tsp run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node bin/tsp.js run "$@"
