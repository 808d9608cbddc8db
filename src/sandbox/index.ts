export {
  baseSandboxEnv,
  buildSandboxCommand,
  modeTracer,
  SANDBOX_WORK_DIR,
  type SandboxCommandOptions,
} from './bwrap.ts';
export {
  type CompileNativeOptions,
  type CompileResult,
  compileNative,
  detectNativeLibs,
  goCacheDir,
  type NativeLanguage,
  SANITIZER_EXIT_CODE,
  SANITIZER_FLAGS,
  sanitizerEnv,
} from './compile-native.ts';
export { DEFAULT_LIMITS, type Limits, resolveLimits } from './limits.ts';
export {
  createModeLog,
  type ModeEvent,
  type ModeEvidence,
  ModeHistory,
  NO_SUPERVISOR,
  readModeEvents,
  removeModeLog,
  type WatchedFile,
  watchedModeProblem,
} from './mode-events.ts';
export {
  PythonServer,
  type PythonTestRequest,
  type PythonTestResult,
  SANDBOX_PYTHON,
} from './python-server.ts';
export { type RunSandboxedOptions, runSandboxed, type SandboxResult } from './run-sandboxed.ts';
export { parseSanitizerReports } from './sanitizer.ts';
export { type ProcessResult, spawnCapped } from './spawn-capped.ts';
export { detectTools, TOOLCHAINS, type ToolSpec, type ToolStatus } from './toolchains.ts';
export {
  acquireUid,
  ownUidBlock,
  releaseUid,
  releaseUidBlock,
  reserveUidBlock,
  UID_RANGE,
} from './uids.ts';
export { createWorkDir, removeWorkDir, sandboxRoot, writeWorkFiles } from './work-dir.ts';
