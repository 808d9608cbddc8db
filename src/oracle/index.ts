export { assembleVerdict, isSecurityRelevant, type StaticPart } from './assemble-verdict.ts';
export {
  getHarnessRunner,
  type HarnessContext,
  type HarnessResult,
  type HarnessRunner,
  hasHarnessRunner,
  registerHarnessRunner,
  type WorkerSlot,
} from './harness-registry.ts';
export { renameSampleMain, runInlineHarness } from './inline-runner.ts';
export { createOracle, type JudgeItem, type Oracle, type OracleOptions } from './oracle.ts';
export { type BatchReport, runTestsResumable } from './resumable-tests.ts';
export { registerTaskSource, resolveTask, type TaskLookup, taskSourcePrefixes } from './task-sources.ts';
