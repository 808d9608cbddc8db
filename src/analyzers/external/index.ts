import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolSpec } from '../../sandbox/toolchains.ts';
import type { Finding, Severity } from '../../spec/finding.ts';
import { type CweId, LANGUAGE_EXTENSION, type Language, normalizeCwe } from '../../spec/language.ts';
import { PositionIndex } from '../parser.ts';

/**
 * Adapters for the analyzers a machine may have: bandit (Python), cppcheck, flawfinder and clang's
 * static analyzer (C/C++), eslint with eslint-plugin-security (JavaScript). Each runs on a file, and its results are
 * normalized to the Finding schema (spans cover the reported line from the reported column).
 * Debian's bandit 1.6.2 prints no CWE and eslint-plugin-security has none, so both ship a table.
 */

/** The external analyzers `tsp doctor` reports. */
export const ANALYZERS: ToolSpec[] = [
  {
    name: 'bandit',
    command: 'bandit',
    versionArgs: ['--version'],
    debianPackage: 'bandit',
    purpose: 'static analysis (Python), optional',
  },
  {
    name: 'cppcheck',
    command: 'cppcheck',
    versionArgs: ['--version'],
    debianPackage: 'cppcheck',
    purpose: 'static analysis (C/C++), optional',
  },
  {
    name: 'flawfinder',
    command: 'flawfinder',
    versionArgs: ['--version'],
    debianPackage: 'flawfinder',
    purpose: 'static analysis (C/C++), optional',
  },
  {
    name: 'clang',
    command: 'clang',
    versionArgs: ['--version'],
    debianPackage: 'clang',
    purpose: "clang's static analyzer (C/C++ complete files), optional",
  },
  {
    name: 'eslint',
    command: eslintPath(),
    versionArgs: ['--version'],
    debianPackage: 'npm: eslint eslint-plugin-security',
    purpose: 'static analysis (JavaScript), optional',
  },
];

function eslintPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../node_modules/.bin/eslint');
}

/** One file for an external analyzer: where it is on disk, its text, and the name to report. */
export interface ExternalInput {
  path: string;
  code: string;
  language: Language;
  display?: string;
}

export interface ExternalResult {
  findings: Finding[];
  notes: string[];
}

/**
 * An external analyzer runs once over a batch of files (one process per tool and batch, as
 * `bandit -r` would), and its results are mapped back to the files by path.
 */
export interface ExternalRunner {
  name: string;
  /** Run only when asked for by name (not by "all installed"). */
  byNameOnly?: boolean;
  languages: readonly Language[];
  run(inputs: ExternalInput[]): Promise<ExternalResult>;
}

/** Files per process: keeps the command line well under the kernel's limit. */
const BATCH = 400;

/** Maps the paths a tool prints back to its inputs (tools echo, absolutize or `./`-prefix them). */
class InputIndex {
  private readonly byPath = new Map<string, { input: ExternalInput; pos: PositionIndex }>();
  constructor(inputs: ExternalInput[]) {
    for (const input of inputs)
      this.byPath.set(resolve(input.path), { input, pos: new PositionIndex(input.code) });
  }
  get(path: string | undefined): { input: ExternalInput; pos: PositionIndex } | undefined {
    return path === undefined ? undefined : this.byPath.get(resolve(path));
  }
}

/** bandit test id -> CWE (from bandit's own documentation of each plugin; 1.7+ prints these). */
export const BANDIT_CWE: Record<string, number> = {
  B101: 703,
  B102: 78,
  B103: 732,
  B104: 605,
  B105: 259,
  B106: 259,
  B107: 259,
  B108: 377,
  B110: 703,
  B112: 703,
  B113: 400,
  B201: 94,
  B202: 22,
  B301: 502,
  B302: 502,
  B303: 327,
  B304: 327,
  B305: 327,
  B306: 377,
  B307: 78,
  B308: 79,
  B310: 22,
  B311: 330,
  B312: 319,
  B313: 20,
  B314: 20,
  B315: 20,
  B316: 20,
  B317: 20,
  B318: 20,
  B319: 20,
  B320: 20,
  B321: 319,
  B322: 78,
  B323: 295,
  B324: 327,
  B325: 377,
  B401: 319,
  B402: 319,
  B403: 502,
  B404: 78,
  B405: 20,
  B406: 20,
  B407: 20,
  B408: 20,
  B409: 20,
  B410: 20,
  B411: 20,
  B412: 319,
  B413: 327,
  B501: 295,
  B502: 327,
  B503: 327,
  B504: 327,
  B505: 326,
  B506: 20,
  B507: 295,
  B601: 78,
  B602: 78,
  B603: 78,
  B604: 78,
  B605: 78,
  B606: 78,
  B607: 78,
  B608: 89,
  B609: 78,
  B610: 89,
  B611: 89,
  B701: 94,
  B702: 79,
  B703: 79,
};

/** eslint-plugin-security rule -> CWE. */
export const ESLINT_SECURITY_CWE: Record<string, number> = {
  'security/detect-child-process': 78,
  'security/detect-eval-with-expression': 95,
  'security/detect-non-literal-fs-filename': 22,
  'security/detect-non-literal-regexp': 400,
  'security/detect-non-literal-require': 829,
  'security/detect-object-injection': 915,
  'security/detect-possible-timing-attacks': 208,
  'security/detect-pseudoRandomBytes': 338,
  'security/detect-unsafe-regex': 1333,
  'security/detect-buffer-noassert': 119,
  'security/detect-disable-mustache-escape': 79,
  'security/detect-new-buffer': 119,
  'security/detect-no-csrf-before-method-override': 352,
  'security/detect-bidi-characters': 94,
};

function run(
  cmd: string,
  args: string[],
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((res) => {
    execFile(
      cmd,
      args,
      {
        timeout: timeoutMs,
        maxBuffer: 32 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' },
      },
      (err, stdout, stderr) => {
        const code =
          err && typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : err
              ? 1
              : 0;
        res({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
  });
}

function lineSpan(positions: PositionIndex, code: string, line: number, column = 1) {
  const text = positions.lineText(line);
  const lineStartIdx = code
    .split('\n')
    .slice(0, line - 1)
    .reduce((n, l) => n + l.length + 1, 0);
  const col = Math.max(1, Math.min(column, text.length + 1));
  const indent = text.length - text.trimStart().length;
  const start = lineStartIdx + Math.max(col - 1, col === 1 ? indent : 0);
  const end = lineStartIdx + Math.max(text.trimEnd().length, start - lineStartIdx + 1);
  return positions.span(start, Math.min(end, code.length));
}

function finding(
  source: string,
  ruleId: string,
  cwes: (number | string)[],
  severity: Severity,
  message: string,
  positions: PositionIndex,
  code: string,
  line: number,
  column: number | undefined,
  file: string | undefined,
): Finding {
  const cwe = cwes.map((c) => normalizeCwe(String(c))).filter((c): c is CweId => !!c);
  return {
    cwe: cwe.length ? cwe : ['CWE-710'],
    ruleId: `${source}.${ruleId}`,
    source,
    severity,
    message,
    span: lineSpan(positions, code, Math.max(1, line), column),
    ...(file ? { file } : {}),
  };
}

const bandit: ExternalRunner = {
  name: 'bandit',
  languages: ['python'],
  async run(inputs) {
    const index = new InputIndex(inputs);
    const r = await run('bandit', ['-f', 'json', '-q', ...inputs.map((i) => i.path)], 300_000);
    let data: {
      results?: {
        filename: string;
        test_id: string;
        issue_severity: string;
        issue_text: string;
        line_number: number;
        col_offset?: number;
      }[];
    };
    try {
      data = JSON.parse(r.stdout);
    } catch {
      return { findings: [], notes: [`bandit failed: ${r.stderr.split('\n')[0] ?? 'no output'}`] };
    }
    const findings: Finding[] = [];
    for (const x of data.results ?? []) {
      const at = index.get(x.filename);
      if (!at) continue;
      findings.push(
        finding(
          'bandit',
          x.test_id,
          [BANDIT_CWE[x.test_id] ?? 710],
          x.issue_severity === 'HIGH' ? 'error' : x.issue_severity === 'MEDIUM' ? 'warning' : 'note',
          x.issue_text,
          at.pos,
          at.input.code,
          x.line_number,
          x.col_offset === undefined ? undefined : x.col_offset + 1,
          at.input.display ?? at.input.path,
        ),
      );
    }
    return { findings, notes: [] };
  },
};

const cppcheck: ExternalRunner = {
  name: 'cppcheck',
  languages: ['c', 'cpp'],
  async run(inputs) {
    const index = new InputIndex(inputs);
    const findings: Finding[] = [];
    for (const language of ['c', 'cpp'] as const) {
      const mine = inputs.filter((i) => i.language === language);
      if (!mine.length) continue;
      const r = await run(
        'cppcheck',
        [
          '--xml',
          '--enable=warning,portability',
          '--quiet',
          `--language=${language === 'cpp' ? 'c++' : 'c'}`,
          ...mine.map((i) => i.path),
        ],
        300_000,
      );
      for (const m of r.stderr.matchAll(/<error ([^>]*)>([\s\S]*?)<\/error>/g)) {
        const attrs = m[1] ?? '';
        const attr = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(attrs)?.[1];
        const loc = /<location file="([^"]*)" line="(\d+)" column="(\d+)"/.exec(m[2] ?? '');
        const at = index.get(loc?.[1] === undefined ? undefined : unescapeXml(loc[1]));
        if (!loc || !at) continue;
        const sevText = attr('severity');
        const sev = sevText === 'error' ? 'error' : sevText === 'warning' ? 'warning' : 'note';
        const cwe = attr('cwe');
        findings.push(
          finding(
            'cppcheck',
            attr('id') ?? 'unknown',
            cwe ? [cwe] : [710],
            sev,
            unescapeXml(attr('msg') ?? ''),
            at.pos,
            at.input.code,
            Number(loc[2]),
            Number(loc[3]),
            at.input.display ?? at.input.path,
          ),
        );
      }
    }
    return { findings, notes: [] };
  },
};

const flawfinder: ExternalRunner = {
  name: 'flawfinder',
  languages: ['c', 'cpp'],
  async run(inputs) {
    const index = new InputIndex(inputs);
    const r = await run(
      'flawfinder',
      ['--csv', '--quiet', '--dataonly', '--minlevel=2', ...inputs.map((i) => i.path)],
      300_000,
    );
    const findings: Finding[] = [];
    for (const row of parseCsv(r.stdout).slice(1)) {
      const [file, line, column, , level, , name, warning, , , cwes] = row;
      const at = index.get(file);
      if (!line || !at) continue;
      const ids = (cwes ?? '').match(/CWE-\d+/g) ?? ['CWE-710'];
      const lv = Number(level);
      findings.push(
        finding(
          'flawfinder',
          name ?? 'unknown',
          ids,
          lv >= 4 ? 'error' : lv >= 3 ? 'warning' : 'note',
          warning ?? '',
          at.pos,
          at.input.code,
          Number(line),
          Number(column),
          at.input.display ?? at.input.path,
        ),
      );
    }
    return { findings, notes: [] };
  },
};

const eslint: ExternalRunner = {
  name: 'eslint',
  languages: ['javascript'],
  async run(inputs) {
    const index = new InputIndex(inputs);
    const r = await run(
      eslintPath(),
      [
        '--no-config-lookup',
        '--plugin',
        'security',
        '--rule',
        '{"security/detect-child-process":"warn","security/detect-eval-with-expression":"warn","security/detect-non-literal-fs-filename":"warn","security/detect-non-literal-regexp":"warn","security/detect-unsafe-regex":"warn","security/detect-pseudoRandomBytes":"warn","security/detect-possible-timing-attacks":"warn"}',
        '-f',
        'json',
        ...inputs.map((i) => i.path),
      ],
      300_000,
    );
    let data: {
      filePath: string;
      messages: { ruleId: string | null; message: string; line: number; column: number; severity: number }[];
    }[];
    try {
      data = JSON.parse(r.stdout);
    } catch {
      return {
        findings: [],
        notes: [`eslint failed: ${(r.stderr || r.stdout).split('\n')[0] ?? 'no output'}`],
      };
    }
    const findings: Finding[] = [];
    for (const f of data) {
      const at = index.get(f.filePath);
      if (!at) continue;
      for (const m of f.messages) {
        if (!m.ruleId || !ESLINT_SECURITY_CWE[m.ruleId]) continue;
        findings.push(
          finding(
            'eslint',
            m.ruleId,
            [ESLINT_SECURITY_CWE[m.ruleId] ?? 710],
            m.severity >= 2 ? 'error' : 'warning',
            m.message,
            at.pos,
            at.input.code,
            m.line,
            m.column,
            at.input.display ?? at.input.path,
          ),
        );
      }
    }
    return { findings, notes: [] };
  },
};

/** Checkers added to clang's defaults (dead stores are turned off: not a weakness). */
const CLANG_EXTRA_CHECKERS = [
  'security.insecureAPI.strcpy',
  'alpha.security.ArrayBoundV2',
  'alpha.security.MallocOverflow',
  'alpha.security.ReturnPtrRange',
  'alpha.security.taint.TaintPropagation',
  'alpha.unix.cstring.OutOfBounds',
];

/** clang analyzer checker (and, where one checker reports several weaknesses, its message) -> CWE. */
export function clangCwe(checker: string, message: string): number[] {
  if (/^(?:unix\.Malloc|cplusplus\.NewDelete)/.test(checker)) {
    if (/after it is (?:freed|released)|released memory|use of memory after/i.test(message)) {
      return /free released|release.*released|twice/i.test(message) ? [415] : [416];
    }
    if (/leak/i.test(message)) return [401];
    if (/zero.?(?:allocated|size)/i.test(message)) return [687];
    return [590];
  }
  if (/taint/i.test(checker)) {
    if (/system call|command/i.test(message)) return [78];
    if (/format string/i.test(message)) return [134];
    if (/buffer size|memory allocation|size/i.test(message)) return [789];
    return [20];
  }
  const table: [RegExp, number[]][] = [
    [
      /^core\.(?:NullDereference|NonNullParamChecker|CallAndMessage)|^unix\.cstring\.NullArg|^nullability/,
      [476],
    ],
    [/^core\.uninitialized/, [457]],
    [/^core\.DivideZero/, [369]],
    [/^core\.StackAddr/, [562]],
    [/ArrayBound|cstring\.OutOfBounds|ReturnPtrRange/, [125, 787]],
    [/^unix\.cstring\.BadSizeArg|^unix\.MallocSizeof/, [131]],
    [/MallocOverflow/, [190, 680]],
    [/insecureAPI\.(?:strcpy|DeprecatedOrUnsafeBufferHandling)/, [120]],
    [/insecureAPI\.gets/, [242]],
    [/insecureAPI\.(?:mktemp|mkstemp)/, [377]],
    [/insecureAPI\.rand/, [338]],
    [/insecureAPI\.UncheckedReturn/, [252]],
  ];
  return table.find(([re]) => re.test(checker))?.[1] ?? [710];
}

/**
 * clang's static analyzer (`clang --analyze`, path-sensitive, inter-procedural within a file). It
 * analyzes only files that compile: a snippet with unknown types or missing headers gets nothing.
 */
const clangAnalyzer: ExternalRunner = {
  name: 'clang',
  // Measured on CWEval and SafeCoder, it adds nothing to TSP's rules (docs/analyzer.md): by name only.
  byNameOnly: true,
  languages: ['c', 'cpp'],
  async run(inputs) {
    const index = new InputIndex(inputs);
    const findings: Finding[] = [];
    const notes: string[] = [];
    const includes = ['/usr/include/libxml2'].filter((d) => existsSync(d)).map((d) => `-I${d}`);
    for (const language of ['c', 'cpp'] as const) {
      const mine = inputs.filter((i) => i.language === language);
      if (!mine.length) continue;
      const r = await run(
        'clang',
        [
          '--analyze',
          '-w',
          `-x${language === 'cpp' ? 'c++' : 'c'}`,
          ...includes,
          '-Xanalyzer',
          '-analyzer-output=text',
          '-Xanalyzer',
          `-analyzer-checker=${CLANG_EXTRA_CHECKERS.join(',')}`,
          '-Xanalyzer',
          '-analyzer-disable-checker=deadcode',
          ...mine.map((i) => i.path),
        ],
        600_000,
      );
      const failed = new Set<string>();
      for (const m of r.stderr.matchAll(/^(.+?):(\d+):(\d+): (warning|error): (.*?)(?: \[([\w.-]+)\])?$/gm)) {
        const [, file, line, column, kind, message = '', checker] = m;
        const at = index.get(file);
        if (!at) continue;
        if (kind === 'error') failed.add(at.input.path);
        if (kind !== 'warning' || !checker) continue;
        const core = /^(?:core|unix|cplusplus|alpha\.security\.ArrayBound|alpha\.unix)/.test(checker);
        findings.push(
          finding(
            'clang',
            checker,
            clangCwe(checker, message),
            core ? 'error' : 'warning',
            message.replace(/ CWE-\d+$/, ''),
            at.pos,
            at.input.code,
            Number(line),
            Number(column),
            at.input.display ?? at.input.path,
          ),
        );
      }
      if (failed.size)
        notes.push(
          `clang: ${failed.size} of ${mine.length} ${language} files did not compile (not analyzed)`,
        );
    }
    return { findings, notes };
  },
};

const RUNNERS: ExternalRunner[] = [bandit, cppcheck, flawfinder, clangAnalyzer, eslint];

/** The installed external analyzers among those asked for (true = all but the by-name-only ones). */
export async function selectExternal(which: true | string[]): Promise<ExternalRunner[]> {
  const wanted = RUNNERS.filter((r) => (which === true ? !r.byNameOnly : which.includes(r.name)));
  return wanted.filter((w) => {
    const spec = ANALYZERS.find((a) => a.name === w.name);
    if (!spec || !onPath(spec.command)) return false;
    if (w.name === 'eslint') return existsSync(resolve(dirname(eslintPath()), '../eslint-plugin-security'));
    return true;
  });
}

/**
 * Runs each external analyzer once per batch over every file of its languages (files that are not
 * on disk, e.g. model output, go through a temporary folder). Findings carry `display ?? path`.
 */
export async function runExternalBatch(
  runners: ExternalRunner[],
  inputs: ExternalInput[],
): Promise<ExternalResult> {
  const tmp = inputs.some((i) => !existsSync(i.path))
    ? await mkdtemp(join(tmpdir(), 'tsp-scan-'))
    : undefined;
  try {
    const onDisk: ExternalInput[] = [];
    for (const [n, i] of inputs.entries()) {
      if (existsSync(i.path)) onDisk.push(i);
      else {
        const path = join(tmp as string, `input-${n}.${LANGUAGE_EXTENSION[i.language]}`);
        await writeFile(path, i.code);
        onDisk.push({ ...i, path, display: i.display ?? '' }); // '' = report no file (a snippet)
      }
    }
    const jobs: Promise<ExternalResult>[] = [];
    for (const r of runners) {
      const mine = onDisk.filter((i) => r.languages.includes(i.language));
      for (let k = 0; k < mine.length; k += BATCH)
        jobs.push(
          r.run(mine.slice(k, k + BATCH)).catch((e: unknown) => ({
            findings: [] as Finding[],
            notes: [`${r.name} failed: ${e instanceof Error ? e.message : String(e)}`],
          })),
        );
    }
    const results = await Promise.all(jobs);
    return { findings: results.flatMap((r) => r.findings), notes: results.flatMap((r) => r.notes) };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** Runs the external analyzers for a language on one piece of code (one file). */
export async function runExternal(
  runners: ExternalRunner[],
  code: string,
  language: Language,
  file?: string,
): Promise<ExternalResult> {
  const path = file && existsSync(file) ? file : `/nonexistent/input.${LANGUAGE_EXTENSION[language]}`;
  return runExternalBatch(runners, [{ path, code, language, display: file ?? '' }]);
}

function onPath(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, command)));
}

function unescapeXml(s: string): string {
  return s
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A small RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
