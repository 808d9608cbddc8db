/**
 * Builders for the inline harness of each language (protocol in src/spec/task.ts). Test bodies are
 * written unindented; the kit indents them and adds the dispatch.
 */

function indent(body: string, pad: string): string {
  return body
    .trim()
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

/** Python: `def test_<name>():` per test; a body raises AssertionError to fail. */
export function pyHarness(imports: string[], prelude: string, tests: Record<string, string>): string {
  const head = [...imports, 'import solution'].join('\n');
  const pre = prelude.trim() ? `\n\n\n${prelude.trim()}` : '';
  const defs = Object.entries(tests)
    .map(([name, body]) => `def test_${name}():\n${indent(body, '    ')}`)
    .join('\n\n\n');
  return `${head}${pre}\n\n\n${defs}\n`;
}

/** JavaScript: `module.exports = { name: async () => {...} }`; a body fails through node:assert. */
export function jsHarness(requires: string[], prelude: string, tests: Record<string, string>): string {
  const head = [
    "const assert = require('node:assert');",
    ...requires,
    "const sol = require('./solution.js');",
  ].join('\n');
  const pre = prelude.trim() ? `\n\n${prelude.trim()}` : '';
  const defs = Object.entries(tests)
    .map(([name, body]) => `  ${name}: async () => {\n${indent(body, '    ')}\n  },`)
    .join('\n');
  return `${head}${pre}\n\nmodule.exports = {\n${defs}\n};\n`;
}

/**
 * C / C++: `main` dispatches on argv[1]; a body ends with `return 0;` (pass) or `return 1;` (fail).
 * `decls` must declare the solution's entry point (the files are compiled separately).
 */
export function cHarness(includes: string[], decls: string, tests: Record<string, string>): string {
  const base = ['stdio.h', 'stdlib.h', 'string.h'];
  const inc = [...new Set([...base, ...includes])].map((h) => `#include <${h}>`).join('\n');
  const cases = Object.entries(tests)
    .map(([name, body]) => `    if (strcmp(argv[1], "${name}") == 0) {\n${indent(body, '        ')}\n    }`)
    .join('\n');
  return `${inc}\n\n${decls.trim()}\n\nint main(int argc, char **argv) {\n    if (argc < 2) return 2;\n${cases}\n    return 2;\n}\n`;
}

/**
 * Go: `func main()` dispatches on os.Args[1]; each body is a `func() bool` body (true = pass).
 * Helper names in `prelude` start with `h` to stay clear of the solution's identifiers.
 */
export function goHarness(imports: string[], prelude: string, tests: Record<string, string>): string {
  const imps = [...new Set(['fmt', 'os', ...imports])]
    .sort()
    .map((i) => `\t"${i}"`)
    .join('\n');
  const cases = Object.entries(tests)
    .map(([name, body]) => `\t\t"${name}": func() bool {\n${indent(body, '\t\t\t')}\n\t\t},`)
    .join('\n');
  return `package main

import (
${imps}
)

${prelude.trim()}

func main() {
\tif len(os.Args) < 2 {
\t\tos.Exit(2)
\t}
\ttests := map[string]func() bool{
${cases}
\t}
\tt, ok := tests[os.Args[1]]
\tif !ok {
\t\tfmt.Println("unknown test", os.Args[1])
\t\tos.Exit(2)
\t}
\tif t() {
\t\tos.Exit(0)
\t}
\tos.Exit(1)
}
`;
}

/*
 * Observed harnesses for C, C++ and Go (docs/decisions/0002). A body only reports values; the
 * decision is the test's `expect` list, taken outside the sample's process. Each process runs one
 * test under a random id; `tsp_dir()` / `TSP.Dir()` is the test's fresh folder (also the working
 * directory), `tsp_marker()` / `TSP.Marker()` a path in a canary folder the code under test is
 * never given (`{ canary: 'untouched' }` fails on any change there), and `tsp_word(i)` /
 * `TSP.Word(i)` eight random lowercase words (`{w0}`..`{w7}` in expectations). Report raw values
 * (a return code, an output string): a value computed here from the sample's output could be
 * steered by a sample that replaces the library function used to compute it.
 */

/** C / C++: `#include "tsp_observe.h"` and a `main` that runs the selected body. */
export function cObservedHarness(includes: string[], decls: string, tests: Record<string, string>): string {
  const base = ['stdio.h', 'stdlib.h', 'string.h'];
  const inc = [...new Set([...base, ...includes])].map((h) => `#include <${h}>`).join('\n');
  const cases = Object.entries(tests)
    .map(([name, body]) => `    if (tsp_select("{{test:${name}}}")) {\n${indent(body, '        ')}\n    }`)
    .join('\n');
  return `${inc}\n#include "tsp_observe.h"\n\n${decls.trim()}\n\nint main(int argc, char **argv) {\n    tsp_begin(argc, argv);\n${cases}\n    return 0;\n}\n`;
}

/**
 * Go: `func main()` runs the selected body; bodies report with `TSP.ObsInt`, `TSP.ObsStr`,
 * `TSP.ObsBool`, `TSP.ObsErr` (the identifier is renamed per build). Helper names in `prelude`
 * start with `h`.
 */
export function goObservedHarness(imports: string[], prelude: string, tests: Record<string, string>): string {
  const imps = [...new Set(['os', ...imports])]
    .sort()
    .map((i) => `\t"${i}"`)
    .join('\n');
  const cases = Object.entries(tests)
    .map(([name, body]) => `\tif TSP.Select("{{test:${name}}}") {\n${indent(body, '\t\t')}\n\t}`)
    .join('\n');
  return `package main

import (
${imps}
)

${prelude.trim()}

func main() {
\tTSP.begin(os.Args)
${cases}
}
`;
}
