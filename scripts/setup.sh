#!/usr/bin/env bash
# Idempotent set-up for TSP on a Debian machine with Node 20.
#   scripts/setup.sh            npm packages + the Debian packages the oracle needs
#   scripts/setup.sh --bench    also the packages the benchmarks compare against (PyTorch, OpenBLAS)
#   scripts/setup.sh --browser  also Chromium for the report's browser tests
# Each step says what it does; steps whose result is already present are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

want_bench=0; want_browser=0
for a in "$@"; do
  case "$a" in
    --bench) want_bench=1 ;;
    --browser) want_browser=1 ;;
    *) echo "setup: unknown option $a" >&2; exit 2 ;;
  esac
done

# Debian packages: sandbox, toolchains for the five languages, libraries the benchmarks link or
# import, the static analyzers TSP adapts, and OpenBLAS for the embedded model's native path.
APT_PKGS=(
  bubblewrap util-linux procps
  gcc g++ libc6-dev golang-go
  python3 python3-pytest python3-lxml python3-yaml python3-jwt python3-argon2
  python3-natsort python3-pycryptodome python3-flask
  libsqlite3-dev libjwt-dev libssl-dev libarchive-dev libxml2-dev pkg-config
  golang-github-golang-jwt-jwt-dev golang-golang-x-crypto-dev golang-github-mattn-go-sqlite3-dev
  golang-github-christrenkamp-goxpath-dev
  cppcheck flawfinder bandit
  libopenblas-pthread-dev
)
[ "$want_bench" = 1 ] && APT_PKGS+=(python3-torch)
[ "$want_browser" = 1 ] && APT_PKGS+=(chromium)

missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` honours package-lock.json; `npm ci` is not used because npm 11 reports the lock
  # file as out of sync when it lacks other platforms' optional packages (biome's binaries).
  echo "setup: installing npm packages (npm install, from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
else
  echo "setup: npm packages present"
fi
# The sandbox's launchers: the descriptor closer (every sandbox starts through it; without it a
# slower python3 launcher closes the same descriptors) and the file-mode supervisor (without it,
# tests that judge a file's modes fail), the JavaScript observer's guard (without it, JavaScript
# tests cannot be judged) and the randomness shim (without it, C/C++ tests that choose a program's
# system randomness cannot run). A failed build is reported, not fatal.
if [ -x native/build/tsp-closefds ] && [ native/build/tsp-closefds -nt native/tsp-closefds.c ] \
  && [ -x native/build/tsp-modetrace ] && [ native/build/tsp-modetrace -nt native/tsp-modetrace.c ] \
  && [ native/build/tsp-closefds -nt scripts/build-launchers.sh ] \
  && [ native/build/tsp-modetrace -nt scripts/build-launchers.sh ] \
  && [ -f native/build/tsp-nodump.node ] && [ native/build/tsp-nodump.node -nt native/tsp-nodump.c ] \
  && [ native/build/tsp-nodump.node -nt scripts/build-launchers.sh ] \
  && [ -f native/build/tsp-randomness.so ] && [ native/build/tsp-randomness.so -nt native/tsp-randomness.c ] \
  && [ native/build/tsp-randomness.so -nt scripts/build-launchers.sh ]; then
  echo "setup: sandbox launchers present (native/build/tsp-closefds, tsp-modetrace, tsp-nodump.node, tsp-randomness.so)"
else
  echo "setup: building the sandbox launchers (scripts/build-launchers.sh)"
  bash scripts/build-launchers.sh || echo "setup: a sandbox launcher was not built (see above)"
fi
# The embedded model's native fast path (OpenBLAS through a small N-API addon); without it the
# wasm path is used, so a failed build is reported, not fatal.
cpu_now="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | sed 's/^flags[[:space:]]*:[[:space:]]*//' || true)"
if [ -f native/build/tsp-blas.node ] && [ native/build/tsp-blas.node -nt native/tsp-blas.c ] \
  && [ native/build/tsp-blas.node -nt scripts/build-native.sh ] \
  && [ "$(cat native/build/cpu-stamp 2>/dev/null)" = "$cpu_now" ]; then
  echo "setup: native fast path present (native/build/tsp-blas.node)"
else
  echo "setup: building the native fast path (scripts/build-native.sh)"
  bash scripts/build-native.sh || echo "setup: the native fast path was not built; the embedded model uses the wasm path"
fi
# The npm packages CWEval's JavaScript tasks require (escape-html, lodash, jsdom, sqlite3 built from
# source...), into .tsp-cache/cweval-node, when the CWEval benchmark is present: `tsp eval` and the
# forgery suite judge those tasks with them. A failed install is reported, not fatal.
node --import tsx --input-type=module -e "
const { existsSync } = await import('node:fs');
const { resolveBenchmarksDir } = await import('./src/benchmarks/cweval/load-cweval.ts');
const { cwevalNodeModulesReady, ensureCwevalNodeModules } = await import('./src/benchmarks/cweval/cweval-setup.ts');
if (!existsSync(resolveBenchmarksDir() + '/CWEval/benchmark')) console.log('setup: CWEval benchmark not found (TSP_BENCHMARKS_DIR): its node packages are not installed');
else if (await cwevalNodeModulesReady()) console.log(\"setup: CWEval's node packages present (.tsp-cache/cweval-node)\");
else await ensureCwevalNodeModules(undefined, (m) => console.log('setup: ' + m));
" || echo "setup: CWEval's node packages were not installed (see above); their JavaScript tasks cannot be judged"
echo "setup: done"
