/**
 * Slot vocabulary and the house style of each language: the pieces every family and the neutral
 * corpus share, so that names, prompts and bodies look alike across the whole suite.
 */

import type { Rng } from '../../core/rng.ts';

/** A record type: used for function, table, column and variable names. */
export interface Entity {
  name: string;
  plural: string;
  fields: readonly [string, string, string];
}

/**
 * Record nouns (with the plural where it is not `+s`). The pools are large on purpose: with a
 * dozen names a small model memorizes every (name, body) pair of the corpus and derails on a
 * held-out name; with ~150 nouns and ~100 fields drawn freshly for every program, copying names
 * from the signature is the only way to fit the corpus, and held-out names are made of the same
 * sub-words. No noun or field is a keyword, builtin or imported module name in a suite language,
 * an SQLite keyword, or a name the families use for parameters (vocab.test.ts checks the lists).
 */
// biome-ignore format: a word list
export const NOUNS: readonly (string | readonly [string, string])[] = [
  'book', 'product', 'employee', 'invoice', 'song', 'device', 'course',
  'patient', 'vendor', 'supplier', 'shipment', 'parcel', 'article', 'review', 'recipe',
  'movie', 'album', 'player', 'student', 'guest', 'pilot', 'flight',
  'booking', 'hotel', 'truck', 'vehicle', 'garage', 'station', 'sensor', 'meter', 'printer',
  'cluster', 'job', 'meeting', 'contract', 'payment', 'refund', 'receipt', 'coupon', 'voucher',
  'wallet', 'loan', 'deal', 'campaign', 'donor', 'donation', 'volunteer', 'project', 'milestone',
  'bug', 'memo', 'photo', 'video', 'podcast', 'episode', 'playlist', 'warehouse', 'shop', 'farm',
  'crop', 'animal', 'pet', 'horse', 'plant', 'garden', 'lake', 'river', 'trail', 'museum',
  'exhibit', 'painting', 'sculpture', 'concert', 'festival', 'menu', 'dish', 'meal', 'drink',
  'bottle', 'container', 'pallet', 'crate', 'tool', 'machine', 'robot', 'drone', 'satellite',
  'rocket', 'planet', 'tenant', 'landlord', 'lease', 'apartment', 'building', 'elevator', 'bridge',
  'tunnel', 'airport', 'ferry', 'wagon', 'bicycle', 'scooter', 'helmet', 'jacket', 'shoe',
  'garment', 'necklace', 'ring', 'stamp', 'poster', 'banner', 'chapter', 'lesson', 'exam',
  'diploma', 'award', 'trophy', 'tournament', 'athlete', 'referee', 'surgeon', 'nurse', 'vaccine',
  'allergy', 'symptom', 'invitation', 'reminder', 'vote', 'petition', 'survey',
  'subscriber', 'newsletter', 'forum', 'reply', 'falcon', 'whale', 'orchid', 'cactus', 'mushroom',
  ['galaxy', 'galaxies'], ['company', 'companies'], ['library', 'libraries'],
  ['delivery', 'deliveries'], ['facility', 'facilities'], ['property', 'properties'],
  ['agency', 'agencies'], ['battery', 'batteries'], ['bakery', 'bakeries'], ['gallery', 'galleries'],
  ['factory', 'factories'], ['charity', 'charities'], ['inquiry', 'inquiries'], ['box', 'boxes'],
  ['bus', 'buses'], ['church', 'churches'],
];

/** Record fields: column, member and parameter names. */
// biome-ignore format: a word list
export const FIELDS: readonly string[] = [
  'username', 'city', 'customer', 'region', 'author', 'isbn',
  'priority', 'sku', 'category', 'department', 'role', 'currency',
  'artist', 'genre', 'serial', 'teacher', 'doctor', 'ward', 'plan',
  'country', 'phone', 'brand', 'carrier', 'venue', 'topic', 'coach', 'breed', 'species',
  'tier', 'season', 'flavor', 'sector', 'campus', 'studio', 'stage', 'zone', 'district', 'county',
  'harbor', 'lane', 'aisle', 'shelf', 'rack', 'badge', 'grade', 'cohort', 'squad', 'crew', 'route',
  'locale', 'dialect', 'nickname', 'surname', 'manager', 'mentor', 'sponsor', 'courier', 'pharmacy',
  'clinic', 'school', 'village', 'street', 'postcode', 'province', 'territory', 'continent',
  'climate', 'fabric', 'texture', 'mood', 'rating', 'origin', 'destination',
  'edition', 'publisher', 'editor', 'composer', 'director', 'producer', 'narrator', 'instructor',
  'supervisor', 'reviewer', 'approver', 'auditor', 'landmark', 'neighborhood', 'diet', 'cuisine',
  'vintage', 'grape', 'engine', 'fuel', 'gearbox', 'chassis', 'firmware', 'quarter', 'semester',
  'weekday', 'timezone', 'hometown', 'nationality', 'occupation', 'employer', 'hobby', 'pseudonym',
];

/**
 * The English plural of a lower-case noun: `-ies` after a consonant + y, `-es` after a sibilant
 * (s, x, z, ch, sh), else `-s`. Suite version 1 wrote `+s` everywhere (dishs, ferrys); version 2
 * uses this (issue 20).
 */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The plural of `word` as suite version `version` writes it (1: always `+s`). */
export function pluralOf(word: string, version: number): string {
  return version >= 2 ? pluralize(word) : `${word}s`;
}

/** The nouns as `{ name, plural }`, with the plurals of suite version `version`. */
export function recordNames(version: number): readonly { name: string; plural: string }[] {
  return NOUNS.map((n) =>
    typeof n === 'string' ? { name: n, plural: pluralOf(n, version) } : { name: n[0], plural: n[1] },
  );
}

/** The nouns as `{ name, plural }` (the plurals of suite version 2; names do not depend on the version). */
export const RECORD_NAMES: readonly { name: string; plural: string }[] = recordNames(2);

// Names a slot value must never take: keywords, builtins and module names of the suite's
// languages, and the parameter names the families and harnesses use themselves.
export const RESERVED: ReadonlySet<string> = new Set(
  `
  and as assert async await break class continue def del elif else except false finally for from
  global if import in is lambda none nonlocal not or pass raise return true try while with yield
  match case type id hash format input open filter map list dict set str len max min sum range object
  bytes vars dir next iter all any print round zip sorted os re io json time random secrets hashlib
  subprocess shutil html string uuid glob stat socket select token code cmd sqlite3 yaml pickle
  auto char const default do double enum extern float goto int long register short signed sizeof
  static struct switch typedef union unsigned void volatile inline restrict index rindex remove
  rename free read write close link kill wait sleep exit abort signal system access stdin stdout
  chan defer fallthrough func go interface package var append cap copy error make new nil panic
  recover real imag complex rune byte iota path filepath exec hex crypto rand url http strings
  strconv fmt errors sort template
  arguments catch delete eval export extends function instanceof let super this throw typeof
  undefined null require module process buffer fs cp util
  name value wanted data raw items entries names n count amount conn base dir dest src buf
  state slot supplied secret level size mode msg text args out sep low high item r s i
  total unit qty part param content filename target host
  `
    .split(/\s+/)
    .filter(Boolean),
);

// SQLite keywords: table (plural) and column (field) names must avoid them.
export const SQL_KEYWORDS: ReadonlySet<string> = new Set(
  `
  action add after alter analyze asc attach before begin between by cascade cast check collate
  column commit conflict constraint create cross current database deferred desc detach distinct
  drop each end escape exclude exists explain fail first following foreign full groups having
  ignore immediate indexed initially inner insert instead intersect into isnull join key last left
  like limit natural no nothing notnull nulls of offset on order others over partition pragma
  preceding primary query raise recursive references regexp reindex release replace restrict right
  rollback row rows savepoint table temp temporary then ties to transaction trigger unbounded
  unique update using vacuum values view virtual when where window without
  `
    .split(/\s+/)
    .filter(Boolean),
);

// biome-ignore format: a list of syllable onsets
const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'gl', 'kr', 'pl', 'st', 'tr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u'];
const CODAS = ['', '', '', 'n', 'r', 'l', 'm', 'x'];
const VOCAB_WORDS = new Set([...NOUNS.flat(), ...FIELDS]);

/**
 * A pronounceable made-up word of two or three syllables (`dromil`, `kelavar`) that is no word of
 * the vocabulary: the corpus names some records with them so that a name can only be written by
 * copying it from the signature, never by recalling it.
 */
export function pseudoWord(rng: Rng): string {
  for (;;) {
    const syllables = 2 + rng.int(2);
    let w = '';
    for (let i = 0; i < syllables; i++)
      w += rng.pick(ONSETS) + rng.pick(VOWELS) + (i === syllables - 1 ? rng.pick(CODAS) : '');
    if (![w, `${w}s`].some((x) => VOCAB_WORDS.has(x) || RESERVED.has(x) || SQL_KEYWORDS.has(x))) return w;
  }
}

/** The words of a name: snake_case, UPPER_CASE, camelCase or PascalCase parts, lower-cased. */
export function nameParts(name: string): string[] {
  return name
    .split(/_|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** snake_case from words. */
export function snake(...words: string[]): string {
  return words.join('_');
}

/** camelCase from words. */
export function camel(...words: string[]): string {
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** PascalCase from words. */
export function pascal(...words: string[]): string {
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Python: imports, two blank lines, `def` line and a one-line docstring; the body follows. */
export function pyPrompt(imports: string[], signature: string, doc: string): string {
  const head = imports.length ? `${imports.join('\n')}\n\n\n` : '';
  return `${head}def ${signature}:\n    """${doc}"""\n`;
}

function nativePrompt(includes: string[], signature: string, comment: string, decls: string): string {
  const inc = includes.map((h) => `#include <${h}>`).join('\n');
  return `${inc}\n\n${decls ? `${decls}\n\n` : ''}${comment}\n${signature} {\n`;
}

/** C: includes (and optional declarations), a block comment and the opening line; the body follows. */
export function cPrompt(includes: string[], signature: string, doc: string, decls = ''): string {
  return nativePrompt(includes, signature, `/* ${doc} */`, decls);
}

/** C++: includes (and optional declarations), a `//` comment and the opening line; the body follows. */
export function cppPrompt(includes: string[], signature: string, doc: string, decls = ''): string {
  return nativePrompt(includes, signature, `// ${doc}`, decls);
}

/**
 * Go: `package main`, imports, optional declarations (e.g. `var _ = strings.HasPrefix` for an import
 * only some completions use), a doc comment and the opening line; the body follows (tabs).
 */
export function goPrompt(
  imports: string[],
  name: string,
  signature: string,
  doc: string,
  decls = '',
): string {
  const imp =
    imports.length === 0
      ? ''
      : imports.length === 1
        ? `import ${fmtImport(imports[0] ?? '')}\n\n`
        : `import (\n${imports.map((i) => `\t${fmtImport(i)}`).join('\n')}\n)\n\n`;
  return `package main\n\n${imp}${decls ? `${decls}\n\n` : ''}// ${doc}\nfunc ${name}${signature} {\n`;
}

function fmtImport(i: string): string {
  const [alias, path] = i.includes(' ') ? i.split(' ') : [undefined, i];
  return alias ? `${alias} "${path}"` : `"${path}"`;
}

/** JavaScript (CommonJS): requires, the export line, a JSDoc line and the opening line. */
export function jsPrompt(requires: string[], name: string, params: string, doc: string): string {
  const req = requires.length ? `${requires.join('\n')}\n\n` : '';
  return `${req}module.exports = { ${name} };\n\n/** ${doc} */\nfunction ${name}(${params}) {\n`;
}

/** Lower-cases the first letter (for sentences built from slot values). */
export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
