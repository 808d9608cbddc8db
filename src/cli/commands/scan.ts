import { writeFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import { collectFiles, createAnalyzer, formatScanText, scanFiles, toSarif } from '../../analyzers/index.ts';
import { TspError } from '../../spec/errors.ts';
import { LANGUAGES, type Language } from '../../spec/language.ts';
import { ExitCode } from '../main.ts';

export default defineCommand({
  meta: {
    name: 'scan',
    description:
      'Static security scan (tree-sitter CWE rules, plus bandit/cppcheck/flawfinder/eslint when installed) of files or folders: text, JSON or SARIF 2.1.0.',
  },
  args: {
    paths: { type: 'positional', description: 'files or directories', required: true },
    lang: { type: 'string', description: `treat every file as this language (${LANGUAGES.join('|')})` },
    format: { type: 'string', description: 'text | json | sarif', default: 'text' },
    output: { type: 'string', alias: 'o', description: 'write the report to this file instead of stdout' },
    external: {
      type: 'boolean',
      description:
        'run the installed external analyzers: bandit, cppcheck, flawfinder, eslint (default on; --no-external: only TSP rules)',
      default: true,
    },
    'fail-on': {
      type: 'string',
      description: 'exit 1 when a finding has at least this severity: error | warning | note | never',
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
    const positional = (args._ as string[] | undefined)?.length ? (args._ as string[]) : [String(args.paths)];
    const useExternal = args.external !== false;
    const analyzer = await createAnalyzer({ external: useExternal });
    const files = await collectFiles(positional);
    const scans = await scanFiles(files, analyzer, lang as Language | undefined);
    let out: string;
    if (format === 'sarif') out = JSON.stringify(toSarif(scans, analyzer.rules), null, 2);
    else if (format === 'json')
      out = JSON.stringify(
        {
          external: analyzer.external,
          files: scans.map(({ source: _source, ...rest }) => rest),
        },
        null,
        2,
      );
    else
      out = `${formatScanText(scans, { color: !args.output && process.stdout.isTTY })}${analyzer.external.length ? `\n(external: ${analyzer.external.join(', ')})` : ''}`;
    if (args.output) await writeFile(String(args.output), `${out}\n`);
    else process.stdout.write(`${out}\n`);
    const rank = { error: 0, warning: 1, note: 2 } as const;
    const failOn = String(args['fail-on']);
    if (failOn !== 'never' && failOn in rank) {
      const limit = rank[failOn as keyof typeof rank];
      if (scans.some((s) => s.findings.some((f) => rank[f.severity] <= limit))) throw new ExitCode(1);
    }
  },
});
