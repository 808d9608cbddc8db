import { createHash } from 'node:crypto';
import { appendJsonl, readJsonl } from './jsonl.ts';

/** Stable content hash of any JSON-able value (object keys sorted). */
export function contentKey(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 32);
}

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

/**
 * A key -> value map persisted as append-only JSONL: every completed piece of work (a generation
 * batch, a verdict) is written once, so a resumed run replays it instead of doing it again. Without
 * a path it is an in-memory cache.
 */
export class KeyedCache<T> {
  private readonly map = new Map<string, T>();
  hits = 0;
  misses = 0;

  constructor(readonly path?: string) {
    if (path) for (const r of readJsonl<{ k: string; v: T }>(path)) this.map.set(r.k, r.v);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): T | undefined {
    const v = this.map.get(key);
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }

  set(key: string, value: T): void {
    if (this.map.has(key)) return;
    this.map.set(key, value);
    if (this.path) appendJsonl(this.path, [{ k: key, v: value }]);
  }

  setMany(entries: readonly [string, T][]): void {
    const fresh = entries.filter(([k]) => !this.map.has(k));
    for (const [k, v] of fresh) this.map.set(k, v);
    if (this.path)
      appendJsonl(
        this.path,
        fresh.map(([k, v]) => ({ k, v })),
      );
  }
}
