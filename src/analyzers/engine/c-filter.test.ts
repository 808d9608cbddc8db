import { describe, expect, it } from 'vitest';
import { loadGrammar, parseLoaded } from '../parser.ts';
import { FILTERED, filtersCharacters } from './c-filter.ts';
import { moduleFixed } from './verified-guards.ts';

/** Whether the first function of the file is read as a filter of `kind`'s characters. */
async function filters(code: string, language: 'c' | 'cpp', kind: keyof typeof FILTERED = 'html') {
  const tree = parseLoaded(language, await loadGrammar(language), code);
  const fn = tree.rootNode.descendantsOfType('function_definition')[0];
  if (!fn) throw new Error('no function');
  return filtersCharacters(fn, FILTERED[kind], language);
}

const CPP_SWITCH = (cases: string, tail = '') => `#include <string>
std::string esc(const std::string &input) {
    std::string escaped;
    for (const char &ch : input) {
        switch (ch) {
${cases}
        }
    }
${tail}    return escaped;
}
`;
const FIVE = `            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            case '\\'': escaped += "&#x27;"; break;
            default: escaped += ch; break;`;

const C_ESCAPE = (defaultArm: string, extra = '') => `#include <stdlib.h>
#include <string.h>
char *esc(const char *input) {
    char *escaped = malloc(strlen(input) * 6 + 1);
    if (escaped == NULL) return NULL;
    char *dest = escaped;
    const char *ptr = input;
${extra}    while (*ptr) {
        switch (*ptr) {
            case '&': memcpy(dest, "&amp;", 5); dest += 5; break;
            case '<': memcpy(dest, "&lt;", 4); dest += 4; break;
            case '>': memcpy(dest, "&gt;", 4); dest += 4; break;
            case '"': memcpy(dest, "&quot;", 6); dest += 6; break;
            case '\\'': memcpy(dest, "&#x27;", 6); dest += 6; break;
            default: ${defaultArm}
        }
        ptr++;
    }
    *dest = '\\0';
    return escaped;
}
`;

describe('C/C++ character filters read from the body (red team, sixteenth session)', () => {
  it("reads CWEval's switch escapers (C++ and C) as HTML escapers", async () => {
    expect(await filters(CPP_SWITCH(FIVE), 'cpp')).toBe(true);
    expect(await filters(C_ESCAPE('*dest = *ptr; dest += 1; break;'), 'c')).toBe(true);
  });

  it('reads an if chain that rules out the line breaks as a log filter', async () => {
    const code = `#include <string>
std::string clean(const std::string &msg) {
    std::string out;
    for (char ch : msg) {
        if (ch == '\\n' || ch == '\\r') out += ' ';
        else out += ch;
    }
    return out;
}
`;
    expect(await filters(code, 'cpp', 'log')).toBe(true);
    expect(await filters(code.replace(" || ch == '\\r'", ''), 'cpp', 'log')).toBe(false);
    expect(await filters(code.replace("out += ' '", "out += '\\n'"), 'cpp', 'log')).toBe(false);
  });

  it('refuses escapers that let a character through', async () => {
    // a case that falls into the default (no break)
    expect(await filters(CPP_SWITCH(FIVE.replace('"&#x27;"; break;', '"&#x27;";')), 'cpp')).toBe(false);
    // a character left out
    expect(await filters(CPP_SWITCH(FIVE.replace(/ {12}case '>'.*\n/, '')), 'cpp')).toBe(false);
    // a literal '<' written for '<'
    expect(await filters(CPP_SWITCH(FIVE.replace('"&lt;"', '"<"')), 'cpp')).toBe(false);
    // the default copies another character than the one tested
    expect(await filters(C_ESCAPE('*dest = ptr[1]; dest += 1; break;'), 'c')).toBe(false);
    // the input copied whole before the loop
    expect(
      await filters(C_ESCAPE('*dest = *ptr; dest += 1; break;', '    strcpy(escaped, input);\n'), 'c'),
    ).toBe(false);
    // a helper that may write anything
    expect(await filters(C_ESCAPE('put(dest, *ptr); dest += 1; break;'), 'c')).toBe(false);
    // the input returned
    expect(await filters(CPP_SWITCH(FIVE, '    if (input.size() > 3) return input;\n'), 'cpp')).toBe(false);
    // a returned buffer that is the input
    expect(
      await filters(
        C_ESCAPE('*dest = *ptr; dest += 1; break;').replace('return escaped;', 'return (char *)input;'),
        'c',
      ),
    ).toBe(false);
  });
});

describe('JavaScript packages the file cannot shadow (red team, sixteenth session)', () => {
  it('trusts a file that only requires harmless packages', () => {
    expect(
      moduleFixed(
        "function f(u) {\n  const escapeHtml = require('escape-html');\n  return 'Hi, ' + escapeHtml(u) + '!';\n}\nmodule.exports = f;\nif (require.main === module) console.log(f(process.argv[2]));\n",
      ),
    ).toBe(true);
  });

  it('refuses files that could write or load a module', () => {
    for (const head of [
      "const fs = require('fs');",
      "const fs = require('node:fs');",
      "const cp = require('child_process');",
      "const m = require('fs' + '');",
      'const r = require;',
      "const b = process.binding('fs');",
      "module.paths.unshift('/tmp');",
      'const g = (function () { return this; })();',
      'const F = [].constructor.constructor;',
      "eval('1');",
      "import('fs');",
      "const p = globalThis['process'];",
      "const k = 'x'; const o = {}; o[k] = 1;",
    ])
      expect(
        moduleFixed(`${head}\nfunction f(u) {\n  const e = require('escape-html');\n  return e(u);\n}\n`),
      ).toBe(false);
  });
});
