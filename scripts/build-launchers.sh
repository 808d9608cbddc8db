#!/usr/bin/env bash
# Build the sandbox's two launchers:
# - native/tsp-closefds.c -> native/build/tsp-closefds: closes inherited descriptors before anything of
#   a sandbox runs (without it TSP falls back to a slower python3 launcher that closes the same ones);
# - native/tsp-modetrace.c -> native/build/tsp-modetrace: the file-mode supervisor of the sandboxes that
#   run tests (without it, tests that judge a file's modes fail: they cannot be judged).
# Each is checked after it is built. Exit status 0 when both are built and checked, 1 with a one-line
# reason per launcher that is not.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p native/build
status=0

out=native/build/tsp-closefds
if ! cc -O2 -std=c11 -Wall -Wextra -Werror -o "$out.tmp" native/tsp-closefds.c 2>native/build/closefds.log; then
  echo "launchers: compiling native/tsp-closefds.c failed (native/build/closefds.log): the python3 launcher is used" >&2
  rm -f "$out.tmp"
  status=1
# Check that it closes what it must: fd 7 held open (no close-on-exec) must be gone in the program.
elif ! "$out.tmp" /bin/sh -c '[ ! -e /proc/self/fd/7 ]' 7</dev/null 2>>native/build/closefds.log; then
  echo "launchers: native/build/tsp-closefds was built but left a descriptor open: the python3 launcher is used" >&2
  rm -f "$out.tmp"
  status=1
else
  mv "$out.tmp" "$out"
  echo "launchers: built $out"
fi

out=native/build/tsp-modetrace
log=native/build/modetrace.log
probe="$(mktemp -d)"
if ! cc -O2 -std=c11 -Wall -Wextra -Werror -o "$out.tmp" native/tsp-modetrace.c 2>"$log"; then
  echo "launchers: compiling native/tsp-modetrace.c failed ($log): tests that judge file modes will fail" >&2
  rm -f "$out.tmp"
  status=1
# Check that it sees a transient mode: a file created 0644 and chmod-ed to 0600 must leave one event.
elif ! "$out.tmp" "$probe/events" /bin/sh -c "umask 022; : > '$probe/f'; chmod 600 '$probe/f'" 2>>"$log" \
  || [ "$(cut -d' ' -f1,3 "$probe/events" 2>/dev/null)" != "$(stat -c %i "$probe/f") 644" ]; then
  echo "launchers: native/build/tsp-modetrace was built but did not see a transient mode (ptrace not permitted here?): tests that judge file modes will fail" >&2
  rm -f "$out.tmp"
  status=1
else
  mv "$out.tmp" "$out"
  echo "launchers: built $out"
fi
rm -rf "$probe"
exit "$status"
