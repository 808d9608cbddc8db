#!/usr/bin/env bash
# Build the embedded model's native fast path (native/tsp-blas.c -> native/build/tsp-blas.node)
# against Debian's OpenBLAS (libopenblas-pthread-dev) and Node's own N-API headers. Exit status 0
# when built, 1 with a one-line reason when not: the wasm path is then used (see
# src/models/embedded/native-blas.ts); nothing else depends on this addon.
set -uo pipefail
cd "$(dirname "$0")/.."
out=native/build/tsp-blas.node
# what -march=native compiles for: the CPU's first flags line (the loader computes the same)
cpu_stamp() { grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | sed 's/^flags[[:space:]]*:[[:space:]]*//' || true; }
node_inc="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node"
if [ ! -f "$node_inc/node_api.h" ]; then
  echo "native: no N-API headers at $node_inc (Node installed without headers): the wasm path is used" >&2
  exit 1
fi
if ! blas_flags="$(pkg-config --cflags --libs openblas 2>/dev/null)"; then
  echo "native: OpenBLAS not found by pkg-config (apt-get install libopenblas-pthread-dev): the wasm path is used" >&2
  exit 1
fi
blas_libdir="$(pkg-config --variable=libdir openblas)"
mkdir -p native/build
# shellcheck disable=SC2086
if ! cc -O3 -march=native -fno-trapping-math -fopenmp-simd -std=c11 -Wall -Wextra -fPIC -shared -I"$node_inc" native/tsp-blas.c -o "$out.tmp" \
  $blas_flags -Wl,-rpath,"$blas_libdir" -lm 2>native/build/build.log; then
  echo "native: compiling native/tsp-blas.c failed (native/build/build.log): the wasm path is used" >&2
  rm -f "$out.tmp"
  exit 1
fi
mv "$out.tmp" "$out"
# -march=native: the addon is only valid on this CPU; the loader compares this stamp with the CPU it
# runs on and falls back to the wasm path (instead of an illegal instruction) when they differ
cpu_stamp > native/build/cpu-stamp
if ! node -e "const m=require('./$out'); m.config()" >/dev/null 2>>native/build/build.log; then
  echo "native: $out was built but does not load (native/build/build.log): the wasm path is used" >&2
  rm -f "$out"
  exit 1
fi
echo "native: built $out ($(node -e "console.log(require('./$out').config())"))"
