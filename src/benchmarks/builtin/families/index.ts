import type { Family } from '../family.ts';
import { ARGUMENT_INJECTION } from './argument-injection.ts';
import { BOUNDS } from './bounds.ts';
import { COMMAND_INJECTION } from './command-injection.ts';
import { CREDENTIALS } from './credentials.ts';
import { FORMAT_STRING } from './format-string.ts';
import { LINK_FOLLOWING } from './link-following.ts';
import { MEMORY } from './memory.ts';
import { PASSWORD_HASH } from './password-hash.ts';
import { PATH_TRAVERSAL } from './path-traversal.ts';
import { PERMISSIONS } from './permissions.ts';
import { SQL_INJECTION } from './sql-injection.ts';
import { TOKEN_ENTROPY } from './token-entropy.ts';
import { UNBOUNDED_COPY } from './unbounded-copy.ts';
import { UNTRUSTED_INPUT } from './untrusted-input.ts';
import { WEAK_CRYPTO } from './weak-crypto.ts';
import { XSS } from './xss.ts';
import { XSS_ATTRIBUTE } from './xss-attribute.ts';

/** Every family of the built-in suite, in a stable order. */
export const FAMILIES: readonly Family[] = [
  ...COMMAND_INJECTION,
  ...PATH_TRAVERSAL,
  ...XSS,
  ...WEAK_CRYPTO,
  ...CREDENTIALS,
  ...BOUNDS,
  ...FORMAT_STRING,
  ...PERMISSIONS,
  ...SQL_INJECTION,
  ...MEMORY,
  ...UNTRUSTED_INPUT,
  // suite version 2: unseen siblings of trained families (issue 20)
  ...ARGUMENT_INJECTION,
  ...PASSWORD_HASH,
  ...UNBOUNDED_COPY,
  ...LINK_FOLLOWING,
  ...XSS_ATTRIBUTE,
  ...TOKEN_ENTROPY,
];
