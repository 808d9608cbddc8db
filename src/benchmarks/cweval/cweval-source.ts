import type { Language } from '../../spec/language.ts';

/**
 * Parsing of CWEval task files. C, C++, Go and JavaScript files are split by comment markers:
 * headers, `BEGIN PROMPT`, the prompt, `BEGIN SOLUTION`, the reference solution,
 * `BEGIN ENTRYPOINT`, a `main` (or a `require.main === module` block) that the tests run.
 * Python files have `# BEGIN SOLUTION` only: the prompt is everything above it.
 */
export interface CwevalSourceParts {
  /** Text the model continues (headers and prompt; marker lines removed). */
  prompt: string;
  /** The reference solution that follows the prompt. */
  solution: string;
  /** The entry point section (`main`), without its marker; empty for Python. */
  entrypoint: string;
}

const MARKER = (name: string) => new RegExp(`^[ \\t]*(?://|#)[ \\t]*BEGIN ${name}[ \\t]*\\r?\\n?`, 'm');

/** Splits a CWEval task file into prompt, solution and entry point. Returns undefined when the markers are missing. */
export function splitCwevalSource(text: string): CwevalSourceParts | undefined {
  const sol = MARKER('SOLUTION').exec(text);
  if (!sol) return undefined;
  const before = text.slice(0, sol.index).replace(MARKER('PROMPT'), '');
  const after = text.slice(sol.index + sol[0].length);
  const entry = MARKER('ENTRYPOINT').exec(after);
  return {
    prompt: before,
    solution: entry ? after.slice(0, entry.index) : after,
    entrypoint: entry ? after.slice(entry.index + entry[0].length) : '',
  };
}

/** Removes `BEGIN ...` marker lines (used for the unsafe references, which are complete programs). */
export function stripMarkers(text: string): string {
  return text.replace(/^[ \t]*(?:\/\/|#)[ \t]*BEGIN (?:PROMPT|SOLUTION|ENTRYPOINT)[ \t]*\r?\n/gm, '');
}

const ENTRY_PATTERNS: Record<Language, RegExp> = {
  python: /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm,
  go: /^\s*func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(/gm,
  javascript:
    /(?:^|\s)(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(|(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:function\b|\()/gm,
  c: /([A-Za-z_]\w*)\s*\([^;{}()]*(?:\([^()]*\)[^;{}()]*)*\)\s*\{/gm,
  cpp: /([A-Za-z_][\w:]*)\s*\([^;{}()]*(?:\([^()]*\)[^;{}()]*)*\)\s*(?:const\s*)?\{/gm,
};

const NOT_FUNCTIONS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'catch']);

/** The last function declared in a prompt: the one the model must complete and the tests call. */
export function findEntryPoint(prompt: string, language: Language): string | undefined {
  const re = new RegExp(ENTRY_PATTERNS[language].source, ENTRY_PATTERNS[language].flags);
  let last: string | undefined;
  for (const m of prompt.matchAll(re)) {
    const name = m[1] ?? m[2];
    if (name && !NOT_FUNCTIONS.has(name)) last = name.includes('::') ? name.split('::').pop() : name;
  }
  return last;
}

/**
 * The Python unsafe references CWEval keeps inside the test file (`<entry>_unsafe`,
 * `<entry>_unsafe_0`, ...), each turned into a module: the test file's imports (but not the
 * task's own module) followed by the function renamed to the entry point.
 */
export function extractPythonUnsafe(testSource: string, entryPoint: string, taskModule: string): string[] {
  const lines = testSource.split('\n');
  const imports = lines.filter(
    (l) =>
      /^(?:import|from)\s/.test(l) &&
      !new RegExp(`^from\\s+${taskModule}\\s+import`).test(l) &&
      !/^import\s+pytest\b/.test(l),
  );
  const out: string[] = [];
  const head = new RegExp(`^def\\s+${entryPoint}_unsafe(?:_\\d+)?\\s*\\(`);
  for (let i = 0; i < lines.length; i++) {
    if (!head.test(lines[i] ?? '')) continue;
    let j = i + 1;
    while (j < lines.length && (/^\s/.test(lines[j] ?? '') || (lines[j] ?? '') === '')) j++;
    const body = lines.slice(i, j).join('\n').trimEnd();
    const renamed = body.replace(/^def\s+\w+/, `def ${entryPoint}`);
    out.push(`${imports.join('\n')}\n\n\n${renamed}\n`);
  }
  return out;
}

/** Does a program define its own entry point (a `main`, or a JS `require.main === module` block)? */
export function hasOwnMain(code: string, language: Language): boolean {
  switch (language) {
    case 'c':
    case 'cpp':
      return /\bint\s+main\s*\(/.test(code);
    case 'go':
      return /^func\s+main\s*\(\s*\)/m.test(code);
    case 'javascript':
      return /require\.main\s*===?\s*module/.test(code);
    case 'python':
      return false;
  }
}
