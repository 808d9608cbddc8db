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
 * Adapters for the analyzers a machine may have: bandit (Python), cppcheck and flawfinder (C/C++),
 * eslint with eslint-plugin-security (JavaScript). Each runs on a file, and its results are
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

export interface ExternalRunner {
  name: string;
  languages: readonly Language[];
  run(
    file: string,
    code: string,
    language: Language,
    displayFile?: string,
  ): Promise<{ findings: Finding[]; notes: string[] }>;
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
  async run(file, code, _language, display) {
    const r = await run('bandit', ['-f', 'json', '-q', file]);
    let data: {
      results?: {
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
    const pos = new PositionIndex(code);
    const findings = (data.results ?? []).map((x) =>
      finding(
        'bandit',
        x.test_id,
        [BANDIT_CWE[x.test_id] ?? 710],
        x.issue_severity === 'HIGH' ? 'error' : x.issue_severity === 'MEDIUM' ? 'warning' : 'note',
        x.issue_text,
        pos,
        code,
        x.line_number,
        x.col_offset === undefined ? undefined : x.col_offset + 1,
        display,
      ),
    );
    return { findings, notes: [] };
  },
};

const cppcheck: ExternalRunner = {
  name: 'cppcheck',
  languages: ['c', 'cpp'],
  async run(file, code, language, display) {
    const r = await run('cppcheck', [
      '--xml',
      '--enable=warning,portability',
      '--quiet',
      `--language=${language === 'cpp' ? 'c++' : 'c'}`,
      file,
    ]);
    const pos = new PositionIndex(code);
    const findings: Finding[] = [];
    for (const m of r.stderr.matchAll(/<error ([^>]*)>([\s\S]*?)<\/error>/g)) {
      const attrs = m[1] ?? '';
      const attr = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(attrs)?.[1];
      const loc = /<location file="[^"]*" line="(\d+)" column="(\d+)"/.exec(m[2] ?? '');
      if (!loc) continue;
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
          pos,
          code,
          Number(loc[1]),
          Number(loc[2]),
          display,
        ),
      );
    }
    return { findings, notes: [] };
  },
};

const flawfinder: ExternalRunner = {
  name: 'flawfinder',
  languages: ['c', 'cpp'],
  async run(file, code, _language, display) {
    const r = await run('flawfinder', ['--csv', '--quiet', '--dataonly', '--minlevel=2', file]);
    const pos = new PositionIndex(code);
    const findings: Finding[] = [];
    for (const row of parseCsv(r.stdout).slice(1)) {
      const [, line, column, , level, , name, warning, , , cwes] = row;
      if (!line) continue;
      const ids = (cwes ?? '').match(/CWE-\d+/g) ?? ['CWE-710'];
      const lv = Number(level);
      findings.push(
        finding(
          'flawfinder',
          name ?? 'unknown',
          ids,
          lv >= 4 ? 'error' : lv >= 3 ? 'warning' : 'note',
          warning ?? '',
          pos,
          code,
          Number(line),
          Number(column),
          display,
        ),
      );
    }
    return { findings, notes: [] };
  },
};

const eslint: ExternalRunner = {
  name: 'eslint',
  languages: ['javascript'],
  async run(file, code, _language, display) {
    const r = await run(eslintPath(), [
      '--no-config-lookup',
      '--plugin',
      'security',
      '--rule',
      '{"security/detect-child-process":"warn","security/detect-eval-with-expression":"warn","security/detect-non-literal-fs-filename":"warn","security/detect-non-literal-regexp":"warn","security/detect-unsafe-regex":"warn","security/detect-pseudoRandomBytes":"warn","security/detect-possible-timing-attacks":"warn"}',
      '-f',
      'json',
      file,
    ]);
    let data: {
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
    const pos = new PositionIndex(code);
    const findings = data.flatMap((f) =>
      f.messages
        .filter((m) => m.ruleId && ESLINT_SECURITY_CWE[m.ruleId])
        .map((m) =>
          finding(
            'eslint',
            m.ruleId ?? 'unknown',
            [ESLINT_SECURITY_CWE[m.ruleId ?? ''] ?? 710],
            m.severity >= 2 ? 'error' : 'warning',
            m.message,
            pos,
            code,
            m.line,
            m.column,
            display,
          ),
        ),
    );
    return { findings, notes: [] };
  },
};

const RUNNERS: ExternalRunner[] = [bandit, cppcheck, flawfinder, eslint];

/** The installed external analyzers among those asked for (true = all). */
export async function selectExternal(which: true | string[]): Promise<ExternalRunner[]> {
  const wanted = RUNNERS.filter((r) => which === true || which.includes(r.name));
  return wanted.filter((w) => {
    const spec = ANALYZERS.find((a) => a.name === w.name);
    if (!spec || !onPath(spec.command)) return false;
    if (w.name === 'eslint') return existsSync(resolve(dirname(eslintPath()), '../eslint-plugin-security'));
    return true;
  });
}

/** Runs the external analyzers for a language on code (through a temporary file when needed). */
export async function runExternal(
  runners: ExternalRunner[],
  code: string,
  language: Language,
  file?: string,
): Promise<{ findings: Finding[]; notes: string[] }> {
  const mine = runners.filter((r) => r.languages.includes(language));
  if (!mine.length) return { findings: [], notes: [] };
  let path = file && existsSync(file) ? file : undefined;
  let tmp: string | undefined;
  if (!path) {
    tmp = await mkdtemp(join(tmpdir(), 'tsp-scan-'));
    path = join(tmp, `input.${LANGUAGE_EXTENSION[language]}`);
    await writeFile(path, code);
  }
  try {
    const results = await Promise.all(
      mine.map((r) =>
        r.run(path as string, code, language, file).catch((e: unknown) => ({
          findings: [] as Finding[],
          notes: [`${r.name} failed: ${e instanceof Error ? e.message : String(e)}`],
        })),
      ),
    );
    return { findings: results.flatMap((r) => r.findings), notes: results.flatMap((r) => r.notes) };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
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
