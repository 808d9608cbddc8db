import { createPartition, createPicker, selectFamilies, toTask } from '../benchmarks/builtin/build-suite.ts';
import { withPseudoNames } from '../benchmarks/builtin/corpus.ts';
import type { SlotPicker } from '../benchmarks/builtin/family.ts';
import { heldOutCwes } from '../benchmarks/builtin/splits.ts';
import { FIELDS, nameParts, recordNames } from '../benchmarks/builtin/vocab.ts';
import { createRng } from '../core/rng.ts';
import type { Policy, ScoreRequest, ScoreResult } from '../spec/policy.ts';
import type { Metrics } from '../spec/results.ts';
import { DEFAULT_SUITE_VERSION } from '../spec/run-config.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import { KeyedCache } from '../store/keyed-cache.ts';
import { evaluatePolicy, summarizeSamples } from './evaluate.ts';
import { createCachedJudge, type JudgeMany } from './judging.ts';

export type Side = 'train' | 'eval';

/** One cell of the calibration grid: where the names and the docstring phrasing come from. */
export interface CalibrationRow {
  names: Side;
  phrasing: Side;
  metrics: Metrics;
}

export interface CalibrationOptions {
  policy: Policy;
  judgeMany: JudgeMany;
  /** Suite seed (the slot partition; default 7, the default preset's). */
  suiteSeed?: number;
  /** Draw seed of the prompts and the samples (default 1). */
  seed?: number;
  /** Samples per prompt (default 2). */
  samples?: number;
  temperature?: number;
  maxTokens?: number;
  /** Families (default: every family whose CWE the standard splits train on). */
  families?: readonly string[];
  /** Suite version (default DEFAULT_SUITE_VERSION). */
  version?: number;
}

/**
 * Which part of a held-out variant a base model fails on: one prompt per family for each of the
 * four combinations of train-side or eval-side names (record, fields, verbs, parameters) and
 * train-side or eval-side docstring phrasing, sampled and judged like an evaluation split.
 * `train`/`train` is a fresh variant of what the corpus taught; `eval`/`eval` is the held-out
 * `eval` split's condition.
 */
export async function calibrateNamesAndPhrasing(options: CalibrationOptions): Promise<CalibrationRow[]> {
  const suiteSeed = options.suiteSeed ?? 7;
  const seed = options.seed ?? 1;
  const version = options.version ?? DEFAULT_SUITE_VERSION;
  const families = selectFamilies({
    ...(options.families ? { families: options.families } : {}),
    version,
  }).filter((f) => options.families || !heldOutCwes(version).includes(f.meta.cwe));
  const rng = createRng(seed).fork('calibrate');
  const judge = createCachedJudge(options.judgeMany, new KeyedCache<VerdictSummary>());
  const rows: CalibrationRow[] = [];
  for (const names of ['train', 'eval'] as const) {
    for (const phrasing of ['train', 'eval'] as const) {
      const tasks = families.map((f) => {
        // the picker draws names from one side; `side` picks the phrasing pool
        const picker = {
          ...createPicker(
            createPartition(suiteSeed, f.meta.principle, version),
            names,
            rng.fork(`${f.meta.id}/${names}`),
          ),
          side: phrasing,
        };
        const task = toTask(f.meta, f.instantiate(picker), phrasing, 0, suiteSeed);
        return { ...task, id: `calibrate/${f.meta.id}/${names}-names-${phrasing}-phrasing` };
      });
      const samples = await evaluatePolicy({
        policy: options.policy,
        modelKey: 'calibrate',
        tasks,
        cfg: {
          samplesPerTask: options.samples ?? 2,
          temperature: options.temperature ?? 0.2,
          topP: 0.95,
          maxTokens: options.maxTokens ?? 192,
        },
        judge,
        genCache: new KeyedCache(),
        chunkSize: 64,
        seed,
      });
      rows.push({ names, phrasing, metrics: summarizeSamples(samples).overall });
    }
  }
  return rows;
}

/** Where the names of a copying probe come from. */
export type NameSource = 'train' | 'eval' | 'made-up';

/**
 * What a name is made of: one record noun or field (or a noun's plural), one other word (a
 * parameter, a verb), or several words joined (snake_case, camelCase, UPPER_CASE).
 */
export type NameKind = 'record word' | 'other word' | 'compound';

const RECORD_WORDS = new Set([
  ...[1, 2].flatMap((v) => recordNames(v).flatMap((e) => [e.name, e.plural])),
  ...FIELDS,
]);

export function nameKind(name: string): NameKind {
  if (nameParts(name).length > 1) return 'compound';
  return RECORD_WORDS.has(name.toLowerCase()) ? 'record word' : 'other word';
}

export interface CopyRow {
  names: NameSource;
  /** Name uses probed (first use in the body of a name the prompt introduced). */
  uses: number;
  /** Mean probability of writing the whole name, teacher-forced from the exact prefix. */
  wholeName: number;
  /** Mean probability of its first token. */
  firstToken: number;
  /** The same by kind of name (kinds with no use are left out). */
  byKind: Partial<Record<NameKind, { uses: number; wholeName: number }>>;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
const identifiers = (text: string): Set<string> => new Set(text.match(IDENTIFIER) ?? []);

/**
 * How well a model copies names from the prompt into the body: for one secure reference per family
 * and draw, every identifier that the prompt introduces (it varies between draws of the family, so
 * it is a slot value, not a template word) is scored at its first use in the body, teacher-forced
 * from the exact program text before it. Names from the train side of the family's principle (what
 * pretraining wrote in this scenario), its eval side (known words, new to the scenario), or made up
 * (never seen anywhere). A held-out variant needs every one of its names copied.
 */
export async function probeNameCopying(options: {
  policy: Pick<Policy, 'score'>;
  suiteSeed?: number;
  seed?: number;
  /** Draws per family and name source (default 3). */
  draws?: number;
  families?: readonly string[];
  /** Suite version (default DEFAULT_SUITE_VERSION). */
  version?: number;
}): Promise<CopyRow[]> {
  const suiteSeed = options.suiteSeed ?? 7;
  const draws = options.draws ?? 3;
  const version = options.version ?? DEFAULT_SUITE_VERSION;
  const families = selectFamilies({ ...(options.families ? { families: options.families } : {}), version });
  const rng = createRng(options.seed ?? 1).fork('copy-probe');
  const rows: CopyRow[] = [];
  for (const names of ['train', 'eval', 'made-up'] as const) {
    const requests: ScoreRequest[] = [];
    const kinds: NameKind[] = [];
    for (const f of families) {
      const partition = createPartition(suiteSeed, f.meta.principle, version);
      const pickerFor = (side: 'train' | 'eval', key: string): SlotPicker =>
        createPicker(partition, side, rng.fork(`${f.meta.id}/${names}/${key}`));
      // template words: identifiers every one of four train-side draws has
      const others = [0, 1, 2, 3].map((k) => {
        const inst = f.instantiate(pickerFor('train', `template-${k}`));
        return identifiers(inst.prompt + inst.secure);
      });
      const template = new Set([...(others[0] ?? [])].filter((w) => others.every((o) => o.has(w))));
      for (let d = 0; d < draws; d++) {
        const base = pickerFor(names === 'eval' ? 'eval' : 'train', `draw-${d}`);
        const inst = f.instantiate(names === 'made-up' ? withPseudoNames(base, 1) : base);
        const program = inst.prompt + inst.secure;
        const introduced = identifiers(inst.prompt);
        const seen = new Set<string>();
        for (const m of inst.secure.matchAll(IDENTIFIER)) {
          const name = m[0];
          if (seen.has(name) || template.has(name) || !introduced.has(name)) continue;
          seen.add(name);
          const at = inst.prompt.length + (m.index ?? 0);
          // a name after a space starts with that space's token, as the tokenizer splits it
          const start = program[at - 1] === ' ' ? at - 1 : at;
          requests.push({
            prefix: program.slice(0, start),
            continuation: program.slice(start, at + name.length),
          });
          kinds.push(nameKind(name));
        }
      }
    }
    // one call: the policy batches the forward passes
    const scored = await options.policy.score(requests);
    const mean = (f: (r: ScoreResult) => number) =>
      scored.length ? scored.reduce((sum, r) => sum + f(r), 0) / scored.length : 0;
    const byKind: CopyRow['byKind'] = {};
    scored.forEach((r, i) => {
      const k = kinds[i] as NameKind;
      const acc = byKind[k] ?? { uses: 0, wholeName: 0 };
      acc.uses++;
      acc.wholeName += Math.exp(r.total);
      byKind[k] = acc;
    });
    for (const acc of Object.values(byKind)) acc.wholeName /= acc.uses;
    rows.push({
      names,
      uses: scored.length,
      wholeName: mean((r) => Math.exp(r.total)),
      firstToken: mean((r) => Math.exp(r.tokenLogprobs[0] ?? Number.NEGATIVE_INFINITY)),
      byKind,
    });
  }
  return rows;
}
