import { defineCommand } from 'citty';
import { nativeStatus, plannedComputePath } from '../../models/embedded/native-blas.ts';
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
    sandbox: { type: 'boolean', default: true, description: 'try the sandbox live (--no-sandbox to skip)' },
  },
  async run({ args }) {
    const tools = await detectTools([...TOOLCHAINS, ...ANALYZER_TOOLS]);
    const sandbox = args.sandbox === false ? [] : await checkSandbox();
    const embedded = { ...plannedComputePath(), addon: nativeStatus() };
    if (args.json) return printJson({ tools, sandbox, embeddedModel: embedded });
    const rows = tools.map((t) => [
      t.name,
      t.found ? 'found' : t.optional ? 'absent' : 'MISSING',
      t.found ? (t.version ?? t.path ?? '') : `apt-get install ${t.debianPackage}`,
      t.optional ? `${t.purpose}; optional` : t.purpose,
    ]);
    console.log(formatTable(['tool', 'status', 'version / install', 'used for'], rows));
    const packages = (ts: typeof tools) => [...new Set(ts.map((t) => t.debianPackage))].join(' ');
    const missing = tools.filter((t) => !t.found && !t.optional);
    if (missing.length)
      console.log(
        `\n${missing.length} missing: run scripts/setup.sh (or apt-get install ${packages(missing)})`,
      );
    const absent = tools.filter((t) => !t.found && t.optional);
    if (absent.length)
      console.log(
        `\n${absent.length} optional tool(s) absent (used when installed; setup does not install them): apt-get install ${packages(absent)}`,
      );
    console.log(
      `\nembedded model: ${embedded.path} path (${embedded.detail})${
        embedded.path === 'wasm' ? '; scripts/setup.sh builds the native addon (libopenblas-pthread-dev)' : ''
      }`,
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
