import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { writeFixtureRun } from '../../report/fixture.ts';
import { renderRunMarkdown, writeReport } from '../../report/index.ts';
import { isTrainWorkDir, writeTrainReport } from '../../report/train-report.ts';
import { TspError } from '../../spec/errors.ts';
import { printJson } from '../output.ts';
import { createProgress } from '../progress.ts';

function parseKb(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new TspError('invalid-input', `--max-tree-kb must be a positive number (got '${String(raw)}')`, {
      hint: 'e.g. --max-tree-kb 3000',
    });
  }
  return Math.round(n * 1000);
}

export default defineCommand({
  meta: {
    name: 'report',
    description:
      'Write the self-contained HTML report (report.html: results table, charts, tree viewer) and results.md of a run directory; for a tsp train work directory, its rounds and pairs.',
  },
  args: {
    runDir: {
      type: 'positional',
      required: true,
      description: 'run directory (runs/<runId>) or tsp train work directory',
    },
    out: { type: 'string', description: 'where to write the HTML (default <runDir>/report.html)' },
    'max-tree-kb': {
      type: 'string',
      description: 'budget of tree data embedded in the viewer, kB before compression (default 1500)',
    },
    demo: {
      type: 'boolean',
      description:
        'first write a synthetic demo run into <runDir> (generated numbers, for trying the report)',
    },
    json: { type: 'boolean', description: 'print { htmlPath, bytes, markdownPath } as JSON' },
    readme: {
      type: 'boolean',
      description:
        "print the README's results tables (per split, then the self-play rounds) as Markdown instead of writing the report",
    },
    calibration: {
      type: 'boolean',
      description:
        "print the base model's calibration tables (per split, language and CWE; docs/suite.md) as Markdown instead of writing the report",
    },
  },
  async run({ args }) {
    const runDir = resolve(String(args.runDir));
    const maxTreeBytes = parseKb(args['max-tree-kb']);
    if (args.demo) await writeFixtureRun(runDir, { runId: 'demo' });
    if ((args.readme || args.calibration) && !isTrainWorkDir(runDir)) {
      process.stdout.write(
        await renderRunMarkdown(runDir, { variant: args.readme ? 'readme' : 'calibration' }),
      );
      return;
    }
    if (isTrainWorkDir(runDir)) {
      // A `tsp train` work directory: its rounds, not an experiment's results.
      if (args.readme || args.calibration)
        throw new TspError(
          'invalid-input',
          `${runDir} is a tsp train work directory: --readme and --calibration are for tsp run directories`,
        );
      const r = await writeTrainReport(runDir, args.out ? { out: resolve(String(args.out)) } : {});
      if (args.json) return printJson(r);
      console.log(`wrote ${r.htmlPath} and ${r.markdownPath} (tsp train work directory)`);
      return;
    }
    const progress = createProgress({ enabled: !args.json || !!process.stderr.isTTY });
    const result = await writeReport(runDir, {
      ...(args.out ? { out: resolve(String(args.out)) } : {}),
      ...(maxTreeBytes ? { maxTreeBytes } : {}),
      onProgress: progress.update,
    });
    progress.done();
    if (args.json) return printJson(result);
    console.log(`wrote ${result.htmlPath} (${(result.bytes / 1024).toFixed(0)} KiB)`);
    if (result.markdownPath) console.log(`wrote ${result.markdownPath}`);
  },
});
