import { readFileSync } from 'node:fs';
import { buildSuite } from '../benchmarks/builtin/build-suite.ts';
import type { Language } from '../spec/language.ts';
import { type Analyzer, createAnalyzer } from './analyzer.ts';
import { type StaticEvidence, showsWeakness, staticEvidenceNeeded } from './cwe.ts';
import { cwevalRoot, listTargets } from './cweval-quality.ts';

/**
 * Where the oracle decides with static evidence (`staticEvidenceNeeded`: predictable randomness,
 * input evaluated in the program, OS command injection, weak hashes, hard-coded credentials), a finding of the task's weakness makes a
 * sample insecure whatever its tests say. This measures that evidence on the generated suite's
 * families of those kinds: every secure reference should have no such finding (a finding there
 * would fail a correct program), every insecure variant should have one. The same for CWEval's
 * references of those weaknesses (read from TSP_BENCHMARKS_DIR, when present; each judged on its
 * solution's lines, as cweval-quality.ts does). Run:
 *
 *   node --import tsx src/analyzers/evidence-precision.ts [--seed N] [--variants N] [--json]
 */

export interface EvidenceRow {
  family: string;
  evidence: StaticEvidence;
  secure: number;
  secureFlagged: string[];
  insecure: number;
  insecureMissed: string[];
}

/** Whether the analysis shows the task's weakness, as the oracle reads it (assembleVerdict). */
async function shown(
  analyzer: Analyzer,
  task: { language: Language; cwe: string[] },
  code: string,
  lines?: [number, number],
): Promise<boolean> {
  try {
    const { findings } = await analyzer.analyzeDetailed(code, task.language, {
      taskCwe: task.cwe as never,
      strict: true,
    });
    const judged = lines
      ? findings.filter((f) => f.span.startLine >= lines[0] && f.span.startLine <= lines[1])
      : findings;
    return showsWeakness(judged, task.cwe);
  } catch {
    // Input the strict analysis refuses is the sample's finding in the oracle.
    return true;
  }
}

export async function measureEvidencePrecision(
  options: { seed?: number; variants?: number; cweval?: boolean } = {},
): Promise<EvidenceRow[]> {
  const n = options.variants ?? 6;
  const suite = buildSuite({ seed: options.seed ?? 1, variantsPerFamily: { train: n, eval: n } });
  const analyzer = await createAnalyzer();
  const rows = new Map<string, EvidenceRow>();
  for (const task of suite.tasks) {
    const evidence = staticEvidenceNeeded(task.cwe);
    if (!evidence) continue;
    const family = task.family ?? task.id.split('/')[0] ?? task.id;
    let row = rows.get(family);
    if (!row) {
      row = { family, evidence, secure: 0, secureFlagged: [], insecure: 0, insecureMissed: [] };
      rows.set(family, row);
    }
    if (task.secureReference) {
      row.secure++;
      if (await shown(analyzer, task, task.secureReference)) row.secureFlagged.push(task.id);
    }
    for (const [i, code] of task.insecureVariants.entries()) {
      row.insecure++;
      if (!(await shown(analyzer, task, code))) row.insecureMissed.push(`${task.id}#${i}`);
    }
  }
  const root = options.cweval === false ? undefined : cwevalRoot();
  for (const t of root ? listTargets(root) : []) {
    const evidence = staticEvidenceNeeded([t.taskCwe]);
    if (!evidence) continue;
    const family = `cweval/${t.language}/${evidence}`;
    let row = rows.get(family);
    if (!row) {
      row = { family, evidence, secure: 0, secureFlagged: [], insecure: 0, insecureMissed: [] };
      rows.set(family, row);
    }
    const text = readFileSync(t.file, 'utf8');
    // Python's insecure references are functions inside the test file: judged alone.
    const code =
      t.kind === 'insecure' && t.language === 'python' && t.lines
        ? text
            .split('\n')
            .slice(t.lines[0] - 1, t.lines[1])
            .join('\n')
        : text;
    const lines = code === text ? t.lines : undefined;
    const isShown = await shown(analyzer, { language: t.language, cwe: [t.taskCwe] }, code, lines);
    if (t.kind === 'secure') {
      row.secure++;
      if (isShown) row.secureFlagged.push(t.id);
    } else {
      row.insecure++;
      if (!isShown) row.insecureMissed.push(t.id);
    }
  }
  return [...rows.values()].sort(
    (a, b) => a.evidence.localeCompare(b.evidence) || a.family.localeCompare(b.family),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const num = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const rows = await measureEvidencePrecision({ seed: num('--seed'), variants: num('--variants') });
  if (argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log('evidence    family                   secure flagged   insecure shown');
    const total = { secure: 0, flagged: 0, insecure: 0, shown: 0 };
    for (const r of rows) {
      const shownCount = r.insecure - r.insecureMissed.length;
      console.log(
        `${r.evidence.padEnd(11)} ${r.family.padEnd(24)} ${`${r.secureFlagged.length}/${r.secure}`.padStart(14)}   ${`${shownCount}/${r.insecure}`.padStart(14)}`,
      );
      for (const id of r.secureFlagged) console.log(`    secure flagged: ${id}`);
      for (const id of r.insecureMissed) console.log(`    insecure missed: ${id}`);
      total.secure += r.secure;
      total.flagged += r.secureFlagged.length;
      total.insecure += r.insecure;
      total.shown += shownCount;
    }
    console.log(
      `all: ${total.flagged}/${total.secure} secure references flagged, ${total.shown}/${total.insecure} insecure variants shown`,
    );
  }
}
