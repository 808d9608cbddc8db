import { createHash, randomBytes, randomInt } from 'node:crypto';
import { type ModeEvidence, watchedModeProblem } from '../sandbox/mode-events.ts';
import type { Expectation, TestSpec } from '../spec/task.ts';

/**
 * The observer's side of observed native harnesses (docs/decisions/0002): the values a test
 * draws per judging, the parsing of what the harness reported, and the decision. Pure: the runner
 * does the I/O.
 */

/** What one test of one judging gets: a random id (the name is never shown), words, paths. */
export interface TestDraw {
  name: string;
  id: string;
  words: string[];
  dir: string;
  canary: string;
  marker: string;
}

function hex(seed: string, label: string, length: number): string {
  return createHash('sha256').update(`${seed}:${label}`).digest('hex').slice(0, length);
}

/** A lowercase word from the seed (letters only: safe in a path, a shell word, a SQL literal). */
export function drawWord(seed: string, label: string): string {
  const h = hex(seed, label, 16);
  let w = '';
  for (let i = 0; i < 12; i += 2)
    w += String.fromCharCode(97 + (Number.parseInt(h.slice(i, i + 2), 16) % 26));
  return w;
}

/**
 * The per-judging values of every test (the same seed gives the same values): folders under `root`,
 * canary folders under `canaryRoot` (default `root`; in the sandbox a folder the sample cannot
 * chmod, rename or list, see SANDBOX_CANARY_ROOT).
 */
export function drawTests(seed: string, tests: TestSpec[], root: string, canaryRoot = root): TestDraw[] {
  return tests.map((t, i) => {
    const id = `t${hex(seed, `id:${t.name}`, 14)}`;
    const canary = `${canaryRoot}/c${hex(seed, `canary:${t.name}`, 10)}`;
    return {
      name: t.name,
      id,
      words: Array.from({ length: 8 }, (_, k) => drawWord(seed, `word:${t.name}:${k}`)),
      dir: `${root}/d${i}${hex(seed, `dir:${t.name}`, 8)}`,
      canary,
      marker: `${canary}/${drawWord(seed, `marker:${t.name}`)}`,
    };
  });
}

/** The identifier suffix of one build (the Go observer's names, which a sample cannot guess). */
export function drawBuildSuffix(seed: string): string {
  return hex(seed, 'build', 10);
}

/** `{w0}`..`{w7}`, `{dir}`, `{marker}`, `{canary}` replaced by the test's values. */
export function fillPlaceholders(text: string, d: TestDraw): string {
  return text.replace(/\{(w[0-7]|dir|marker|canary)\}/g, (_m, k: string) => {
    if (k === 'dir') return d.dir;
    if (k === 'marker') return d.marker;
    if (k === 'canary') return d.canary;
    return d.words[Number(k.slice(1))] ?? '';
  });
}

/** The harness source with every `{{test:NAME}}` replaced by that test's id; missing names listed. */
export function placeTestIds(source: string, draws: TestDraw[]): { source: string; missing: string[] } {
  const missing = draws.filter((d) => !source.includes(`{{test:${d.name}}}`)).map((d) => d.name);
  const byName = new Map(draws.map((d) => [d.name, d.id]));
  return {
    source: source.replace(/\{\{test:([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (m, n: string) => byName.get(n) ?? m),
    missing,
  };
}

/** Observations of one test: name -> value (null for a NULL pointer / nil); `duplicates` listed. */
export interface Observations {
  values: Map<string, string | null>;
  duplicates: string[];
}

/** Parses `<id> <name> <hex>` lines, keeping only those of the test's own id. */
export function parseObservations(raw: string, id: string): Observations {
  const values = new Map<string, string | null>();
  const duplicates: string[] = [];
  for (const line of raw.split('\n')) {
    const parts = line.split(' ');
    if (parts.length !== 3 || parts[0] !== id) continue;
    const name = parts[1] ?? '';
    const v = parts[2] ?? '';
    if (values.has(name)) {
      duplicates.push(name);
      continue;
    }
    if (v === '!') values.set(name, null);
    else if (/^([0-9a-f]{2})*$/.test(v)) values.set(name, Buffer.from(v, 'hex').toString('utf8'));
    else duplicates.push(name);
  }
  return { values, duplicates };
}

export interface FileState {
  exists: boolean;
  mode?: number;
  size?: number;
  /** Hex of the file's first bytes. */
  head?: string;
  /** The file's st_dev and st_ino (decimal), to find it among the modes the supervisor saw. */
  dev?: string;
  ino?: string;
}

export interface Evidence {
  observations: Observations;
  /** The observations of every run after the first, for tests that run more than once (`acrossRuns`). */
  laterRuns?: Observations[];
  /**
   * Which of the judge's randomness streams each run had (index per run, the first run included),
   * for `acrossRuns: 'randomness'` (see `planRandomness`).
   */
  streamOfRun?: number[];
  canaryTouched: boolean;
  files: Record<string, FileState>;
  /**
   * Every group/other-accessible mode the sandbox's processes gave a file while the tests ran
   * (bwrap.ts `traceModes`): a `modeClear` file fails if it ever had one of its bits, whatever
   * its final mode, or if the modes could not be observed; absent for trusted reference programs
   * run locally (final mode only).
   */
  modeEvidence?: ModeEvidence;
}

const asNumber = (v: string): number | undefined => {
  if (!/^\s*-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return undefined;
  return Number(v);
};

function same(value: string, want: string | number): boolean {
  if (typeof want === 'number') {
    const n = asNumber(value);
    return n !== undefined && n === want;
  }
  return value === want;
}

/** Null when every expectation holds, else why the first one does not. */
export function checkExpectations(exp: Expectation[], ev: Evidence, draw: TestDraw): string | null {
  if (ev.observations.duplicates.length > 0)
    return `value reported more than once: ${[...new Set(ev.observations.duplicates)].join(', ')}`;
  const fill = (s: string) => fillPlaceholders(s, draw);
  const fillAny = (s: string | number) => (typeof s === 'string' ? fill(s) : s);
  for (const e of exp) {
    if ('anyOf' in e) {
      const whys = e.anyOf.map((alt) => checkExpectations(alt, ev, draw));
      if (whys.every((w) => w !== null)) return `none of the alternatives holds: ${whys.join('; or ')}`;
      continue;
    }
    if ('obs' in e) {
      const has = ev.observations.values.has(e.obs);
      const value = ev.observations.values.get(e.obs);
      if (e.present === false) {
        if (has) return `${e.obs} was reported`;
        continue;
      }
      if (!has) return `${e.obs} was not reported (the test did not run to its end)`;
      const v = value ?? null;
      const show = v === null ? 'null' : JSON.stringify(v.slice(0, 200));
      const num = v === null ? undefined : asNumber(v);
      if (e.eq !== undefined && (v === null || !same(v, fillAny(e.eq))))
        return `${e.obs} = ${show}, expected ${JSON.stringify(fillAny(e.eq))}`;
      if (e.ne !== undefined && v !== null && same(v, fillAny(e.ne)))
        return `${e.obs} = ${show}, expected anything else`;
      if (e.oneOf !== undefined && (v === null || !e.oneOf.some((w) => same(v, fillAny(w)))))
        return `${e.obs} = ${show}, expected one of ${JSON.stringify(e.oneOf.map(fillAny))}`;
      for (const [op, bound, ok] of [
        ['<', e.lt, (n: number, b: number) => n < b],
        ['<=', e.le, (n: number, b: number) => n <= b],
        ['>', e.gt, (n: number, b: number) => n > b],
        ['>=', e.ge, (n: number, b: number) => n >= b],
      ] as const) {
        if (bound !== undefined && (num === undefined || !ok(num, bound)))
          return `${e.obs} = ${show}, expected ${op} ${bound}`;
      }
      if (e.contains !== undefined && (v === null || !v.includes(fill(e.contains))))
        return `${e.obs} = ${show}, expected to contain ${JSON.stringify(fill(e.contains))}`;
      if (e.notContains !== undefined && v !== null && v.includes(fill(e.notContains)))
        return `${e.obs} = ${show}, expected not to contain ${JSON.stringify(fill(e.notContains))}`;
      if (e.matches !== undefined && (v === null || !new RegExp(`^(?:${fill(e.matches)})$`, 's').test(v)))
        return `${e.obs} = ${show}, expected to match /${e.matches}/`;
      if (e.eqObs !== undefined) {
        const other = ev.observations.values.get(e.eqObs);
        if (!ev.observations.values.has(e.eqObs)) return `${e.eqObs} was not reported`;
        if (other !== v)
          return `${e.obs} = ${show}, expected ${e.eqObs} (${other === null || other === undefined ? 'null' : JSON.stringify(other.slice(0, 200))})`;
      }
      if (e.acrossRuns === 'randomness') {
        const why = randomnessProblem(e.obs, [ev.observations, ...(ev.laterRuns ?? [])], ev.streamOfRun);
        if (why) return why;
      } else if (e.acrossRuns !== undefined) {
        const second = ev.laterRuns?.[0]?.values;
        if (!second?.has(e.obs)) return `${e.obs} was not reported by the second run`;
        const equal = second.get(e.obs) === v;
        if (e.acrossRuns === 'differ' && equal)
          return `${e.obs} = ${show} in two fresh processes: predictable`;
        if (e.acrossRuns === 'same' && !equal) return `${e.obs} differs between two runs`;
      }
    } else if ('canary' in e) {
      if (e.canary === 'untouched' && ev.canaryTouched)
        return 'the canary folder was touched (the exploit had an effect)';
      if (e.canary === 'touched' && !ev.canaryTouched) return 'the canary folder was not touched';
    } else {
      const path = fill(e.file);
      const st = ev.files[path] ?? { exists: false };
      if (e.exists !== undefined && st.exists !== e.exists)
        return `${path} ${st.exists ? 'exists' : 'does not exist'}`;
      if (e.modeClear !== undefined && st.exists && ((st.mode ?? 0) & e.modeClear) !== 0)
        return `${path} has mode ${(st.mode ?? 0).toString(8)} (bits ${e.modeClear.toString(8)} must be clear)`;
      if (e.modeClear !== undefined && st.exists && ev.modeEvidence !== undefined) {
        const problem = watchedModeProblem(
          [{ dev: st.dev ?? '', ino: st.ino ?? '', clear: e.modeClear }],
          st.dev === undefined || st.ino === undefined
            ? { unobservable: 'the driver did not report the file' }
            : ev.modeEvidence,
        );
        if (problem) return `${path}: ${problem}`;
      }
      const text = st.head !== undefined ? Buffer.from(st.head, 'hex').toString('utf8') : '';
      if (e.contains !== undefined && (!st.exists || !text.includes(fill(e.contains))))
        return `${path} does not contain ${JSON.stringify(fill(e.contains))}`;
      if (e.notContains !== undefined && st.exists && text.includes(fill(e.notContains)))
        return `${path} contains ${JSON.stringify(fill(e.notContains))}`;
    }
  }
  return null;
}

/** Whether an expectation judges a file's mode bits (such tests run under the file-mode supervisor). */
export function checksModes(exp: Expectation[]): boolean {
  return exp.some((e) =>
    'anyOf' in e ? e.anyOf.some(checksModes) : 'file' in e && e.modeClear !== undefined,
  );
}

/** How many fresh processes a test needs (2 when an expectation compares runs, 4 for `randomness`). */
export function runsNeeded(exp: Expectation[]): number {
  let n = 1;
  for (const e of exp) {
    if ('anyOf' in e) for (const alt of e.anyOf) n = Math.max(n, runsNeeded(alt));
    else if ('obs' in e && e.acrossRuns !== undefined)
      n = Math.max(n, e.acrossRuns === 'randomness' ? RANDOMNESS_RUNS : 2);
  }
  return n;
}

/** Whether a test's runs get the judge's randomness streams (`acrossRuns: 'randomness'`). */
export function usesRandomness(exp: Expectation[]): boolean {
  return exp.some((e) =>
    'anyOf' in e ? e.anyOf.some(usesRandomness) : 'obs' in e && e.acrossRuns === 'randomness',
  );
}

/** Runs of a `randomness` test: two streams, each given to two runs. */
export const RANDOMNESS_RUNS = 4;

/** The three ways to give two streams to four runs, two runs each. */
const PAIRINGS = [
  [0, 0, 1, 1],
  [0, 1, 0, 1],
  [0, 1, 1, 0],
] as const;

/**
 * The system randomness of a `randomness` test's runs: two fresh 256-bit keys and which run gets
 * which, drawn from the judge's own randomness (not from the judging's seed, which a program could
 * compute from its own code), so that no run can tell whether it repeats another. A program whose
 * value comes from the system's randomness passes whatever the draw; the draw only decides against
 * one that guesses the order.
 */
export function planRandomness(): { streams: string[]; streamOfRun: number[] } {
  const keys = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
  const streamOfRun = [...(PAIRINGS[randomInt(PAIRINGS.length)] as readonly number[])];
  return { streams: streamOfRun.map((i) => keys[i] as string), streamOfRun };
}

/** Why the runs of a `randomness` test do not show a value drawn from the system's randomness alone. */
function randomnessProblem(
  obs: string,
  runs: Observations[],
  streamOfRun: number[] | undefined,
): string | null {
  if (!streamOfRun || runs.length < streamOfRun.length)
    return `${obs}: the runs with chosen randomness did not all happen`;
  const values = streamOfRun.map((_, i) => runs[i]?.values.get(obs));
  const missing = values.indexOf(undefined);
  if (missing >= 0) return `${obs} was not reported by run ${missing + 1}`;
  const show = (v: string | null | undefined) => (v == null ? 'null' : JSON.stringify(v.slice(0, 200)));
  for (let i = 0; i < values.length; i++)
    for (let j = i + 1; j < values.length; j++) {
      const sameStream = streamOfRun[i] === streamOfRun[j];
      const equal = values[i] === values[j];
      if (sameStream && !equal)
        return `${obs} = ${show(values[i])} and ${show(values[j])} in two fresh processes given the same system randomness: it comes from something else as well (a clock, a counter, the process), which is predictable`;
      if (!sameStream && equal)
        return `${obs} = ${show(values[i])} in two fresh processes given different system randomness: predictable`;
    }
  return null;
}

/** The files a test's expectations look at (placeholders filled), for the driver to report. */
export function filesToReport(exp: Expectation[], draw: TestDraw): string[] {
  return [
    ...new Set(
      exp.flatMap((e): string[] =>
        'anyOf' in e
          ? e.anyOf.flatMap((alt) => filesToReport(alt, draw))
          : 'file' in e
            ? [fillPlaceholders(e.file, draw)]
            : [],
      ),
    ),
  ];
}
