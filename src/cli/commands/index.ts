import type { CommandDef } from 'citty';

/**
 * Every `tsp` subcommand, loaded lazily so that `tsp scan` does not load tfjs. Each command file
 * is a thin registration (arguments + a call into the library); the library never prints.
 * Add one line here per command.
 */
export const commands: Record<string, () => Promise<CommandDef>> = {
  pretrain: () => import('./pretrain.ts').then((m) => m.default as CommandDef),
  run: () => import('./run.ts').then((m) => m.default as CommandDef),
  doctor: () => import('./doctor.ts').then((m) => m.default as CommandDef),
  judge: () => import('./judge.ts').then((m) => m.default as CommandDef),
  report: () => import('./report.ts').then((m) => m.default as CommandDef),
  eval: () => import('./eval.ts').then((m) => m.default as CommandDef),
  export: () => import('./export.ts').then((m) => m.default as CommandDef),
  suite: () => import('./suite.ts').then((m) => m.default as CommandDef),
  serve: () => import('./serve.ts').then((m) => m.default as CommandDef),
  scan: () => import('./scan.ts').then((m) => m.default as CommandDef),
  dpo: () => import('./dpo.ts').then((m) => m.default as CommandDef),
  train: () => import('./train.ts').then((m) => m.default as CommandDef),
  tasks: () => import('./tasks.ts').then((m) => m.default as CommandDef),
};
