/**
 * Benchmark runner: `npm run bench` runs every benchmark in this folder, `npm run bench -- sandbox`
 * the named ones. A benchmark is `bench/<name>.ts` exporting
 * `async function run(): Promise<{ table: string; json: unknown }>`; the runner prints the table
 * and writes `bench/results/<name>.json` (with the time, the load average and the machine).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Benchmark {
  run(): Promise<{ table: string; json: unknown }>;
}

const here = dirname(fileURLToPath(import.meta.url));

async function available(): Promise<string[]> {
  return (await readdir(here))
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(): Promise<void> {
  const all = await available();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length) {
    console.error(`bench: unknown benchmark ${unknown.join(', ')}; available: ${all.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const names = wanted.length ? wanted : all;
  await mkdir(join(here, 'results'), { recursive: true });
  for (const name of names) {
    const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as Partial<Benchmark>;
    if (typeof mod.run !== 'function') {
      console.error(`bench: ${name}.ts does not export run()`);
      process.exitCode = 2;
      continue;
    }
    const loadBefore = loadavg();
    const started = new Date();
    console.log(
      `# ${name}  (${started.toISOString()}, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`,
    );
    const { table, json } = await mod.run();
    console.log(table);
    const loadAfter = loadavg();
    console.log(`load after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}\n`);
    const out = {
      benchmark: name,
      startedAt: started.toISOString(),
      command: `npm run bench -- ${name}`,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30) },
      loadBefore,
      loadAfter,
      results: json,
    };
    await writeFile(join(here, 'results', `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
  }
}

await main();
