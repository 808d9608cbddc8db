import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../core/atomic-file.ts';
import { diffSettings } from '../core/config-diff.ts';
import { TspError } from '../spec/errors.ts';
import type { GenerateResult } from '../spec/policy.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import { appendJsonl, readJsonl } from './jsonl.ts';
import { contentKey, KeyedCache } from './keyed-cache.ts';

export interface Manifest {
  runId: string;
  createdAt: string;
  configHash: string;
  config: unknown;
  versions: Record<string, string>;
  gitCommit: string | null;
}

function normalizeOrKeep(normalize: (c: unknown) => unknown, config: unknown): unknown {
  try {
    return normalize(config);
  } catch {
    return config; // not readable as today's schema: the difference is reported as it is
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/**
 * A run directory: manifest, append-only records of finished work, caches of generations and
 * verdicts, trees, pairs and checkpoints. Opening an existing directory resumes it; its config must
 * be the one it was started with.
 */
export class RunDir {
  readonly genCache: KeyedCache<GenerateResult[]>;
  readonly verdictCache: KeyedCache<VerdictSummary>;
  readonly manifest: Manifest;
  readonly resumed: boolean;

  constructor(
    readonly path: string,
    config: unknown,
    versions: Record<string, string>,
    now: () => Date = () => new Date(),
    /**
     * Reads a saved configuration as today's schema does (e.g. fills settings added since with
     * their defaults), so that a run started before a setting existed resumes with its default.
     */
    normalize: (saved: unknown) => unknown = (c) => c,
  ) {
    mkdirSync(path, { recursive: true });
    const configHash = contentKey(config);
    const manifestPath = join(path, 'manifest.json');
    if (existsSync(manifestPath)) {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
      const saved = m.configHash === configHash ? m.config : normalizeOrKeep(normalize, m.config);
      if (contentKey(saved) !== configHash) {
        const changed = diffSettings(saved, config);
        throw new TspError(
          'invalid-input',
          `${path} was started with a different configuration: ${changed.slice(0, 8).join('; ') || '(the same settings, another hash)'}${changed.length > 8 ? `; and ${changed.length - 8} more` : ''}`,
          {
            hint: 'give the settings the run was started with (its manifest.json has them), or use a new --work-dir',
          },
        );
      }
      this.manifest = m;
      this.resumed = true;
    } else {
      this.manifest = {
        runId: path.split('/').filter(Boolean).pop() ?? 'run',
        createdAt: now().toISOString(),
        configHash,
        config,
        versions,
        gitCommit: gitCommit(),
      };
      writeFileAtomicSync(manifestPath, `${JSON.stringify(this.manifest, null, 2)}\n`);
      this.resumed = false;
    }
    for (const d of ['trees', 'pairs', 'samples', 'checkpoints'])
      mkdirSync(join(path, d), { recursive: true });
    this.genCache = new KeyedCache(join(path, 'cache-generations.jsonl'));
    this.verdictCache = new KeyedCache(join(path, 'cache-verdicts.jsonl'));
  }

  file(...parts: string[]): string {
    return join(this.path, ...parts);
  }

  checkpointDir(name: string): string {
    return join(this.path, 'checkpoints', name);
  }

  /** Records of a kind (`phases`, `evaluations`, ...), in the order written. */
  records<T>(kind: string): T[] {
    return readJsonl<T>(join(this.path, `${kind}.jsonl`));
  }

  append(kind: string, record: unknown): void {
    appendJsonl(join(this.path, `${kind}.jsonl`), [record]);
  }

  writeJsonl(relPath: string, records: readonly unknown[]): void {
    writeFileAtomicSync(join(this.path, relPath), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  writeJson(relPath: string, value: unknown): void {
    writeFileAtomicSync(join(this.path, relPath), `${JSON.stringify(value, null, 2)}\n`);
  }

  writeText(relPath: string, text: string): void {
    writeFileAtomicSync(join(this.path, relPath), text);
  }
}
