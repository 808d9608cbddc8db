import type { QueryRule, Rule } from '../engine/rule.ts';
import { ALL_LANGUAGES, isOutermostBuild, literalText } from './common.ts';

/** Rules that read the same way in every language (patterns inside string literals). */

const KEY_COMMAND =
  /(?:rsa_keygen_bits:|dsa_paramgen_bits:|genrsa\b[^|;&]*?\s|dsaparam\b[^|;&]*?\s|dhparam\b[^|;&]*?\s|-newkey\s+rsa:|ssh-keygen\b[^|;&]*?-b\s+)(\d{3,4})\b/;

const weakKeyCommand: QueryRule = {
  kind: 'query',
  id: 'all.weak-key-command',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-326'],
  severity: 'error',
  title: 'Key generation command with a short key',
  message:
    'The key-generation command asks for fewer than 2048 bits: use at least 2048 (3072 for long-lived keys).',
  query: {
    python: '[(string) (binary_operator)] @report',
    c: '(string_literal) @report',
    cpp: '[(string_literal) (raw_string_literal) (binary_expression operator: "+")] @report',
    go: '[(interpreted_string_literal) (raw_string_literal) (binary_expression operator: "+")] @report',
    javascript: '[(string) (template_string) (binary_expression operator: "+")] @report',
  },
  check: (caps, ctx) => {
    const n = caps.report;
    if (!n || !/rsa|dsa|dh|keygen/i.test(n.text) || !isOutermostBuild(n)) return false;
    if (n.parent && ctx.model.profile.stringTypes.has(n.type) && /binary/.test(n.parent.type)) return false;
    const m = KEY_COMMAND.exec(literalText(n, ctx));
    return !!m?.[1] && Number(m[1]) < 2048;
  },
  examples: {
    bad: [
      'cmd = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024"\n',
      { code: 'const char *c = "openssl dsaparam -out p.pem 1024";\n', language: 'c' },
      {
        code: '#include <string>\nstd::string f(const std::string &p) { return "openssl dsaparam -out " + p + " 1024"; }\n',
        language: 'cpp',
      },
      { code: 'package main\nvar c = "openssl genrsa 512"\n', language: 'go' },
      { code: "const c = 'openssl genrsa -out k.pem 1024';\n", language: 'javascript' },
    ],
    good: [
      'cmd = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072"\n',
      { code: 'const char *c = "openssl dsaparam -out p.pem 2048";\n', language: 'c' },
      {
        code: '#include <string>\nstd::string f(const std::string &p) { return "openssl dsaparam -out " + p + " 2048"; }\n',
        language: 'cpp',
      },
      { code: 'package main\nvar c = "openssl genrsa 4096"\n', language: 'go' },
      { code: "const c = 'openssl genrsa -out k.pem 2048';\n", language: 'javascript' },
    ],
  },
};

export const SHARED_RULES: Rule[] = [weakKeyCommand];
