export * from './errors.ts';
export * from './finding.ts';
export * from './language.ts';
export * from './parse.ts';
export type * from './policy.ts';
export * from './sample.ts';
export * from './task.ts';
export * from './tree.ts';
export * from './verdict.ts';
