/**
 * A fake TrainingBackend for testing the experiment's orchestration without tfjs: a "model" is two
 * probabilities (functional, secure) that training nudges; its policy continues a prefix with the
 * remainder of a task's secure or insecure reference, chosen by a seeded coin. Internal (tests only).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../core/rng.ts';
import type { GenerateRequest, GenerateResult, Policy, ScoreResult } from '../spec/policy.ts';
import type { Task } from '../spec/task.ts';
import type { Verdict } from '../spec/verdict.ts';
import type { JudgeItem } from './judging.ts';
import type { TrainableModel, TrainingBackend } from './training-backend.ts';

export interface FakeModel extends TrainableModel {
  state: { functional: number; secure: number };
}

export const BROKEN = '    pass  # TODO\n';

function fakePolicy(tasks: readonly Task[], state: FakeModel['state']): Policy {
  const continuations = (prefix: string) => {
    const task = tasks.find((t) => prefix.startsWith(t.prompt));
    const pick = (s: string | undefined) => (s?.startsWith(prefix) ? s.slice(prefix.length) : undefined);
    return { secure: pick(task?.secureReference), insecure: pick(task?.insecureVariants[0]) };
  };
  return {
    id: 'fake',
    async generate(requests: GenerateRequest[]): Promise<GenerateResult[]> {
      return requests.map((r) => {
        const rng = createRng(r.seed ?? 0);
        const { secure, insecure } = continuations(r.prompt);
        const generations = Array.from({ length: r.n ?? 1 }, () => {
          const f = rng.next() < state.functional;
          const s = rng.next() < state.secure;
          const text = !f ? BROKEN : s ? (secure ?? insecure ?? BROKEN) : (insecure ?? secure ?? BROKEN);
          return { text, finishReason: 'stop' as const, completionTokens: Math.ceil(text.length / 4) };
        });
        return { generations, warnings: [], promptTokens: Math.ceil(r.prompt.length / 4) };
      });
    },
    async score(): Promise<ScoreResult[]> {
      throw new Error('fake policy does not score');
    },
  };
}

export function createFakeBackend(tasks: readonly Task[], calls: string[] = []): TrainingBackend<FakeModel> {
  const make = (state: FakeModel['state']): FakeModel => ({
    state,
    policy: fakePolicy(tasks, state),
    dispose() {},
  });
  const clamp = (x: number) => Math.max(0.02, Math.min(0.98, x));
  return {
    name: 'fake',
    async base() {
      calls.push('base');
      return make({ functional: 0.85, secure: 0.4 });
    },
    async clone(m) {
      return make({ ...m.state });
    },
    async sft(m, examples, opts) {
      calls.push(`sft:${opts.steps}`);
      m.state.functional = clamp(m.state.functional + 0.01 * opts.steps);
      m.state.secure = clamp(m.state.secure + 0.002 * opts.steps);
      return { steps: opts.steps, tokens: examples.length * 10, firstLoss: 1, lastLoss: 0.5 };
    },
    async preference(m, _ref, examples, opts) {
      calls.push(`${opts.loss}:${examples.length}`);
      m.state.secure = clamp(m.state.secure + 0.01 * Math.min(opts.steps, examples.length));
      return { steps: opts.steps, tokens: examples.length * 20, firstLoss: 0.69, lastLoss: 0.4 };
    },
    async save(m, dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'state.json'), JSON.stringify(m.state));
    },
    async load(dir) {
      return make(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')));
    },
  };
}

/** Judge for fake tasks: the insecure reference's distinctive line makes a program insecure. */
export function fakeJudgeMany(items: readonly JudgeItem[]): Promise<Verdict[]> {
  return Promise.resolve(
    items.map((item) => {
      const bad = item.task.insecureVariants[0] ?? '';
      const marker =
        bad.split('\n').find((l) => l.trim() && !(item.task.secureReference ?? '').includes(l)) ?? '\u0000';
      const functional = !item.code.includes(BROKEN);
      const secure = !item.code.includes(marker);
      return {
        taskId: item.task.id,
        build: { ok: true, durationMs: 0 },
        tests: [
          {
            name: 'exploit',
            kind: 'security' as const,
            status: secure ? ('pass' as const) : ('fail' as const),
            durationMs: 0,
          },
        ],
        sanitizer: [],
        findings: [],
        staticSecure: null,
        secureBy: 'dynamic' as const,
        functional,
        secure,
        securePass: functional && secure,
        oracleErrors: [],
        timings: { buildMs: 0, testMs: 0, staticMs: 0, totalMs: 0 },
      };
    }),
  );
}
