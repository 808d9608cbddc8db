import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import {
  applyScanFilters,
  type Baseline,
  collectFiles,
  createAnalyzer,
  createBaseline,
  displayPath,
  type FindingFilter,
  formatScanText,
  parseBaseline,
  SEVERITY_RANK,
  scanFiles,
  scanRoot,
  toSarif,
} from '../../analyzers/index.ts';
import { TspError } from '../../spec/errors.ts';
import type { Severity } from '../../spec/finding.ts';
import { LANGUAGES, type Language } from '../../spec/language.ts';
import { ExitCode } from '../main.ts';

const list = (v: unknown): string[] | undefined =>
  v === undefined || v === ''
    ? undefined
    : String(v)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

function severityArg(name: string, value: unknown): Severity | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  if (s in SEVERITY_RANK) return s as Severity;
  throw new TspError('invalid-input', `unknown ${name} '${s}'`, { hint: 'use error, warning or note' });
}

export default defineCommand({
  meta: {
    name: 'scan',
    description:
      'Static security scan (tree-sitter CWE rules; --external adds bandit/cppcheck/flawfinder/eslint when installed, each run once over all files) of files or folders: text, JSON or SARIF 2.1.0, paths relative to the scan root.',
  },
  args: {
    paths: { type: 'positional', description: 'files or directories', required: true },
    lang: { type: 'string', description: `treat every file as this language (${LANGUAGES.join('|')})` },
    format: { type: 'string', description: 'text | json | sarif', default: 'text' },
    output: { type: 'string', alias: 'o', description: 'write the report to this file instead of stdout' },
    external: {
      type: 'boolean',
      description:
        'also run the installed external analyzers (bandit, cppcheck, flawfinder, eslint), once each over all files; off by default: on real fix pairs they add more findings on fixed code than on vulnerable code (docs/analyzer.md)',
      default: false,
    },
    'no-external': { type: 'boolean', description: 'only TSP rules (the default; kept for old scripts)' },
    rules: {
      type: 'string',
      description: 'only these rules: comma-separated ids, prefixes with * (py.*, bandit.*) or CWEs (CWE-89)',
    },
    'exclude-rules': { type: 'string', description: 'drop these rules (same syntax as --rules)' },
    'min-severity': {
      type: 'string',
      description: 'report only findings at least this severe: error | warning | note',
    },
    baseline: { type: 'string', description: 'suppress the findings recorded in this baseline file' },
    'write-baseline': { type: 'string', description: 'record the (filtered) findings in this baseline file' },
    'fail-on': {
      type: 'string',
      description:
        'exit 1 when a reported finding has at least this severity: error | warning | note | never',
      default: 'error',
    },
  },
  async run({ args }) {
    const format = String(args.format);
    if (!['text', 'json', 'sarif'].includes(format))
      throw new TspError('invalid-input', `unknown --format '${format}'`, {
        hint: 'use text, json or sarif',
      });
    const lang = args.lang ? String(args.lang) : undefined;
    if (lang && !LANGUAGES.includes(lang as Language))
      throw new TspError('invalid-input', `unknown --lang '${lang}'`, {
        hint: `use one of ${LANGUAGES.join(', ')}`,
      });
    const failOn = String(args['fail-on']);
    if (failOn !== 'never') severityArg('--fail-on', failOn);
    const filter: FindingFilter = {
      ...(list(args.rules) ? { rules: list(args.rules) } : {}),
      ...(list(args['exclude-rules']) ? { excludeRules: list(args['exclude-rules']) } : {}),
      ...(args['min-severity'] ? { minSeverity: severityArg('--min-severity', args['min-severity']) } : {}),
    };
    let baseline: Baseline | undefined;
    if (args.baseline) {
      const file = String(args.baseline);
      try {
        baseline = parseBaseline(await readFile(file, 'utf8'));
      } catch (cause) {
        throw new TspError('invalid-input', `cannot read baseline ${file}`, {
          hint: 'create one with --write-baseline',
          cause,
        });
      }
    }
    const positional = (args._ as string[] | undefined)?.length ? (args._ as string[]) : [String(args.paths)];
    const useExternal = args.external === true && !args['no-external'];
    const analyzer = await createAnalyzer({ external: useExternal, ruleErrors: 'note' });
    const files = await collectFiles(positional);
    const root = scanRoot(positional, (abs) => statSync(abs).isDirectory());
    const scans = await scanFiles(files, analyzer, lang as Language | undefined);
    const suppressed = applyScanFilters(scans, root, filter, baseline);
    if (args['write-baseline'])
      await writeFile(
        String(args['write-baseline']),
        `${JSON.stringify(createBaseline(scans, root), null, 2)}\n`,
      );
    let out: string;
    if (format === 'sarif') out = JSON.stringify(toSarif(scans, analyzer.rules, { baseDir: root }), null, 2);
    else if (format === 'json')
      out = JSON.stringify(
        {
          root,
          external: analyzer.external,
          suppressedByBaseline: suppressed,
          files: scans.map(({ source: _source, file, ...rest }) => ({
            file: displayPath(file, root),
            ...rest,
            findings: rest.findings.map((f) => ({
              ...f,
              ...(f.file ? { file: displayPath(f.file, root) } : {}),
            })),
          })),
        },
        null,
        2,
      );
    else
      out = [
        formatScanText(scans, { color: !args.output && process.stdout.isTTY, root }),
        ...(suppressed
          ? [`(${suppressed} known finding${suppressed === 1 ? '' : 's'} suppressed by the baseline)`]
          : []),
        ...(analyzer.external.length ? [`(external: ${analyzer.external.join(', ')})`] : []),
      ].join('\n');
    if (args.output) await writeFile(String(args.output), `${out}\n`);
    else process.stdout.write(`${out}\n`);
    if (failOn !== 'never') {
      const limit = SEVERITY_RANK[failOn as Severity];
      if (scans.some((s) => s.findings.some((f) => SEVERITY_RANK[f.severity] <= limit)))
        throw new ExitCode(1);
    }
  },
});
