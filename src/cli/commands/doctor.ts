import { defineCommand } from 'citty';
import { checkSandbox } from '../../sandbox/self-check.ts';
import { ANALYZER_TOOLS, detectTools, TOOLCHAINS } from '../../sandbox/toolchains.ts';
import { formatTable, printJson } from '../output.ts';

export default defineCommand({
  meta: {
    name: 'doctor',
    description:
      'List each toolchain and analyzer TSP uses: found or missing, and the package that provides it; then try the sandbox.',
  },
  args: {
    json: { type: 'boolean', description: 'print JSON' },
    'no-sandbox': { type: 'boolean', description: 'skip the live sandbox check' },
  },
  async run({ args }) {
    const tools = await detectTools([...TOOLCHAINS, ...ANALYZER_TOOLS]);
    const sandbox = args['no-sandbox'] ? [] : await checkSandbox();
    if (args.json) return printJson({ tools, sandbox });
    const rows = tools.map((t) => [
      t.name,
      t.found ? 'found' : 'MISSING',
      t.found ? (t.version ?? t.path ?? '') : `apt-get install ${t.debianPackage}`,
      t.purpose,
    ]);
    console.log(formatTable(['tool', 'status', 'version / install', 'used for'], rows));
    const missing = tools.filter((t) => !t.found);
    if (missing.length)
      console.log(
        `\n${missing.length} missing: run scripts/setup.sh (or apt-get install ${[...new Set(missing.map((t) => t.debianPackage))].join(' ')})`,
      );
    if (sandbox.length) {
      console.log('');
      console.log(
        formatTable(
          ['check', 'status', 'detail'],
          sandbox.map((c) => [c.name, c.ok ? 'ok' : 'FAILED', c.detail]),
        ),
      );
    }
  },
});
