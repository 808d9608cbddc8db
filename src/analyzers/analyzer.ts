import { type Language as Grammar, Query, type Tree } from 'web-tree-sitter';
import type { StaticAnalyzer } from '../spec/analyzer.ts';
import { TspError } from '../spec/errors.ts';
import type { Finding } from '../spec/finding.ts';
import type { CweId, Language } from '../spec/language.ts';
import { staticEvidenceNeeded } from './cwe.ts';
import { FileModel } from './engine/model.ts';
import type { Rule } from './engine/rule.ts';
import { type CompiledRules, compileRules, matchFile, runRules } from './engine/run-rules.ts';
import {
  type ExternalInput,
  type ExternalResult,
  type ExternalRunner,
  runExternal,
  runExternalBatch,
  selectExternal,
} from './external/index.ts';
import { dedupeFindings } from './findings.ts';
import { collectParseErrors, loadGrammar, type ParseError, PositionIndex, parseLoaded } from './parser.ts';
import { ALL_RULES } from './rules/index.ts';

export type { ParseError };

export interface DetailedAnalysis {
  findings: Finding[];
  parseErrors: ParseError[];
  /** Messages about the input itself: empty, binary, too large, wrong language, partial parse. */
  notes: string[];
}

export interface AnalyzeOptions {
  file?: string;
  /** The weaknesses the code is judged for (see StaticAnalyzer.analyze). */
  taskCwe?: readonly CweId[];
  /** Input that cannot be analyzed in full is an error (see StaticAnalyzer.analyze). */
  strict?: boolean;
  /** Leave the external analyzers out (a scan runs them once over all files instead). */
  skipExternal?: boolean;
}

export interface Analyzer extends StaticAnalyzer {
  analyzeDetailed(code: string, language: Language, options?: AnalyzeOptions): Promise<DetailedAnalysis>;
  /** Runs the enabled external analyzers once over many files (one process per tool and batch). */
  analyzeExternal(inputs: ExternalInput[]): Promise<ExternalResult>;
  /** The tree-sitter rules this analyzer runs. */
  readonly rules: readonly Rule[];
  /** External analyzers enabled and installed (names), resolved at creation. */
  readonly external: readonly string[];
}

export interface CreateAnalyzerOptions {
  /** Run installed external analyzers too: true (all), or a list of names. Default false (fast path). */
  external?: boolean | string[];
  /** Replace the rule set (tests). */
  rules?: readonly Rule[];
  /**
   * A rule that throws on a file: `throw` (default; the oracle's choice: an analysis missing a rule
   * is an oracle error, never a clean verdict) or `note` (`tsp scan`: that rule's findings are
   * missing from the file, a note says so, the other rules' findings stay).
   */
  ruleErrors?: 'throw' | 'note';
}

/** Largest input analyzed (bytes); larger files get a note instead of findings. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Creates the static analyzer: TSP's tree-sitter rules, plus installed external analyzers when asked. */
export async function createAnalyzer(options: CreateAnalyzerOptions = {}): Promise<Analyzer> {
  const rules = options.rules ?? ALL_RULES;
  const compiled = new Map<Language, Promise<CompiledRules>>();
  const externals: ExternalRunner[] = options.external ? await selectExternal(options.external) : [];

  const compiledFor = (language: Language): Promise<CompiledRules> => {
    let c = compiled.get(language);
    if (!c) {
      c = loadGrammar(language).then((g) => compileRules(rules, language, g));
      compiled.set(language, c);
    }
    return c;
  };

  const analyzeDetailed = async (
    input: string,
    language: Language,
    opts: AnalyzeOptions = {},
  ): Promise<DetailedAnalysis> => {
    let code = asCompilerReads(input, language);
    const notes: string[] = [];
    const problem = checkInput(code);
    if (problem && opts.strict)
      throw new TspError('invalid-input', `the ${language} input cannot be analyzed: ${problem}`);
    if (problem) return { findings: [], parseErrors: [], notes: [problem] };
    const encoding = language === 'python' ? foreignSourceEncoding(code) : undefined;
    if (encoding && opts.strict)
      throw new TspError('invalid-input', `the python input cannot be analyzed: ${encoding}`);
    if (encoding) notes.push(encoding);
    const rulesFor = await compiledFor(language);
    const grammar = await loadGrammar(language);
    let tree = parseLoaded(language, grammar, code);
    // Names as the runtime reads them (`os.ｓｙｓｔｅｍ` is `os.system` to Python, `\u0065val` is
    // `eval` to JavaScript): the text is rewritten and parsed again.
    const spelled = namesAsRead(language, grammar, tree, code);
    if (spelled) {
      tree.delete();
      code = spelled.code;
      tree = parseLoaded(language, grammar, code);
      notes.push(spelled.note);
    }
    try {
      const positions = new PositionIndex(code);
      const parseErrors = collectParseErrors(tree, positions);
      // Strict about parse errors where the runtime itself rejects what does not parse (a runnable
      // program the grammar cannot read is a mismatch a program can hide in). Not for C and C++:
      // their grammars miss valid preprocessor-heavy code (CWEval's cwe_643_0 references), and the
      // findings cover what parsed, as in a scan.
      if (parseErrors.length && opts.strict && language !== 'c' && language !== 'cpp') {
        const e = parseErrors[0];
        throw new TspError(
          'invalid-input',
          `the ${language} input does not parse in full (${parseErrors.length}${parseErrors.length >= 20 ? '+' : ''} parse error(s), first at ${e?.line}:${e?.column}: ${e?.message}): an analysis of part of it cannot say it is secure`,
        );
      }
      if (parseErrors.length) {
        const share = errorShare(tree.rootNode, code.length);
        if (share > 0.4)
          notes.push(
            `most of the input (${Math.round(share * 100)}%) does not parse as ${language}: is the language right? findings cover only what parsed`,
          );
        else
          notes.push(
            `${parseErrors.length}${parseErrors.length >= 20 ? '+' : ''} parse error(s) (truncated or invalid code): findings cover what parsed`,
          );
      }
      const { indexed, matches } = matchFile(rulesFor, tree, code);
      const model = new FileModel(language, tree, code, indexed);
      const hits = runRules(
        rulesFor,
        model,
        matches,
        options.ruleErrors === 'note'
          ? (rule, e) =>
              notes.push(
                `rule ${rule.id} failed on this file (${e instanceof Error ? e.message : String(e)}): its findings are missing; the other rules ran`,
              )
          : undefined,
        {
          taskEvidence: opts.taskCwe ? staticEvidenceNeeded(opts.taskCwe) : undefined,
          ...(opts.taskCwe ? { taskCwe: opts.taskCwe } : {}),
        },
      );
      const findings: Finding[] = hits.map((h) => ({
        cwe: h.cwe,
        ruleId: h.rule.id,
        source: 'tsp',
        severity: h.severity,
        message: h.message,
        span: positions.span(h.node.startIndex, h.node.endIndex),
        ...(opts.file ? { file: opts.file } : {}),
      }));
      if (externals.length && !opts.skipExternal) {
        const ext = await runExternal(externals, code, language, opts.file);
        findings.push(...ext.findings);
        notes.push(...ext.notes);
      }
      return { findings: dedupeFindings(findings), parseErrors, notes };
    } finally {
      tree.delete();
    }
  };

  return {
    rules,
    external: externals.map((e) => e.name),
    analyzeDetailed,
    analyzeExternal: async (inputs) =>
      externals.length ? runExternalBatch(externals, inputs) : { findings: [], notes: [] },
    analyze: async (code, language, opts) => (await analyzeDetailed(code, language, opts)).findings,
  };
}

/**
 * The text as the language's own compiler splits its lines: CPython and the C/C++ preprocessors take
 * a lone carriage return for a line end, and tree-sitter's Python and C grammars do not, so
 * `# note\r    eval(x)` (or `// note\r system(cmd);`) ran code the parser read as the rest of a
 * comment. Replaced one for one (`\r` -> `\n`), so offsets do not move. JavaScript's grammar already
 * ends a line there; Go's compiler does not.
 */
function asCompilerReads(code: string, language: Language): string {
  if (language !== 'python' && language !== 'c' && language !== 'cpp') return code;
  return code.includes('\r') ? code.replace(/\r(?!\n)/g, '\n') : code;
}

/** The identifier node types whose text the runtime reads otherwise than written, per language. */
const NAME_QUERY: Partial<Record<Language, string>> = {
  python: '(identifier) @name',
  javascript:
    '[(identifier) (property_identifier) (shorthand_property_identifier) (shorthand_property_identifier_pattern) (private_property_identifier) (statement_identifier)] @name',
};
const nameQueries = new Map<Language, Query>();

/**
 * The text with each identifier written as the runtime reads it, if one is written otherwise:
 * Python reads identifiers in NFKC form (PEP 3131: fullwidth or mathematical letters, ligatures),
 * JavaScript decodes `\uXXXX` and `\u{X}` escapes in them. Rules match names by their text, so
 * `os.ｓｙｓｔｅｍ(cmd)` or `\u0065val(x)` hid the call. Only files that can hold such a name are
 * read (non-ASCII text in Python, a `\u` in JavaScript). Columns after a rewritten name move.
 */
function namesAsRead(
  language: Language,
  grammar: Grammar,
  tree: Tree,
  code: string,
): { code: string; note: string } | undefined {
  const source = NAME_QUERY[language];
  if (!source) return undefined;
  // (a file NFKC leaves as it is has no name to rewrite: identifiers start and end at starters)
  if (
    language === 'python'
      ? !/[^\x00-\x7f]/.test(code) || code.normalize('NFKC') === code
      : !code.includes('\\u')
  )
    return undefined;
  let q = nameQueries.get(language);
  if (!q) {
    q = new Query(grammar, source);
    nameQueries.set(language, q);
  }
  const edits: { start: number; end: number; text: string }[] = [];
  for (const c of q.captures(tree.rootNode)) {
    const t = c.node.text;
    const read =
      language === 'python'
        ? t.normalize('NFKC')
        : t.replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})/g, (m, a?: string, b?: string) => {
            const cp = Number.parseInt(a ?? b ?? '', 16);
            return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
          });
    if (read !== t) edits.push({ start: c.node.startIndex, end: c.node.endIndex, text: read });
  }
  if (!edits.length) return undefined;
  edits.sort((a, b) => b.start - a.start);
  let out = code;
  let last = Number.POSITIVE_INFINITY;
  for (const e of edits) {
    if (e.end > last) continue;
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    last = e.start;
  }
  return {
    code: out,
    note: `${edits.length} name(s) are written with other characters than the ${language === 'python' ? 'NFKC form Python reads (PEP 3131)' : 'ones JavaScript reads (\\u escapes)'}: analyzed as read (columns after them move)`,
  };
}

/**
 * A Python source that declares an encoding (PEP 263, `# coding: ...` on line 1 or 2) under which
 * its ASCII text does not read as ASCII: CPython decodes the file with it, and the analyzer reads
 * the text as given. Under `utf-7`, `+AAo-` is a line end, so `# note +AAo-    y = eval(x)` runs an
 * eval the parser reads as a comment. UTF-8, ASCII and the single-byte Latin / Windows code pages
 * leave ASCII alone; anything else gets this message.
 */
function foreignSourceEncoding(code: string): string | undefined {
  const lines = code.split('\n', 2);
  for (const [i, line] of lines.entries()) {
    const m = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(line);
    if (m?.[1]) {
      const name = m[1].toLowerCase().replace(/_/g, '-');
      if (/^(?:utf-?8(?:-sig)?|u8|(?:us-)?ascii|latin-?1|l1|iso-?8859-\d+|cp125\d|windows-125\d)$/.test(name))
        return undefined;
      return `it declares the source encoding '${m[1]}', under which Python reads its text differently from what the analyzer reads (a line end can hide in a comment)`;
    }
    if (i === 0 && !/^[ \t\f]*(?:#.*)?\r?$/.test(line)) return undefined;
  }
  return undefined;
}

/** A clear message for input that cannot be analyzed, else undefined. */
export function checkInput(code: string): string | undefined {
  if (code.trim().length === 0) return 'empty input: nothing to analyze';
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > MAX_INPUT_BYTES)
    return `input is ${(bytes / 1048576).toFixed(1)} MB, larger than the 1 MB limit: not analyzed (split the file)`;
  const sample = code.slice(0, 8192);
  if (sample.includes('\u0000')) return 'binary content (NUL bytes): not analyzed';
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) bad++;
  }
  if (bad > sample.length * 0.1) return 'binary or non-text content: not analyzed';
  return undefined;
}

function errorShare(root: import('web-tree-sitter').Node, length: number): number {
  if (length === 0) return 0;
  // Count the tokens an ERROR node could not attach to any construct (its unnamed children), so a
  // file wrapped in one ERROR node but made of valid statements is not "mostly unparsed".
  let covered = 0;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop();
    if (!n?.hasError) continue;
    for (const c of n.children) {
      if (!c) continue;
      if (n.type === 'ERROR' && !c.isNamed) covered += c.endIndex - c.startIndex;
      else if (n.type === 'ERROR' && c.isNamed && !c.hasError && c.type === 'identifier')
        covered += c.endIndex - c.startIndex;
      else stack.push(c);
    }
  }
  return covered / length;
}
