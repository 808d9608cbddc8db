/**
 * Where do a tree method's generated tokens go? Reads a run directory's trees and pairs (offline:
 * no model, no sandbox) and splits, per round over all seeds, the tokens of the leaves into root
 * samples and branch samples, and counts the critical nodes that yielded no pair and the branch
 * tokens spent below them: what would have to change for more verified pairs per 1,000 tokens.
 *
 *   npx tsx scripts/audit-pair-efficiency.ts <run dir> [method=tsp]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Pair, TreeNode } from '../src/spec/tree.ts';
import { readJsonl } from '../src/store/jsonl.ts';

const [dir = 'runs/default', method = 'tsp'] = process.argv.slice(2);

const sets = readdirSync(join(dir, 'trees'))
  .map((f) => new RegExp(`^${method}-s(\\d+)-r(\\d+)\\.jsonl$`).exec(f))
  .filter((m): m is RegExpExecArray => m !== null);
const rounds = [...new Set(sets.map((m) => Number(m[2])))].sort((a, b) => a - b);
const rows: string[][] = [];
for (const round of rounds) {
  const t = {
    rootTokens: 0,
    branchTokens: 0,
    pairs: 0,
    verified: 0,
    critical: 0,
    barren: 0,
    barrenTokens: 0,
    seeds: 0,
  };
  for (const m of sets.filter((x) => Number(x[2]) === round)) {
    t.seeds++;
    const nodes = readJsonl<TreeNode>(join(dir, 'trees', m[0]));
    const pairs = readJsonl<Pair>(join(dir, 'pairs', m[0]));
    t.pairs += pairs.length;
    t.verified += pairs.filter((p) => p.chosenVerified && p.rejectedVerified).length;
    const pairsAt = new Map<string, number>();
    for (const p of pairs) if (p.nodeId) pairsAt.set(p.nodeId, (pairsAt.get(p.nodeId) ?? 0) + 1);
    const branchTokensBelow = new Map<string, number>();
    for (const n of nodes) {
      if (n.kind !== 'leaf') continue;
      if (n.id.includes('#root.')) t.rootTokens += n.edgeTokens;
      else {
        t.branchTokens += n.edgeTokens;
        if (n.parentId)
          branchTokensBelow.set(n.parentId, (branchTokensBelow.get(n.parentId) ?? 0) + n.edgeTokens);
      }
    }
    for (const n of nodes.filter((x) => x.critical)) {
      t.critical++;
      if (!pairsAt.get(n.id)) {
        t.barren++;
        t.barrenTokens += branchTokensBelow.get(n.id) ?? 0;
      }
    }
  }
  const total = t.rootTokens + t.branchTokens;
  const pct = (x: number) => (total ? `${((100 * x) / total).toFixed(0)}%` : '–');
  rows.push([
    String(round),
    String(t.seeds),
    String(total),
    `${t.rootTokens} (${pct(t.rootTokens)})`,
    `${t.branchTokens} (${pct(t.branchTokens)})`,
    String(t.critical),
    `${t.barren} (${t.barrenTokens} branch tokens, ${pct(t.barrenTokens)})`,
    String(t.verified),
    total ? ((1000 * t.verified) / total).toFixed(2) : '–',
  ]);
}
const head = [
  'round',
  'seeds',
  'leaf tokens',
  'root samples',
  'branch samples',
  'critical nodes',
  'nodes without a pair',
  'verified pairs',
  'verified pairs / 1k tokens',
];
console.log(`${method} in ${dir} (all seeds of each round together)\n`);
console.log(`| ${head.join(' | ')} |\n| ${head.map(() => '--').join(' | ')} |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
