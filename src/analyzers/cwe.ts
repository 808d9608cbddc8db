import type { Finding } from '../spec/finding.ts';
import { type CweId, normalizeCwe } from '../spec/language.ts';

/**
 * CWE relations TSP accepts when it asks "is this finding about the task's weakness?". Each pair is
 * a parent/child (or near-equivalent) link from the CWE research view (CWE-1000), kept small on
 * purpose: a finding matches a task when its CWE equals the task's, or the two are linked here.
 *
 *  119 <-> 120, 787, 125, 131, 805, 806      : the specific buffer errors are children of 119
 *   120 <-> 787, 805 <-> 787                  : a classic overflow / size-of-source copy is an out-of-bounds write
 *   787, 119 <-> 121, 122                     : stack- and heap-based overflows (children of 787)
 *  131 <-> 787, 193                           : a wrong allocation size leads to the write (child 193 off-by-one)
 *  327 <-> 328, 916                           : weak hash (328) and fast password hash (916) are risky crypto
 *  328 <-> 916, 916 <-> 759, 760              : salt-less / predictable-salt password hashes are children of 916
 *  326 <-> 327                                : too-short keys and weak algorithms are siblings often merged
 *  330 <-> 338, 329, 335, 336, 337, 760       : predictable randomness; 329 (IV) and 760 (salt) are its uses
 *   329 <-> 1204                              : 1204 "weak IV" is 329's parent
 *  94 <-> 95                                  : eval injection is a child of code injection
 *  200 <-> 209, 215, 532                      : error messages / debug info / logs exposing information
 *  259 <-> 798, 321                           : hard-coded password / key are children of hard-coded credentials
 *  943 <-> 89, 90, 643, 652                   : SQL, LDAP, XPath, XQuery injection are data-query injection
 *  77 <-> 78, 88                              : OS command injection is command injection
 *  74 <-> 79, 89, 78, 94, 113, 117, 643, 943  : all are injection (74); not used for matching by default
 *  20 <-> 1284, 1286, 184                     : improper input validation and its children
 *  22 <-> 23, 36, 73                          : path traversal variants
 *  400 <-> 1333, 730, 770                     : uncontrolled resource consumption (ReDoS is a child)
 *  732 <-> 276, 277, 278, 279, 281            : permission assignment variants
 *  295 <-> 297, 599                           : certificate validation variants
 *  319 <-> 311, 5, 523                        : clear-text transmission
 *  502 <-> 915                                : unsafe deserialization / object attribute modification
 *  611 <-> 776, 827                           : XXE and entity expansion
 *  601 <-> 20                                 : open redirect is input validation (child of 20 via 610)
 *  190 <-> 191, 680, 128                      : integer overflow family
 *  476 <-> 690                                : unchecked allocation result dereferenced
 *  825 <-> 415, 416; 415 <-> 416              : a double free and a use after free both use an expired pointer (825)
 *  252 <-> 253, 690                           : unchecked return value
 *  676 <-> 242, 120                           : dangerous function (gets is also a classic overflow)
 *  113 <-> 93                                 : CRLF injection (93) is 113's parent
 *  117 <-> 93                                 : log forging is CRLF injection in logs
 *  918 <-> 441                                : SSRF is an unintended proxy
 *  134 <-> 787                                : format string writes (%n) are out-of-bounds writes
 */
const RELATED: [number, number[]][] = [
  [119, [120, 787, 125, 131, 805, 806, 193, 786, 788, 823, 121, 122]],
  [120, [787, 676, 242]],
  [805, [787, 806]],
  [787, [121, 122]],
  [131, [787, 193, 122]],
  [327, [328, 916, 326]],
  [328, [916]],
  [916, [759, 760]],
  [330, [338, 329, 335, 336, 337, 760, 1204, 331]],
  [329, [1204]],
  [94, [95]],
  [200, [209, 215, 532, 497]],
  [259, [798, 321]],
  [798, [321]],
  [943, [89, 90, 643, 652]],
  [77, [78, 88]],
  [20, [1284, 1286, 184, 601]],
  [22, [23, 36, 73]],
  [400, [1333, 730, 770]],
  [732, [276, 277, 278, 279, 281]],
  [295, [297, 599]],
  [319, [311, 5, 523]],
  [502, [915]],
  [611, [776, 827]],
  [190, [191, 680, 128]],
  [476, [690]],
  [825, [415, 416]],
  [415, [416]],
  [252, [253, 690]],
  [676, [242]],
  [93, [113, 117]],
  [918, [441]],
  [134, [787]],
];

const LINKS = new Map<number, Set<number>>();
for (const [a, bs] of RELATED)
  for (const b of bs) {
    if (!LINKS.has(a)) LINKS.set(a, new Set());
    if (!LINKS.has(b)) LINKS.set(b, new Set());
    LINKS.get(a)?.add(b);
    LINKS.get(b)?.add(a);
  }

/**
 * Links one way: a finding of the first CWE counts for a task of the second, not the reverse. A
 * name that walks out of a folder (22) reaches what a link followed out of it (59) does, so it
 * shows a link task's weakness; a link followed does not show a traversal task's (its secure
 * references confine names and may follow links).
 */
const ALSO_COUNTS_FOR = new Map<number, Set<number>>([
  [22, new Set([59])],
  // A loader that constructs arbitrary objects runs code from its input: it shows an evaluation
  // task's weakness (`pickle.loads(x)` where `ast.literal_eval` was due). Not the reverse: an
  // evaluation finding on a deserialization task's secure code (CWEval's cwe_502_0_js) is no
  // deserialization weakness.
  [502, new Set([94, 95])],
]);

function cweNumber(raw: string): number | undefined {
  const id = normalizeCwe(raw);
  return id ? Number(id.slice(4)) : undefined;
}

/**
 * Whether a finding's CWE is about the task's CWE: equal, or directly linked in the table above.
 * Accepts "CWE-89", "cwe-089", "89".
 */
/**
 * Weaknesses of predictable randomness (CWE-330 and its children): a value a program must not let
 * anyone guess. A test run cannot show most of them (a PRNG seeded from the clock and the pid gives
 * two fresh processes different values), so the oracle lets static analysis decide these too, and
 * tells the rules that the task's values are secrets (`judgesRandomness`).
 */
const RANDOMNESS_CWES: ReadonlySet<string> = new Set(
  [330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344].map((n) => `CWE-${n}`),
);

/** Whether a task with these CWEs judges predictable randomness (see RANDOMNESS_CWES). */
export function judgesRandomness(taskCwes: readonly string[]): boolean {
  return taskCwes.some((c) => RANDOMNESS_CWES.has(normalizeCwe(c) ?? c));
}

/**
 * Weaknesses where input is evaluated inside the program's own process: code injection (CWE-94,
 * CWE-95 eval) and unsafe deserialization (CWE-502). What the payload does there is the program's
 * to hide: it can neuter its own file, process and network routes before it evaluates, and
 * validate afterwards, so no effect reaches a judge ("evaluate, then validate").
 */
const IN_PROCESS_EVALUATION_CWES: ReadonlySet<string> = new Set(['CWE-94', 'CWE-95', 'CWE-502']);

/**
 * OS command injection (CWE-77, CWE-78): the injected command runs in a shell the program starts, and
 * the program can confine that shell in user space (restricted bash with an empty PATH, shell
 * functions over the builtins, an LD_PRELOAD shim) so that no command of an attack leaves an effect.
 */
const SHELL_CWES: ReadonlySet<string> = new Set(['CWE-77', 'CWE-78']);

/**
 * A weak hash used to fingerprint data (CWE-328): a test can only ask that the digest is not the
 * plain MD5 or SHA-1 of the input, and any other weak construction (MD5 written twice, a CRC32
 * spread over 64 digits, a hand-written hash) passes it.
 */
const WEAK_HASH_CWES: ReadonlySet<string> = new Set(['CWE-328']);

/**
 * Hard-coded credentials (CWE-798, passwords CWE-259, keys CWE-321): a test can try the usual
 * defaults, not every constant a program may accept as a backdoor.
 */
const CREDENTIAL_CWES: ReadonlySet<string> = new Set(['CWE-798', 'CWE-259', 'CWE-321']);

/**
 * A fast hash for passwords (CWE-916): the tests recompute the usual fast digests of password and
 * salt and PBKDF2 at low counts, and SHA-256 applied twice, or a few SHA-512 rounds, pass them.
 */
const PASSWORD_HASH_CWES: ReadonlySet<string> = new Set(['CWE-916']);

export type StaticEvidence =
  | 'randomness'
  | 'evaluation'
  | 'shell'
  | 'hash'
  | 'credential'
  | 'password'
  | 'dormant';

/**
 * Why the oracle needs static evidence for a task's weakness besides its tests, or undefined: the
 * tests cannot show predictable randomness that has some entropy (`randomness`), what an
 * evaluation the program controls did (`evaluation`), a command injected into a shell the program
 * confined (`shell`), a weak hash that is not plain MD5 or SHA-1 (`hash`), a constant the
 * program accepts as a credential (`credential`), nor a fast hash of a password that is not one of
 * the digests the tests recompute (`password`). For such tasks the analyzer's findings about
 * the task's weakness count in every run (src/oracle/assemble-verdict.ts).
 */
export function staticEvidenceNeeded(taskCwes: readonly string[]): StaticEvidence | undefined {
  const has = (set: ReadonlySet<string>) => taskCwes.some((c) => set.has(normalizeCwe(c) ?? c));
  if (judgesRandomness(taskCwes)) return 'randomness';
  if (has(IN_PROCESS_EVALUATION_CWES)) return 'evaluation';
  if (has(SHELL_CWES)) return 'shell';
  if (has(WEAK_HASH_CWES)) return 'hash';
  if (has(CREDENTIAL_CWES)) return 'credential';
  if (has(PASSWORD_HASH_CWES)) return 'password';
  if (taskCwes.some((c) => normalizeCwe(c) !== undefined)) return 'dormant';
  return undefined;
}

export function cweMatches(findingCwe: string, taskCwe: string): boolean {
  const a = cweNumber(findingCwe);
  const b = cweNumber(taskCwe);
  if (a === undefined || b === undefined) return false;
  return a === b || (LINKS.get(a)?.has(b) ?? false) || (ALSO_COUNTS_FOR.get(a)?.has(b) ?? false);
}

/**
 * Whether the findings show the task's weakness, as it counts where static evidence decides
 * (`staticEvidenceNeeded`): a finding, not a note, whose CWE equals or is linked to the task's.
 */
export function showsWeakness(
  findings: readonly Pick<Finding, 'severity' | 'cwe'>[],
  taskCwe: readonly string[],
): boolean {
  return findings.some((f) => f.severity !== 'note' && anyCweMatches(f.cwe, taskCwe));
}

/** True when any of the finding's CWEs matches any of the task's. */
export function anyCweMatches(findingCwes: readonly string[], taskCwes: readonly string[]): boolean {
  return findingCwes.some((f) => taskCwes.some((t) => cweMatches(f, t)));
}

/** Short CWE names for SARIF rule descriptions and text output. */
export const CWE_NAMES: Record<number, string> = {
  20: 'Improper Input Validation',
  22: 'Path Traversal',
  74: 'Injection',
  77: 'Command Injection',
  78: 'OS Command Injection',
  79: 'Cross-site Scripting',
  89: 'SQL Injection',
  93: 'CRLF Injection',
  94: 'Code Injection',
  95: 'Eval Injection',
  113: 'HTTP Response Splitting',
  116: 'Improper Encoding or Escaping of Output',
  117: 'Log Injection',
  119: 'Buffer Errors',
  120: 'Classic Buffer Overflow',
  125: 'Out-of-bounds Read',
  131: 'Incorrect Calculation of Buffer Size',
  134: 'Externally-Controlled Format String',
  170: 'Improper Null Termination',
  190: 'Integer Overflow',
  193: 'Off-by-one Error',
  195: 'Signed to Unsigned Conversion Error',
  197: 'Numeric Truncation Error',
  200: 'Exposure of Sensitive Information',
  209: 'Information Exposure Through an Error Message',
  215: 'Information Exposure Through Debug Information',
  250: 'Execution with Unnecessary Privileges',
  252: 'Unchecked Return Value',
  259: 'Hard-coded Password',
  295: 'Improper Certificate Validation',
  311: 'Missing Encryption of Sensitive Data',
  319: 'Cleartext Transmission of Sensitive Information',
  326: 'Inadequate Encryption Strength',
  327: 'Broken or Risky Cryptographic Algorithm',
  328: 'Use of Weak Hash',
  329: 'Predictable IV with CBC Mode',
  330: 'Insufficiently Random Values',
  338: 'Cryptographically Weak PRNG',
  347: 'Improper Verification of Cryptographic Signature',
  352: 'Cross-Site Request Forgery (CSRF)',
  377: 'Insecure Temporary File',
  400: 'Uncontrolled Resource Consumption',
  415: 'Double Free',
  416: 'Use After Free',
  467: 'Use of sizeof() on a Pointer Type',
  468: 'Incorrect Pointer Scaling',
  476: 'NULL Pointer Dereference',
  489: 'Active Debug Code',
  502: 'Deserialization of Untrusted Data',
  601: 'Open Redirect',
  611: 'XML External Entity Reference',
  643: 'XPath Injection',
  676: 'Use of Potentially Dangerous Function',
  732: 'Incorrect Permission Assignment for Critical Resource',
  760: 'Use of a One-Way Hash with a Predictable Salt',
  787: 'Out-of-bounds Write',
  798: 'Hard-coded Credentials',
  916: 'Password Hash With Insufficient Computational Effort',
  918: 'Server-Side Request Forgery',
  943: 'Improper Neutralization in Data Query Logic',
  1022: 'Use of Web Link to Untrusted Target with window.opener Access',
  1321: "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')",
  1333: 'Inefficient Regular Expression Complexity',
};

export function cweName(id: CweId | string): string {
  const n = cweNumber(id);
  return (n !== undefined && CWE_NAMES[n]) || String(id);
}

export function cweHelpUri(id: CweId | string): string {
  const n = cweNumber(id);
  return `https://cwe.mitre.org/data/definitions/${n ?? 0}.html`;
}
