import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSandboxCommand } from './bwrap.ts';
import { PythonServer, type PythonTestRequest } from './python-server.ts';

const FILES = ['js-observer.cjs', 'js-sample-host.cjs', 'js-codec.cjs'].map((name) => ({
  host: fileURLToPath(new URL(`./${name}`, import.meta.url)),
  sandbox: `/opt/tsp/${name}`,
}));

/**
 * The addon the observer makes itself non-dumpable with (native/tsp-nodump.c, built by
 * scripts/build-launchers.sh): its sample processes are its children and run as its uid, so without
 * it a sample could read or rewrite the observer's memory (/proc/<parent>/mem). Without the file the
 * observer refuses every request (each sample then gets an oracle error, never a verdict).
 */
export const NODUMP_ADDON = fileURLToPath(new URL('../../native/build/tsp-nodump.node', import.meta.url));

/**
 * The JavaScript observer of one worker slot: a warm node process in its own sandbox that runs the
 * harnesses and starts one sample process per sample (src/sandbox/js-observer.cjs). Same request
 * protocol and life cycle as the Python server (started on first use, restarted if it dies).
 */
export class JsObserverServer extends PythonServer {
  protected override label = 'javascript observer';

  constructor(
    uid: number,
    private readonly js: { nodeModules?: string; traceModes?: boolean } = {},
  ) {
    super(uid, { ...(js.traceModes ? { traceModes: true } : {}) });
  }

  protected override encode(req: PythonTestRequest): Record<string, unknown> {
    return {
      files: req.files,
      harness: req.harness,
      seed: req.seed ?? 'tsp',
      tests: req.tests,
      kinds: req.kinds ?? [],
      limits: req.limits,
      env: { ...(this.js.nodeModules ? { NODE_PATH: '/opt/node_modules' } : {}), ...(req.env ?? {}) },
    };
  }

  protected override command() {
    const binds = FILES.map((f) => `${f.host}:${f.sandbox}`);
    if (existsSync(NODUMP_ADDON)) binds.push(`${NODUMP_ADDON}:/opt/tsp/tsp-nodump.node`);
    if (!process.execPath.startsWith('/usr/')) binds.push(dirname(process.execPath));
    if (this.js.nodeModules) binds.push(`${this.js.nodeModules}:/opt/node_modules`);
    return buildSandboxCommand({
      uid: this.uid,
      canaries: this.canaries(),
      argv: [process.execPath, '/opt/tsp/js-observer.cjs'],
      readOnlyBinds: binds,
      env: this.sandboxEnv({}),
      ...this.traceModes(),
    });
  }
}
