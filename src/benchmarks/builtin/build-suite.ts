import { createRng, hashString, type Rng } from '../../core/rng.ts';
import type { CweId, Language } from '../../spec/language.ts';
import { DEFAULT_SUITE_VERSION } from '../../spec/run-config.ts';
import { Task } from '../../spec/task.ts';
import { FAMILIES } from './families/index.ts';
import type { Family, FamilyMeta, Instance, Side, SlotPicker } from './family.ts';
import { type Entity, FIELDS, pluralOf, RECORD_NAMES, recordNames } from './vocab.ts';

export interface VariantCounts {
  /** Variants per family drawn from train-side slot values (SFT and self-play prompts). */
  train: number;
  /** Variants per family drawn from eval-side slot values (held-out names and phrasings). */
  eval: number;
}

export interface SuiteOptions {
  /** Seed of the slot partition and of every draw (default 1). */
  seed?: number;
  variantsPerFamily?: Partial<VariantCounts>;
  /** Keep only these family ids. */
  families?: readonly string[];
  languages?: readonly Language[];
  /**
   * Suite version (default DEFAULT_SUITE_VERSION): the families introduced up to it (FamilyMeta.since)
   * and its vocabulary. Version 2 adds issue 20's families and correct plurals.
   */
  version?: number;
}

/** Where a task came from in the suite. */
export interface TaskInfo {
  family: string;
  side: Side;
  index: number;
}

export interface Suite {
  seed: number;
  /** The suite version it was built at (its families and vocabulary; DEFAULT_SUITE_VERSION when absent). */
  version?: number;
  variantsPerFamily: VariantCounts;
  families: FamilyMeta[];
  tasks: Task[];
  /** Task id -> family, side and index. */
  info: Record<string, TaskInfo>;
}

export const DEFAULT_VARIANTS: VariantCounts = { train: 6, eval: 3 };
const PREFIX = 'builtin/';

/**
 * The leak-free partition of slot values for one principle (one weakness's scenario in every
 * language): a third of the record nouns and of the fields (by a seeded shuffle) and a third of
 * every other pool's values (by a seeded hash) are eval-only for that principle. An eval variant's
 * names therefore never occur in a training prompt or a corpus program of its principle in any
 * language, while they are ordinary words elsewhere in the corpus (other scenarios, neutral code),
 * as the words of a real held-out task are: the model has to write a known word into a scenario
 * it never saw it in, not a word it has never read.
 */
export interface Partition {
  /** The suite version whose vocabulary (plurals) the pickers over this partition use. */
  version: number;
  evalNouns: ReadonlySet<string>;
  evalFields: ReadonlySet<string>;
  isEvalValue(value: string): boolean;
}

export function createPartition(seed: number, principle: string, version = DEFAULT_SUITE_VERSION): Partition {
  const rng = createRng(seed).fork(`partition:${principle}`);
  const third = <T>(xs: readonly T[]): Set<T> => new Set(rng.shuffle(xs).slice(0, Math.floor(xs.length / 3)));
  const evalNouns = third(RECORD_NAMES.map((e) => e.name));
  const evalFields = third(FIELDS);
  const fieldSet = new Set(FIELDS);
  const nounSet = new Set(RECORD_NAMES.map((e) => e.name));
  return {
    version,
    evalNouns,
    evalFields,
    isEvalValue: (v) =>
      fieldSet.has(v)
        ? evalFields.has(v)
        : nounSet.has(v)
          ? evalNouns.has(v)
          : hashString(`${seed}:${principle}:${v}`) % 3 === 0,
  };
}

/** The partition that holds nothing out: the corpus's neutral programs draw from every value. */
export function openPartition(version = DEFAULT_SUITE_VERSION): Partition {
  return { version, evalNouns: new Set(), evalFields: new Set(), isEvalValue: () => false };
}

/** A picker over one side of the partition: an entity is a noun of that side with three distinct fields of that side. */
export function createPicker(partition: Partition, side: Side, rng: Rng): SlotPicker {
  const wantEval = side === 'eval';
  const nouns = recordNames(partition.version).filter((e) => partition.evalNouns.has(e.name) === wantEval);
  const fields = FIELDS.filter((f) => partition.evalFields.has(f) === wantEval);
  function choose<T extends string>(values: readonly T[]): T {
    const part = values.filter((v) => partition.isEvalValue(v) === wantEval);
    return rng.pick(part.length ? part : values);
  }
  return {
    side,
    rng,
    entity(): Entity {
      const noun = rng.pick(nouns);
      const [a, b, c] = rng.shuffle(fields).slice(0, 3) as [string, string, string];
      return { ...noun, fields: [a, b, c] };
    },
    pick: choose,
    choose,
    plural: (word) => pluralOf(word, partition.version),
  };
}

/**
 * Draws up to `count` distinct instances (distinct prompts) of a family from one side. Fewer come
 * back only when the slot space is exhausted.
 */
export function drawInstances(
  family: Family,
  partition: Partition,
  side: Side,
  count: number,
  rng: Rng,
): Instance[] {
  const out: Instance[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; out.length < count && attempt < count * 40; attempt++) {
    const inst = family.instantiate(createPicker(partition, side, rng.fork(attempt)));
    if (seen.has(inst.prompt)) continue;
    seen.add(inst.prompt);
    out.push(inst);
  }
  return out;
}

/** The first line of the secure completion that differs from an insecure one (the latest such line over all insecure variants is the decision). */
export function findDecisionLine(secure: string, insecure: string): string | undefined {
  const a = secure.split('\n');
  const b = insecure.split('\n');
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const line = (a[i] ?? '').trim();
      return line || undefined;
    }
  }
  return undefined;
}

/** The Task of one generated variant (id `<family>/<side>-<index>`). */
export function toTask(meta: FamilyMeta, inst: Instance, side: Side, index: number, seed: number): Task {
  const decision = inst.insecure
    .map((bad) => findDecisionLine(inst.secure, bad))
    .filter((l): l is string => l !== undefined)
    .sort((a, b) => inst.secure.indexOf(b) - inst.secure.indexOf(a))[0];
  return Task.parse({
    id: `${meta.id}/${side}-${index}`,
    language: meta.language,
    cwe: [meta.cwe],
    prompt: inst.prompt,
    entryPoint: inst.entryPoint,
    harness: { kind: 'inline', source: inst.harness },
    tests: inst.tests,
    secureReference: inst.prompt + inst.secure,
    insecureVariants: inst.insecure.map((c) => inst.prompt + c),
    riskAnnotations: decision ? [{ line: decision, cwe: meta.cwe }] : [],
    family: meta.id,
    provenance: { source: 'builtin', origin: meta.id, variant: index, license: `generated (seed ${seed})` },
  });
}

/** Generates the whole suite: every family, `train` + `eval` variants each. Deterministic from the seed. */
export function buildSuite(options: SuiteOptions = {}): Suite {
  const seed = options.seed ?? 1;
  const counts: VariantCounts = { ...DEFAULT_VARIANTS, ...options.variantsPerFamily };
  const families = selectFamilies(options);
  const tasks: Task[] = [];
  const info: Record<string, TaskInfo> = {};
  for (const fam of families) {
    const rng = createRng(seed).fork(fam.meta.id);
    const partition = createPartition(seed, fam.meta.principle, options.version);
    for (const side of ['train', 'eval'] as const) {
      const insts = drawInstances(fam, partition, side, counts[side], rng.fork(side));
      insts.forEach((inst, i) => {
        const task = toTask(fam.meta, inst, side, i, seed);
        tasks.push(task);
        info[task.id] = { family: fam.meta.id, side, index: i };
      });
    }
  }
  return {
    seed,
    version: options.version ?? DEFAULT_SUITE_VERSION,
    variantsPerFamily: counts,
    families: families.map((f) => f.meta),
    tasks,
    info,
  };
}

export function selectFamilies(
  options: Pick<SuiteOptions, 'families' | 'languages' | 'version'> = {},
): Family[] {
  const version = options.version ?? DEFAULT_SUITE_VERSION;
  return FAMILIES.filter(
    (f) =>
      (f.meta.since ?? 1) <= version &&
      (!options.families || options.families.includes(f.meta.id)) &&
      (!options.languages || options.languages.includes(f.meta.language)),
  );
}

/** Metadata of every family, without generating tasks. */
export function listFamilies(): FamilyMeta[] {
  return FAMILIES.map((f) => f.meta);
}

/** The CWEs of a set of families. */
export function cwesOf(families: readonly FamilyMeta[]): CweId[] {
  return [...new Set(families.map((f) => f.cwe))].sort();
}

/** Finds a task by id (with or without the `builtin/` prefix) in a default suite. */
export function lookupBuiltinTask(id: string, options: SuiteOptions = {}): Task | undefined {
  const bare = id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id;
  const [family = '', variant = ''] = bare.split('/');
  const m = /^(train|eval)-(\d+)$/.exec(variant);
  if (!m) return undefined;
  const counts = { ...DEFAULT_VARIANTS, ...options.variantsPerFamily };
  const want = Number(m[2]) + 1;
  if (m[1] === 'train') counts.train = Math.max(counts.train, want);
  else counts.eval = Math.max(counts.eval, want);
  // a family newer than the default version is found in the version that introduced it
  const since = FAMILIES.find((f) => f.meta.id === family)?.meta.since ?? 1;
  const version = options.version ?? Math.max(DEFAULT_SUITE_VERSION, since);
  const suite = buildSuite({ ...options, version, variantsPerFamily: counts, families: [family] });
  return suite.tasks.find((t) => t.id === bare);
}
