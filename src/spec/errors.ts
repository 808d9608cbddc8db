/**
 * Errors of the tool itself (not of generated code: that is a Verdict). Each carries a stable
 * code, a hint for the user, and whether retrying can help. The CLI prints one line for these.
 */
export type TspErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'missing-tool'
  | 'sandbox-failure'
  | 'backend-error'
  | 'io-error'
  | 'unsupported'
  | 'internal';

export class TspError extends Error {
  readonly code: TspErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;

  constructor(
    code: TspErrorCode,
    message: string,
    options: { hint?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TspError';
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }
}

export function isTspError(e: unknown): e is TspError {
  return e instanceof TspError;
}
