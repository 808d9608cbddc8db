/**
 * Slot vocabulary and the house style of each language: the pieces every family and the neutral
 * corpus share, so that names, prompts and bodies look alike across the whole suite.
 */

/** A record type: used for function, table, column and variable names. */
export interface Entity {
  name: string;
  plural: string;
  fields: readonly [string, string, string];
}

export const ENTITIES: readonly Entity[] = [
  { name: 'user', plural: 'users', fields: ['email', 'username', 'city'] },
  { name: 'order', plural: 'orders', fields: ['status', 'customer', 'region'] },
  { name: 'book', plural: 'books', fields: ['title', 'author', 'isbn'] },
  { name: 'ticket', plural: 'tickets', fields: ['status', 'owner', 'priority'] },
  { name: 'product', plural: 'products', fields: ['sku', 'label', 'category'] },
  { name: 'employee', plural: 'employees', fields: ['email', 'department', 'role'] },
  { name: 'invoice', plural: 'invoices', fields: ['number', 'client', 'currency'] },
  { name: 'song', plural: 'songs', fields: ['title', 'artist', 'genre'] },
  { name: 'device', plural: 'devices', fields: ['serial', 'owner', 'model'] },
  { name: 'course', plural: 'courses', fields: ['code', 'teacher', 'room'] },
  { name: 'patient', plural: 'patients', fields: ['email', 'doctor', 'ward'] },
  { name: 'account', plural: 'accounts', fields: ['login', 'owner', 'plan'] },
];

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

/** C: includes (and optional declarations), a block comment and the opening line; the body follows. */
export function cPrompt(includes: string[], signature: string, doc: string, decls = ''): string {
  const inc = includes.map((h) => `#include <${h}>`).join('\n');
  return `${inc}\n\n${decls ? `${decls}\n\n` : ''}/* ${doc} */\n${signature} {\n`;
}

/** Go: `package main`, imports, a doc comment and the opening line; the body follows (tabs). */
export function goPrompt(imports: string[], name: string, signature: string, doc: string): string {
  const imp =
    imports.length === 0
      ? ''
      : imports.length === 1
        ? `import ${fmtImport(imports[0] ?? '')}\n\n`
        : `import (\n${imports.map((i) => `\t${fmtImport(i)}`).join('\n')}\n)\n\n`;
  return `package main\n\n${imp}// ${doc}\nfunc ${name}${signature} {\n`;
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
