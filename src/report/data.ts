/**
 * What the HTML report embeds: aggregated views of results.json (computed here, typed and tested,
 * so the page only draws) and the decision trees in a compact form (prefixes rebuilt from edges in
 * the page), trimmed to a byte budget with a note saying what was left out.
 */

import type { MethodName, RunResults, SummaryRow } from '../spec/results.ts';
import type { CriticalSource, Pair, TreeNode } from '../spec/tree.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import {
  aggregateTreeStats,
  buildCurves,
  buildHeatmaps,
  buildRoundHeatmaps,
  type Curve,
  groupBy,
  type Heatmap,
} from './aggregate.ts';
import { METHOD_LABEL, METHOD_ORDER, sortMethods } from './format.ts';
import { loadRunResults } from './partial-results.ts';
import {
  listRunDir,
  type ReportManifest,
  type ReportTask,
  readManifest,
  readPairFile,
  readTasks,
  readTreeFile,
  type SetKey,
} from './run-dir.ts';

export type { Curve, CurvePoint, Heatmap, MetricKey } from './aggregate.ts';
export { buildCurves, buildHeatmaps } from './aggregate.ts';

/** A tree node, compact: the page rebuilds `prefix` as parent prefix + edge (or takes `x`). */
export interface CompactNode {
  id: string;
  /** Index of the parent in the same list; -1 for the root or a node whose parent was not kept. */
  p: number;
  k: TreeNode['kind'];
  /** edgeText */
  e: string;
  /** Only when the prefix is not the parent's prefix + edge (the root: when it is not the prompt). */
  x?: string;
  t: number;
  v: number | null;
  n: number;
  c?: CriticalSource | 'unknown';
  d?: VerdictSummary;
}

export interface CompactPair {
  id: string;
  /** Index of the node the pair branches at, -1 when it has none (unstructured self-play). */
  node: number;
  src: Pair['source'];
  by?: CriticalSource;
  /** Only when it differs from the node's prefix (always for pairs without a node). */
  pre?: string;
  ch: string;
  rj: string;
  cs: number;
  rs: number;
  cv: boolean;
  rv: boolean;
  cvd?: VerdictSummary;
  rvd?: VerdictSummary;
}

export interface TreeEntry {
  task: string;
  set: string;
  nodes: CompactNode[];
  pairs: CompactPair[];
  /** Nodes left out of this tree by the per-tree cap. */
  trimmed?: number;
}

/** A task as the viewer shows it; the language is unknown when the task is not in tasks.jsonl. */
export type ViewerTask = Omit<ReportTask, 'language'> & { language?: ReportTask['language'] };

export interface TreeData {
  tasks: ViewerTask[];
  sets: SetKey[];
  entries: TreeEntry[];
}

export interface ReportData {
  schema: 1;
  run: {
    runId: string;
    preset: string;
    createdAt: string;
    finishedAt?: string;
    seeds: number[];
    methods: MethodName[];
    gitCommit?: string;
    versions?: Record<string, string>;
    /** The run's own notes (results.json `notes`), shown at the top. */
    notes: string[];
    config?: Record<string, string>;
  };
  methodLabels: Record<MethodName, string>;
  table: { split: string; rows: SummaryRow[] }[];
  curves: Curve[];
  perCwe: Heatmap[];
  perLanguage: Heatmap[];
  /** Per-CWE rates round by round of each method evaluated after several rounds (main split). */
  perCweByRound: Heatmap[];
  unseenCwe: RunResults['unseenCwe'];
  /** Paired differences between methods with bootstrap intervals (results.json `comparisons`). */
  comparisons: RunResults['comparisons'];
  crossLanguage: RunResults['crossLanguage'];
  treeStats: ReturnType<typeof aggregateTreeStats>;
  trees: TreeData;
  /** What the report itself left out or could not show (trimming, missing tasks). */
  notes: string[];
}

export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}

export interface BuildReportOptions {
  /** Byte budget of the embedded trees (JSON, before compression). Default 1.5 MB. */
  maxTreeBytes?: number;
  /** Nodes kept per tree (critical nodes, their paths and children first). Default 400. */
  maxNodesPerTree?: number;
  onProgress?: (event: ProgressEvent) => void;
}

function stringifyConfig(config: unknown): Record<string, string> | undefined {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config).slice(0, 40)) {
    const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
    out[k] = s.length > 120 ? `${s.slice(0, 117)}...` : s;
  }
  return out;
}

function stringifyVersions(v: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!v) return undefined;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]),
  );
}

/** Which nodes of a big tree to keep: critical nodes with their ancestors and children, then breadth-first. */
export function selectNodes(nodes: readonly TreeNode[], max: number): TreeNode[] {
  if (nodes.length <= max) return [...nodes];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = groupBy(
    nodes.filter((n) => n.parentId !== null),
    (n) => n.parentId as string,
  );
  const keep = new Set<string>();
  const addPath = (n: TreeNode | undefined) => {
    for (let cur = n; cur && !keep.has(cur.id); cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
      keep.add(cur.id);
    }
  };
  for (const n of nodes.filter((x) => x.critical)) {
    if (keep.size >= max) break;
    addPath(n);
    // Each child of a critical node, down to one leaf, so the branches can be shown.
    for (const c of children.get(n.id) ?? []) {
      let cur: TreeNode | undefined = c;
      while (cur && keep.size < max) {
        addPath(cur);
        cur = (children.get(cur.id) ?? [])[0];
      }
    }
  }
  const byDepth = [...nodes].sort((a, b) => a.depth - b.depth);
  for (const n of byDepth) {
    if (keep.size >= max) break;
    if (n.parentId === null || keep.has(n.parentId)) keep.add(n.id);
  }
  return nodes.filter((n) => keep.has(n.id));
}

/** Compacts one task's tree of one set; parents come before children. */
export function compactTree(
  taskNodes: readonly TreeNode[],
  taskPairs: readonly Pair[],
  prompt: string | undefined,
  maxNodes: number,
): { nodes: CompactNode[]; pairs: CompactPair[]; trimmed: number } {
  const kept = selectNodes(taskNodes, maxNodes).sort((a, b) => a.depth - b.depth);
  const index = new Map(kept.map((n, i) => [n.id, i]));
  const prefixOf = new Map<string, string>();
  const nodes: CompactNode[] = kept.map((n) => {
    const p = n.parentId === null ? -1 : (index.get(n.parentId) ?? -1);
    const parentPrefix = n.parentId === null ? undefined : prefixOf.get(n.parentId);
    prefixOf.set(n.id, n.prefix);
    const c: CompactNode = {
      id: n.id,
      p,
      k: n.kind,
      e: n.edgeText,
      t: n.edgeTokens,
      v: n.value,
      n: n.leaves,
    };
    const rebuilt = n.parentId === null ? prompt : p === -1 ? undefined : `${parentPrefix}${n.edgeText}`;
    if (rebuilt !== n.prefix) c.x = n.prefix;
    if (n.critical) c.c = n.criticalBy ?? 'unknown';
    if (n.verdict) c.d = n.verdict;
    return c;
  });
  const pairs: CompactPair[] = taskPairs.map((pr) => {
    const node = pr.nodeId === undefined ? -1 : (index.get(pr.nodeId) ?? -1);
    const nodePrefix = pr.nodeId === undefined ? undefined : prefixOf.get(pr.nodeId);
    const cp: CompactPair = {
      id: pr.id,
      node,
      src: pr.source,
      ch: pr.chosen,
      rj: pr.rejected,
      cs: pr.chosenSegmentChars,
      rs: pr.rejectedSegmentChars,
      cv: pr.chosenVerified,
      rv: pr.rejectedVerified,
    };
    if (pr.criticalBy) cp.by = pr.criticalBy;
    if (nodePrefix !== pr.prefix) cp.pre = pr.prefix;
    if (pr.chosenVerdict) cp.cvd = pr.chosenVerdict;
    if (pr.rejectedVerdict) cp.rvd = pr.rejectedVerdict;
    return cp;
  });
  return { nodes, pairs, trimmed: taskNodes.length - kept.length };
}

/** Reads a run directory and builds everything the report page shows. */
export async function buildReportData(runDir: string, options: BuildReportOptions = {}): Promise<ReportData> {
  const maxTreeBytes = options.maxTreeBytes ?? 1_500_000;
  const maxNodes = options.maxNodesPerTree ?? 400;
  const listing = await listRunDir(runDir);
  const manifest: ReportManifest | undefined = await readManifest(runDir);
  const results = await loadRunResults(runDir, manifest);
  const tasks = await readTasks(runDir);
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const notes: string[] = [];

  // Trees and pairs, per set (file), grouped by task.
  const setKeys = new Map<string, SetKey>();
  const perTask = new Map<string, Map<string, { nodes: TreeNode[]; pairs: Pair[] }>>();
  const slot = (task: string, set: SetKey) => {
    setKeys.set(set.key, set);
    let m = perTask.get(task);
    if (!m) {
      m = new Map();
      perTask.set(task, m);
    }
    let s = m.get(set.key);
    if (!s) {
      s = { nodes: [], pairs: [] };
      m.set(set.key, s);
    }
    return s;
  };
  const files = [
    ...listing.treeFiles.map((f) => ({ ...f, kind: 'tree' as const })),
    ...listing.pairFiles.map((f) => ({ ...f, kind: 'pairs' as const })),
  ];
  let done = 0;
  options.onProgress?.({ phase: 'read trees and pairs', done, total: files.length });
  for (const f of files) {
    if (f.kind === 'tree') for (const n of await readTreeFile(f.path)) slot(n.taskId, f.set).nodes.push(n);
    else for (const p of await readPairFile(f.path)) slot(p.taskId, f.set).pairs.push(p);
    options.onProgress?.({ phase: 'read trees and pairs', done: ++done, total: files.length });
  }

  // Tasks with critical nodes first (what people come to look at), then tasks with trees, then by id.
  const count = (t: string, f: (n: TreeNode) => boolean) =>
    [...(perTask.get(t)?.values() ?? [])].reduce((a, s) => a + s.nodes.filter(f).length, 0);
  const order = new Map(
    [...perTask.keys()].map((t) => [
      t,
      { critical: count(t, (n) => n.critical), nodes: count(t, () => true) },
    ]),
  );
  const taskIds = [...perTask.keys()].sort((a, b) => {
    const x = order.get(a) ?? { critical: 0, nodes: 0 };
    const y = order.get(b) ?? { critical: 0, nodes: 0 };
    return y.critical - x.critical || Number(y.nodes > 0) - Number(x.nodes > 0) || a.localeCompare(b);
  });
  const entries: TreeEntry[] = [];
  const keptTasks: ViewerTask[] = [];
  let bytes = 0;
  let trimmedNodes = 0;
  let droppedTasks = 0;
  for (const id of taskIds) {
    const sets = perTask.get(id) as Map<string, { nodes: TreeNode[]; pairs: Pair[] }>;
    const task = taskById.get(id);
    const mine: TreeEntry[] = [];
    let size = 0;
    let trimmedHere = 0;
    for (const [set, { nodes, pairs }] of sets) {
      const c = compactTree(nodes, pairs, task?.prompt, maxNodes);
      const entry: TreeEntry = { task: id, set, nodes: c.nodes, pairs: c.pairs };
      if (c.trimmed) entry.trimmed = c.trimmed;
      trimmedHere += c.trimmed;
      size += JSON.stringify(entry).length;
      mine.push(entry);
    }
    if (bytes + size > maxTreeBytes && entries.length > 0) {
      droppedTasks++;
      continue;
    }
    bytes += size;
    trimmedNodes += trimmedHere;
    entries.push(...mine);
    keptTasks.push(task ?? { id, cwe: [], prompt: '', family: '(not in tasks.jsonl)' });
  }
  if (droppedTasks) {
    notes.push(
      `The tree viewer embeds ${keptTasks.length} of ${taskIds.length} tasks (budget ${Math.round(maxTreeBytes / 1000)} kB of tree data; tasks with the most critical nodes first). Raise it with \`tsp report --max-tree-kb\`.`,
    );
  }
  if (trimmedNodes) {
    notes.push(
      `${trimmedNodes} tree nodes were left out of the viewer (at most ${maxNodes} per tree; critical nodes, their paths and branches are kept).`,
    );
  }
  const missingTasks = keptTasks.filter((t) => !taskById.has(t.id)).length;
  if (missingTasks)
    notes.push(`${missingTasks} tasks of the trees are missing from tasks.jsonl (no prompt shown).`);

  const run: ReportData['run'] = {
    runId: results.runId,
    preset: results.preset,
    createdAt: results.createdAt,
    seeds: results.seeds,
    methods: results.methods,
    notes: results.notes,
  };
  if (results.finishedAt) run.finishedAt = results.finishedAt;
  if (manifest?.gitCommit) run.gitCommit = manifest.gitCommit;
  const versions = stringifyVersions(manifest?.versions);
  if (versions) run.versions = versions;
  const config = stringifyConfig(manifest?.config);
  if (config) run.config = config;

  const splits = [...new Set(results.summary.map((r) => r.split))];
  return {
    schema: 1,
    run,
    methodLabels: METHOD_LABEL,
    table: splits.map((split) => ({
      split,
      rows: sortMethods(results.summary.filter((r) => r.split === split)),
    })),
    curves: buildCurves(results.evaluations),
    perCwe: buildHeatmaps(results.evaluations, 'perCwe'),
    perLanguage: buildHeatmaps(results.evaluations, 'perLanguage'),
    perCweByRound: splits[0] ? buildRoundHeatmaps(results.evaluations, splits[0]) : [],
    unseenCwe: sortMethods(results.unseenCwe),
    comparisons: results.comparisons,
    crossLanguage: sortMethods(results.crossLanguage),
    treeStats: aggregateTreeStats(results.treeStats),
    trees: {
      tasks: keptTasks,
      sets: [...setKeys.values()].sort(
        (a, b) =>
          a.config.localeCompare(b.config) ||
          METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) ||
          a.seed - b.seed ||
          a.round - b.round,
      ),

      entries,
    },
    notes,
  };
}
