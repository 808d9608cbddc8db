import { describe, expect, it } from 'vitest';
import { drawGuardSuffix, guardNativeHarness, prepareNativeSample } from './finish-guard.ts';

/** Source rewriting of the finish guard (its behaviour in the sandbox: test/containment, `forgedPasses`). */
describe('finish guard rewriting', () => {
  it('Go: renames the harness main, routes its os.Exit calls through the reporter, adds the runner main', () => {
    const harness =
      'package main\n\nimport "os"\n\nfunc main() {\n\tdefer os.Exit(3)\n\tif len(os.Args) < 2 {\n\t\tos.Exit(2)\n\t}\n}\n';
    const g = guardNativeHarness('go', harness, 'abc123');
    expect(g.harness).toContain('func tspHarnessMain_abc123() {');
    expect(g.harness).not.toMatch(/^func main\(\)/m);
    expect(g.harness).toContain('defer tspExit_abc123(os.Exit, 3)');
    expect(g.harness).toContain('tspExit_abc123(os.Exit, 2)');
    expect(g.harness).toContain('len(os.Args)');
    const runner = g.extraFiles['tsp_runner.go'] ?? '';
    expect(runner).toMatch(/^func main\(\) \{[\s\S]*tspHarnessMain_abc123\(\)[\s\S]*tspReport_abc123\(0\)/m);
    expect(g.flags).toEqual([]);
  });

  it('Go: the sample keeps its os.Exit calls (they end the process unreported)', () => {
    const sample = 'package main\n\nimport "os"\n\nfunc main() {}\n\nfunc f() { os.Exit(0) }\n';
    const out = prepareNativeSample('go', sample);
    expect(out).toContain('os.Exit(0)');
    expect(out).toContain('func tspSolutionMain()');
  });

  it('C/C++: wraps main at link time, exit macro between the system header and the harness, runner after it', () => {
    const harness = '#define _GNU_SOURCE\n#include <string.h>\nint main(void) { exit(0); }\n';
    const g = guardNativeHarness('c', harness, 'f00d');
    expect(g.flags).toEqual(['-Wl,--wrap=main']);
    const [prelude, rest] = g.harness.split('#line 1 "harness.c"\n');
    // Feature-test macros first, then the system's own exit, then the macro.
    expect(prelude?.indexOf('#define _GNU_SOURCE')).toBe(0);
    expect(prelude).toMatch(/#include <stdlib\.h>[\s\S]*#define exit\(code\) tsp_harness_exit_f00d\(code\)/);
    expect(rest?.startsWith(harness)).toBe(true);
    expect(rest).toMatch(/#undef exit[\s\S]*__wrap_main[\s\S]*__real_main\(argc, argv, envp\)/);
    const cpp = guardNativeHarness('cpp', 'int main() { std::exit(0); }\n', 'f00d');
    expect(cpp.harness).toContain('namespace std { using ::tsp_harness_exit_f00d; }');
    expect(cpp.harness).toContain('#include <cstdlib>');
  });

  it('C/C++: the sample has the exit macro pushed away and its main renamed', () => {
    const out = prepareNativeSample('c', 'int main(void) { exit(0); }\n');
    expect(out).toMatch(
      /^#pragma push_macro\("exit"\)\n#undef exit\n#define main tsp_solution_main\n#line 1 "solution.c"\n/,
    );
    expect(out.trimEnd().endsWith('#pragma pop_macro("exit")')).toBe(true);
  });

  it('draws a fresh suffix per build', () => {
    const a = drawGuardSuffix();
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(drawGuardSuffix()).not.toBe(a);
  });
});
