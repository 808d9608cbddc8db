#!/usr/bin/env bash
# Build the sandbox's two launchers and the JavaScript observer's guard:
# - native/tsp-closefds.c -> native/build/tsp-closefds: closes inherited descriptors before anything of
#   a sandbox runs (without it TSP falls back to a slower python3 launcher that closes the same ones);
# - native/tsp-modetrace.c -> native/build/tsp-modetrace: the file-mode supervisor of the sandboxes that
#   run tests (without it, tests that judge a file's modes fail: they cannot be judged);
# - native/tsp-nodump.c -> native/build/tsp-nodump.node: a Node addon the JavaScript observer loads to
#   make itself non-dumpable (without it, JavaScript tests cannot be judged: the observer refuses).
# Each is checked after it is built. Exit status 0 when all three are built and checked, 1 with a
# one-line reason per piece that is not.
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

# native/tsp-nodump.c -> native/build/tsp-nodump.node: the JavaScript observer makes itself
# non-dumpable with it (its samples run as its uid and are its children).
out=native/build/tsp-randomness.so
log=native/build/randomness.log
probe="$(mktemp -d)"
printf '#include <sys/random.h>\n#include <stdio.h>\nint main(void){unsigned char b[8];if(getrandom(b,8,0)!=8)return 1;for(int i=0;i<8;i++)printf("%%02x",b[i]);return 0;}\n' > "$probe/p.c"
key=0000000000000000000000000000000000000000000000000000000000000001
if ! cc -O2 -std=c11 -Wall -Wextra -Werror -fPIC -shared -o "$out.tmp" native/tsp-randomness.c -ldl -lpthread 2>"$log"; then
  echo "launchers: compiling native/tsp-randomness.c failed ($log): C/C++ tests that choose the system randomness cannot run" >&2
  rm -f "$out.tmp"
  status=1
elif ! cc -o "$probe/p" "$probe/p.c" 2>>"$log" \
  || [ "$(TSP_RANDOM_STREAM=$key LD_PRELOAD="$PWD/$out.tmp" "$probe/p")" != "$(TSP_RANDOM_STREAM=$key LD_PRELOAD="$PWD/$out.tmp" "$probe/p")" ] \
  || [ "$(TSP_RANDOM_STREAM=$key LD_PRELOAD="$PWD/$out.tmp" "$probe/p")" = "$("$probe/p")" ]; then
  echo "launchers: native/build/tsp-randomness.so was built but does not choose a program's randomness ($log): C/C++ tests that choose the system randomness cannot run" >&2
  rm -f "$out.tmp"
  status=1
else
  mv "$out.tmp" "$out"
  echo "launchers: built $out"
fi
rm -rf "$probe"

out=native/build/tsp-nodump.node
log=native/build/nodump.log
node_inc="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node"
if [ ! -f "$node_inc/node_api.h" ]; then
  echo "launchers: no N-API headers at $node_inc (Node installed without headers): JavaScript tests cannot be judged" >&2
  status=1
elif ! cc -O2 -std=c11 -Wall -Wextra -Werror -fPIC -shared -I"$node_inc" -o "$out.tmp" native/tsp-nodump.c 2>"$log"; then
  echo "launchers: compiling native/tsp-nodump.c failed ($log): JavaScript tests cannot be judged" >&2
  rm -f "$out.tmp"
  status=1
# Check that it works: the flag must read 0 afterwards.
elif [ "$(node -e "const m = { exports: {} }; process.dlopen(m, process.argv[1]); process.stdout.write(String(m.exports.nodump()))" "$PWD/$out.tmp" 2>>"$log")" != 0 ]; then
  echo "launchers: native/build/tsp-nodump.node was built but did not make node non-dumpable ($log): JavaScript tests cannot be judged" >&2
  rm -f "$out.tmp"
  status=1
else
  mv "$out.tmp" "$out"
  echo "launchers: built $out"
fi
exit "$status"
