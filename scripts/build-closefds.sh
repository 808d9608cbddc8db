#!/usr/bin/env bash
# Build the sandbox's descriptor-closing launcher (native/tsp-closefds.c -> native/build/tsp-closefds).
# Every sandbox starts through it (src/sandbox/bwrap.ts); without it TSP falls back to a slower
# python3 launcher that closes the same descriptors. Exit status 0 when built and checked, 1 with a
# one-line reason when not.
set -uo pipefail
cd "$(dirname "$0")/.."
out=native/build/tsp-closefds
mkdir -p native/build
if ! cc -O2 -std=c11 -Wall -Wextra -Werror -o "$out.tmp" native/tsp-closefds.c 2>native/build/closefds.log; then
  echo "closefds: compiling native/tsp-closefds.c failed (native/build/closefds.log): the python3 launcher is used" >&2
  rm -f "$out.tmp"
  exit 1
fi
# Check that it closes what it must: fd 7 held open (no close-on-exec) must be gone in the program.
if ! "$out.tmp" /bin/sh -c '[ ! -e /proc/self/fd/7 ]' 7</dev/null 2>>native/build/closefds.log; then
  echo "closefds: native/build/tsp-closefds was built but left a descriptor open: the python3 launcher is used" >&2
  rm -f "$out.tmp"
  exit 1
fi
mv "$out.tmp" "$out"
echo "closefds: built $out"
