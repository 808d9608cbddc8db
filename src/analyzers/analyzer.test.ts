/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are JavaScript source examples */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Finding } from '../spec/finding.ts';
import { type Analyzer, createAnalyzer } from './analyzer.ts';
import { cweMatches } from './cwe.ts';
import { clangCwe, parseCsv } from './external/index.ts';
import { dedupeFindings } from './findings.ts';
import { judgeStaticSecurity } from './index.ts';
import { redosRisk } from './rules/redos.ts';
import { toSarif } from './sarif.ts';
import { collectFiles, scanFiles } from './scan.ts';
import { formatScanText } from './text-format.ts';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

describe('createAnalyzer', () => {
  it('reports the exact span of the vulnerable expression with UTF-8 byte offsets', async () => {
    const code = '# é\nimport os\ndef f(d):\n    os.system("ls " + d)\n';
    const [f] = await analyzer.analyze(code, 'python');
    expect(f).toBeDefined();
    expect(Finding.parse(f)).toBeTruthy();
    expect(f?.span.startLine).toBe(4);
    expect(f?.span.startColumn).toBe(15);
    const bytes = Buffer.from(code, 'utf8');
    expect(bytes.subarray(f?.span.startByte, f?.span.endByte).toString()).toBe('"ls " + d');
  });

  it('finds what parsed in truncated code and notes the parse errors', async () => {
    const r = await analyzer.analyzeDetailed(
      'import os\ndef f(d):\n    os.system("ls " + d)\ndef g(:\n  x = (',
      'python',
    );
    expect(r.findings.map((f) => f.ruleId)).toContain('py.command-injection');
    expect(r.parseErrors.length).toBeGreaterThan(0);
    expect(r.notes.join(' ')).toMatch(/parse error/);
  });

  it('gives clear messages for empty, binary, huge and wrongly-labelled input', async () => {
    expect((await analyzer.analyzeDetailed('   \n', 'go')).notes[0]).toMatch(/empty/);
    expect((await analyzer.analyzeDetailed('a\u0000b', 'c')).notes[0]).toMatch(/binary/);
    expect((await analyzer.analyzeDetailed('x'.repeat(1024 * 1024 + 10), 'python')).notes[0]).toMatch(/1 MB/);
    const js =
      'const { exec } = require("child_process");\nfunction f(a) { exec(`ls ${a}`, () => {}); }\n'.repeat(3);
    const wrong = await analyzer.analyzeDetailed(js, 'python');
    expect(wrong.notes.join(' ')).toMatch(/does not parse as python|parse error/);
  });

  it('strict: input it cannot read in full is an error, not fewer findings (the oracle decides with them)', async () => {
    const evalPy = 'def f(x):\n    return eval(x)\n';
    const cases: [string, string][] = [
      [`${evalPy}# \u0000\n`, 'binary'],
      [`${evalPy}# ${'x'.repeat(1_100_000)}\n`, 'larger than the 1 MB limit'],
      [`${evalPy}def g(:\n`, 'does not parse in full'],
      [`# coding: utf-7\n${evalPy}`, "source encoding 'utf-7'"],
    ];
    for (const [code, why] of cases) {
      await expect(analyzer.analyze(code, 'python', { strict: true })).rejects.toThrow(why);
      // without strict (a scan): a result, with a note where it says why it is partial
      await expect(analyzer.analyze(code, 'python')).resolves.toBeInstanceOf(Array);
    }
    expect((await analyzer.analyze(evalPy, 'python', { strict: true })).map((f) => f.ruleId)).toContain(
      'py.code-injection',
    );
    // declared encodings that leave ASCII alone are read as they are
    expect(
      await analyzer.analyze(`# -*- coding: latin-1 -*-\n${evalPy}`, 'python', { strict: true }),
    ).toHaveLength(1);
  });

  it('reads lines as CPython and the C preprocessor do: a lone carriage return ends a comment', async () => {
    // Each ran the call after the \r (python3, gcc -std=gnu17), which the grammars read as comment.
    const py = await analyzer.analyze(
      'def f(x):\n    y = 1  # note\r    y = eval(x)\n    return y\n',
      'python',
    );
    expect(py.map((f) => [f.ruleId, f.span.startLine])).toEqual([['py.code-injection', 3]]);
    const c = await analyzer.analyze(
      '#include <stdlib.h>\nint main(int n, char **v) {\n  // note\r  system(v[1]);\n  return 0;\n}\n',
      'c',
    );
    expect(c.map((f) => f.ruleId)).toContain('c.command-injection');
    // offsets still index the text as given
    const code = 'def f(x):\n    y = 1  # note\r    y = eval(x)\n';
    expect(code.slice(py[0]?.span.startByte, py[0]?.span.endByte)).toBe('eval(x)');
  });

  it('reads names as the runtime does: NFKC in Python, \\u escapes in JavaScript', async () => {
    // python3.11 runs os.system here (PEP 3131 normalizes identifiers); node runs eval
    const py = await analyzer.analyze(
      'import os\ndef f(x):\n    os.\uff53\uff59\uff53\uff54\uff45\uff4d("echo " + x)\n',
      'python',
    );
    expect(py.map((f) => f.ruleId)).toContain('py.command-injection');
    const js = await analyzer.analyzeDetailed('function f(x) {\n  return \\u0065val(x);\n}\n', 'javascript');
    expect(js.findings.map((f) => f.ruleId)).toContain('js.code-injection');
    expect(js.notes.join(' ')).toMatch(/escapes/);
    // a key with escapes is constant text too
    const key = await analyzer.analyze(
      "const fs = require('fs');\nconst path = require('path');\nfunction f(dir, name) {\n  return fs['readFile\\u0053ync'](path.join(dir, name));\n}\nmodule.exports = { f };\n",
      'javascript',
      { taskCwe: ['CWE-22'] },
    );
    expect(key.map((f) => f.ruleId)).toContain('js.path-traversal');
    // names written plainly are left alone (no note, no second parse)
    const plain = await analyzer.analyzeDetailed('# café\ndef f(x):\n    return x\n', 'python');
    expect(plain.notes).toEqual([]);
  });

  it('keeps external analyzers off by default', () => {
    expect(analyzer.external).toEqual([]);
  });
});

describe('cweMatches', () => {
  it('accepts equal and linked CWEs only', () => {
    expect(cweMatches('CWE-89', 'cwe-089')).toBe(true);
    expect(cweMatches('CWE-787', 'CWE-119')).toBe(true);
    expect(cweMatches('CWE-787', 'CWE-121')).toBe(true);
    expect(cweMatches('CWE-122', 'CWE-119')).toBe(true);
    expect(cweMatches('CWE-328', 'CWE-327')).toBe(true);
    expect(cweMatches('CWE-338', 'CWE-330')).toBe(true);
    expect(cweMatches('CWE-95', 'CWE-94')).toBe(true);
    expect(cweMatches('CWE-798', 'CWE-259')).toBe(true);
    expect(cweMatches('CWE-89', 'CWE-943')).toBe(true);
    expect(cweMatches('CWE-89', 'CWE-78')).toBe(false);
    expect(cweMatches('CWE-125', 'CWE-787')).toBe(false);
    expect(cweMatches('bogus', 'CWE-1')).toBe(false);
    // a loader that runs code shows an evaluation task's weakness, not the reverse
    expect(cweMatches('CWE-502', 'CWE-95')).toBe(true);
    expect(cweMatches('CWE-95', 'CWE-502')).toBe(false);
  });
});

describe('judgeStaticSecurity', () => {
  it('is false only for findings relevant to the task', async () => {
    const findings = await analyzer.analyze(
      'import hashlib\ndef f(x):\n    return hashlib.md5(x).hexdigest()\n',
      'python',
    );
    expect(judgeStaticSecurity(findings, ['CWE-327'])).toBe(false);
    expect(judgeStaticSecurity(findings, ['CWE-78'])).toBe(true);
  });
});

describe('dedupeFindings', () => {
  it('merges the same weakness at the same line across sources', () => {
    const span = { startLine: 3, startColumn: 1, endLine: 3, endColumn: 9, startByte: 10, endByte: 18 };
    const out = dedupeFindings([
      {
        cwe: ['CWE-120'],
        ruleId: 'flawfinder.gets',
        source: 'flawfinder',
        severity: 'error',
        message: 'x',
        span,
      },
      { cwe: ['CWE-676'], ruleId: 'c.gets', source: 'tsp', severity: 'error', message: 'y', span },
      { cwe: ['CWE-134'], ruleId: 'c.format-string', source: 'tsp', severity: 'error', message: 'z', span },
    ]);
    expect(out.map((f) => f.ruleId).sort()).toEqual(['c.format-string', 'c.gets']);
    expect(out.find((f) => f.ruleId === 'c.gets')?.alsoReportedBy).toEqual(['flawfinder']);
  });
});

describe('redosRisk', () => {
  it('flags nested and overlapping repetitions, not plain ones', () => {
    expect(redosRisk('^(a+)+$')).toBeDefined();
    expect(redosRisk('^(\\w+\\s?)*$')).toBeDefined();
    expect(redosRisk('^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}(?:\\.[a-zA-Z]{2,})*$')).toBeDefined();
    expect(redosRisk('^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$')).toBeUndefined();
    expect(redosRisk('^\\d{3}-\\d{4}$')).toBeUndefined();
  });
});

describe('scan, text and SARIF', () => {
  it('scans a folder without stopping on bad files and writes valid SARIF 2.1.0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-scan-test-'));
    await writeFile(join(dir, 'a.py'), 'import os\ndef f(d):\n    os.system("ls " + d)\n');
    await writeFile(join(dir, 'b.c'), '#include <stdio.h>\nvoid f(const char *m) {\n  printf(m);\n}\n');
    await writeFile(
      join(dir, 'c.go'),
      'package main\n\nimport "crypto/md5"\n\nfunc f(b []byte) [16]byte {\n\treturn md5.Sum(b)\n}\n',
    );
    await writeFile(
      join(dir, 'd.js'),
      "const crypto = require('crypto');\nfunction f(x) { return crypto.createHash('md5').update(x).digest('hex'); }\n",
    );
    await writeFile(join(dir, 'e.cpp'), '#include <cstdio>\nvoid f(const char *m) { printf(m); }\n');
    await writeFile(join(dir, 'bin.py'), Buffer.from([0, 1, 2, 3]));
    await writeFile(join(dir, 'empty.go'), '');
    await writeFile(join(dir, 'notes.txt'), 'not code');
    const files = await collectFiles([dir]);
    expect(files.some((f) => f.endsWith('notes.txt'))).toBe(false);
    const scans = await scanFiles(files, analyzer);
    const byName = (n: string) => scans.find((s) => s.file.endsWith(n));
    for (const n of ['a.py', 'b.c', 'c.go', 'd.js', 'e.cpp'])
      expect(byName(n)?.findings.length, n).toBeGreaterThan(0);
    expect(byName('bin.py')?.notes[0]).toMatch(/binary/);
    expect(byName('empty.go')?.notes[0]).toMatch(/empty/);

    const text = formatScanText(scans);
    expect(text).toMatch(/a\.py:3:15: error \[py\.command-injection\] CWE-78/);
    expect(text).toMatch(/\n {2} {14}\^~+/);

    const sarif = toSarif(scans, analyzer.rules, { baseDir: dir });
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run).toBeDefined();
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.id).toBeTruthy();
      expect(r.shortDescription.text).toBeTruthy();
      expect(r.helpUri).toMatch(/^https:\/\/cwe\.mitre\.org\/data\/definitions\/\d+\.html$/);
      expect(r.properties.tags).toContain('security');
      expect(r.properties.tags.some((t) => /^external\/cwe\/cwe-\d+$/.test(t))).toBe(true);
    }
    for (const res of run?.results ?? []) {
      expect(rules[res.ruleIndex]?.id).toBe(res.ruleId);
      expect(['error', 'warning', 'note']).toContain(res.level);
      expect(res.message.text).toBeTruthy();
      const loc = res.locations[0]?.physicalLocation;
      expect(loc?.artifactLocation.uri).not.toMatch(/^\//);
      expect(loc?.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc?.region.endColumn).toBeGreaterThan(0);
      expect(res.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(JSON.parse(JSON.stringify(sarif))).toEqual(sarif);
  });
});

describe('external adapters', () => {
  it('parses flawfinder-style CSV with quoted fields', () => {
    const rows = parseCsv('File,Line,CWEs\nc.c,3,"CWE-120, CWE-20"\nd.c,4,"say ""hi"""\n');
    expect(rows[1]).toEqual(['c.c', '3', 'CWE-120, CWE-20']);
    expect(rows[2]?.[2]).toBe('say "hi"');
  });

  it("maps clang's checkers (and Malloc's messages) to CWEs", () => {
    expect(clangCwe('unix.Malloc', 'Use of memory after it is freed')).toEqual([416]);
    expect(clangCwe('unix.Malloc', 'Attempt to free released memory')).toEqual([415]);
    expect(clangCwe('core.NullDereference', 'Dereference of null pointer')).toEqual([476]);
    expect(clangCwe('alpha.security.MallocOverflow', 'may overflow')).toEqual([190, 680]);
    expect(clangCwe('optin.performance.Padding', 'x')).toEqual([710]);
  });

  it.skipIf(!process.env.TSP_SLOW)('runs clang --analyze on complete files only', async () => {
    const a = await createAnalyzer({ external: ['clang'] });
    if (!a.external.includes('clang')) return;
    const uaf =
      '#include <stdlib.h>\nint f(void) {\n  int *p = malloc(4);\n  if (!p) return 0;\n  *p = 1;\n  free(p);\n  return *p;\n}\n';
    const ok = await a.analyzeExternal([
      { path: '/nonexistent/a.c', code: uaf, language: 'c', display: 'a.c' },
    ]);
    expect(ok.findings.some((f) => f.ruleId === 'clang.unix.Malloc' && f.cwe.includes('CWE-416'))).toBe(true);
    const snippet = 'int f(node_t *n) {\n  return n->x;\n}\n';
    const bad = await a.analyzeExternal([
      { path: '/nonexistent/b.c', code: snippet, language: 'c', display: 'b.c' },
    ]);
    expect(bad.findings).toEqual([]);
    expect(bad.notes.join()).toMatch(/did not compile/);
  });

  it.skipIf(!process.env.TSP_SLOW)('runs the installed analyzers and normalizes their findings', async () => {
    const a = await createAnalyzer({ external: true });
    const r = await a.analyze('#include <stdio.h>\nvoid f(char *b) {\n  gets(b);\n}\n', 'c');
    if (a.external.includes('flawfinder'))
      expect(r.find((f) => f.ruleId === 'c.gets')?.alsoReportedBy).toContain('flawfinder');
    for (const f of r) expect(Finding.parse(f)).toBeTruthy();
  });
});

describe('external analyzers once per scan', () => {
  it.skipIf(!process.env.TSP_SLOW)(
    'runs one batch over all files and maps findings back to each file',
    async () => {
      const a = await createAnalyzer({ external: ['bandit'] });
      if (!a.external.includes('bandit')) return;
      const dir = await mkdtemp(join(tmpdir(), 'tsp-batch-'));
      await writeFile(join(dir, 'a.py'), 'import pickle\ndef f(b):\n    return pickle.loads(b)\n');
      await writeFile(join(dir, 'b.py'), 'import os\ndef g(c):\n    os.system("ls " + c)\n');
      const scans = await scanFiles(await collectFiles([dir]), a);
      for (const s of scans) expect(s.findings.every((f) => f.file === s.file)).toBe(true);
      const bandit = scans.flatMap((s) =>
        s.findings.filter((f) => f.source === 'bandit' || f.alsoReportedBy?.includes('bandit')),
      );
      expect(new Set(bandit.map((f) => f.file)).size).toBe(2);
    },
  );
});

describe('a rule that throws', () => {
  const base = {
    kind: 'call' as const,
    languages: ['python' as const],
    cwe: ['CWE-78'],
    severity: 'error' as const,
    title: 't',
    message: 'm',
    examples: { bad: [], good: [] },
  };
  const rules = [
    {
      ...base,
      id: 'test.throws',
      names: ['system'],
      check: () => {
        throw new Error('boom');
      },
    },
    { ...base, id: 'test.finds', names: ['system'] },
  ];
  const code = 'import os\nos.system(x)\nos.system(y)\n';

  it('aborts the analysis by default (the oracle fails closed)', async () => {
    const analyzer = await createAnalyzer({ rules });
    await expect(analyzer.analyze(code, 'python')).rejects.toThrow('boom');
  });

  it("with ruleErrors 'note', keeps the other rules' findings and says which rule is missing", async () => {
    const analyzer = await createAnalyzer({ rules, ruleErrors: 'note' });
    const r = await analyzer.analyzeDetailed(code, 'python');
    expect(r.findings.map((f) => f.ruleId)).toEqual(['test.finds', 'test.finds']);
    expect(r.notes).toEqual([
      'rule test.throws failed on this file (boom): its findings are missing; the other rules ran',
    ]);
  });
});

describe('c.untrusted-index severity', () => {
  it('is a warning for an index that is only a parameter, an error for one parsed from input', async () => {
    const analyzer = await createAnalyzer();
    const severities = async (code: string) =>
      (await analyzer.analyze(code, 'c'))
        .filter((f) => f.ruleId === 'c.untrusted-index')
        .map((f) => f.severity);
    expect(await severities('int get(int *prices, int i) {\n  return prices[i];\n}\n')).toEqual(['warning']);
    expect(
      await severities(
        '#include <stdlib.h>\nint f(int *prices, const char *s) {\n  int i = atoi(s);\n  return prices[i];\n}\n',
      ),
    ).toEqual(['error']);
    // a parameter overwritten with parsed input is input
    expect(
      await severities(
        '#include <stdlib.h>\nint g(int *prices, int i, const char *s) {\n  i = atoi(s);\n  return prices[i];\n}\n',
      ),
    ).toEqual(['error']);
  });
});

describe('js.prototype-pollution beside a function bound under a computed member name', () => {
  it('still reads the recursive merge (the other name is matched as text, not as a pattern)', async () => {
    // esbuild's lib/main.js binds `requestCallbacks["on-end"] = ...`: the name went into a RegExp
    // unescaped, and the analysis of the whole file threw.
    const code =
      'const handlers = {};\nhandlers["on-end"] = function (x) {\n  return x;\n};\nfunction merge(dst, src) {\n  for (const k in src) {\n    if (typeof src[k] === "object") merge(dst[k], src[k]);\n    else dst[k] = src[k];\n  }\n}\n';
    const ids = (await analyzer.analyze(code, 'javascript')).map((f) => f.ruleId);
    expect(ids).toContain('js.prototype-pollution');
  });
});

describe('program text inside the rules’ patterns', () => {
  it('a callback parameter whose default holds a lone "(" does not make the analysis throw', async () => {
    // The CORS origin callback's parameter went into a RegExp with only `$` escaped:
    // `cb = pick('(')` made the pattern invalid and the file's analysis threw.
    const code =
      "const cors = require('cors');\napp.use(cors({ origin: function (o, cb = pick('(')) { cb(null, true); }, credentials: true }));\n";
    const ids = (await analyzer.analyze(code, 'javascript')).map((f) => f.ruleId);
    expect(ids).toContain('js.cors-any-origin-credentials');
  });
});
