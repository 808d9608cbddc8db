/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Python/Mako source examples */
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../engine/rule.ts';
import { literalText, originOf, readsInput, ruleBuilders } from './common.ts';
import { macComparison, sourceHas } from './javascript-classic.ts';

const { call, query } = ruleBuilders(['python']);

/**
 * Classic Python weaknesses the first pack did not cover: SSH clients that accept any host key,
 * session cookies with their protections turned off, the logging configuration listener, and LDAP
 * filters built from input.
 */

const sshAutoAdd = call({
  id: 'py.ssh-any-host-key',
  cwe: ['CWE-295'],
  severity: 'error',
  title: 'SSH client accepts any host key',
  message:
    "paramiko's AutoAddPolicy/WarningPolicy accept a server's key without checking it, so anyone on the path can impersonate the server (and read the password sent to it). Load the known hosts (client.load_system_host_keys() / load_host_keys(path)) and keep RejectPolicy.",
  names: ['set_missing_host_key_policy'],
  check: (c) => /(?:^|\.)(?:AutoAddPolicy|WarningPolicy)\b/.test(c.args[0]?.text ?? '') && { node: c.node },
  examples: {
    bad: [
      'import paramiko\ndef run(host, cmd):\n    client = paramiko.SSHClient()\n    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())\n    client.connect(host, username="deploy")\n    return client.exec_command(cmd)\n',
      'from paramiko import SSHClient, WarningPolicy\ndef connect(host):\n    c = SSHClient()\n    c.set_missing_host_key_policy(WarningPolicy)\n    c.connect(host)\n    return c\n',
    ],
    good: [
      'import paramiko\ndef run(host, cmd):\n    client = paramiko.SSHClient()\n    client.load_system_host_keys()\n    client.set_missing_host_key_policy(paramiko.RejectPolicy())\n    client.connect(host, username="deploy")\n    return client.exec_command(cmd)\n',
      'from paramiko import SSHClient\ndef connect(host):\n    c = SSHClient()\n    c.load_host_keys("/etc/app/known_hosts")\n    c.connect(host)\n    return c\n',
    ],
  },
});

/** Cookie names that carry a session or credentials (not a preference, not a JS-read CSRF token). */
const AUTH_COOKIE = /sess|sid\b|token|auth|jwt|login|remember|credential/i;
const CSRF_COOKIE = /csrf|xsrf/i;

const cookieFlags = call({
  id: 'py.insecure-cookie',
  cwe: ['CWE-1004', 'CWE-614'],
  severity: 'warning',
  title: 'Session cookie with httponly or secure turned off',
  message:
    'A session or credential cookie is set with httponly=False (scripts, and so any XSS, can read it) or secure=False (sent over plain HTTP): pass httponly=True, secure=True.',
  names: ['set_cookie', 'update'],
  check: (c, ctx) => {
    if (c.name === 'update') {
      // app.config.update(SESSION_COOKIE_HTTPONLY=False, SESSION_COOKIE_SECURE=False)
      if (!/config$/.test(c.receiver?.text ?? '')) return false;
      for (const [k, v] of c.kwargs)
        if (v.type === 'false' && SESSION_SETTING.test(k)) return settingHit(k, v);
      return false;
    }
    const name = ctx.stringValue(c.args[0] ?? c.kwargs.get('key'));
    if (!name || !AUTH_COOKIE.test(name) || CSRF_COOKIE.test(name)) return false;
    for (const flag of ['httponly', 'secure']) {
      const v = c.kwargs.get(flag);
      if (v?.type === 'false')
        return {
          node: v.parent ?? c.node,
          cwe: flag === 'httponly' ? ['CWE-1004'] : ['CWE-614'],
          message:
            flag === 'httponly'
              ? `The cookie "${name}" is set with httponly=False: page scripts (and so any XSS) can read it. Pass httponly=True.`
              : `The cookie "${name}" is set with secure=False: the browser also sends it over plain HTTP. Pass secure=True.`,
        };
    }
    return false;
  },
  examples: {
    bad: [
      'from flask import make_response\ndef login_ok(token):\n    resp = make_response("ok")\n    resp.set_cookie("session_token", token, httponly=False)\n    return resp\n',
      'def remember(response, key):\n    response.set_cookie("remember_me", key, max_age=2592000, secure=False, httponly=True)\n',
      'from flask import Flask\napp = Flask(__name__)\napp.config.update(SESSION_COOKIE_HTTPONLY=False)\n',
    ],
    good: [
      'from flask import make_response\ndef login_ok(token):\n    resp = make_response("ok")\n    resp.set_cookie("session_token", token, httponly=True, secure=True, samesite="Lax")\n    return resp\n',
      'def remember(response, key):\n    response.set_cookie("remember_me", key, max_age=2592000, secure=True, httponly=True)\n',
      // A preference, and a CSRF token the page's script must read.
      'def prefs(response, csrf):\n    response.set_cookie("theme", "dark", httponly=False)\n    response.set_cookie("csrftoken", csrf, httponly=False, secure=True)\n',
      'from flask import Flask\napp = Flask(__name__)\napp.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=True)\n',
    ],
  },
});

/** Framework settings that protect the session (Django, Flask) or CSRF cookie. */
const SESSION_SETTING =
  /^(?:SESSION_COOKIE_(?:HTTPONLY|SECURE)|CSRF_COOKIE_SECURE|REMEMBER_COOKIE_(?:HTTPONLY|SECURE))$/;

function settingHit(name: string, v: Node) {
  const httponly = /HTTPONLY/.test(name);
  return {
    node: v.parent ?? v,
    cwe: httponly ? ['CWE-1004' as const] : ['CWE-614' as const],
    message: httponly
      ? `${name} = False lets page scripts (and so any XSS) read the session cookie: leave it True.`
      : `${name} = False sends the cookie over plain HTTP too: set it to True for sites served over HTTPS.`,
  };
}

const cookieSetting = query({
  id: 'py.insecure-cookie-setting',
  cwe: ['CWE-1004', 'CWE-614'],
  severity: 'warning',
  title: 'Session cookie protection turned off in the settings',
  message:
    "A Django/Flask setting turns off the session cookie's httponly or secure flag: leave SESSION_COOKIE_HTTPONLY on and set SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE to True.",
  query: '(assignment left: [(identifier) (subscript)] @k right: (false) @v) @report',
  check: (caps) => {
    const k = caps.k;
    if (!k || !caps.v) return false;
    const name = k.type === 'identifier' ? k.text : (/\[\s*['"](\w+)['"]\s*\]$/.exec(k.text)?.[1] ?? '');
    if (!SESSION_SETTING.test(name)) return false;
    if (k.type === 'subscript' && !/config$/.test(k.childForFieldName('value')?.text ?? '')) return false;
    return settingHit(name, caps.v);
  },
  examples: {
    bad: [
      '# settings.py\nDEBUG = False\nSESSION_COOKIE_HTTPONLY = False\n',
      'from flask import Flask\napp = Flask(__name__)\napp.config["SESSION_COOKIE_SECURE"] = False\n',
    ],
    good: [
      '# settings.py\nDEBUG = False\nSESSION_COOKIE_HTTPONLY = True\nSESSION_COOKIE_SECURE = True\n',
      'from flask import Flask\napp = Flask(__name__)\napp.config["SESSION_COOKIE_SECURE"] = True\napp.config["TESTING"] = False\n',
    ],
  },
});

const loggingListen = call({
  id: 'py.logging-config-listen',
  cwe: ['CWE-94'],
  severity: 'warning',
  title: 'logging.config.listen() without verification',
  message:
    'logging.config.listen() accepts a logging configuration from any local process and applies it; a configuration can name classes and callables to construct, which runs code in this process. Pass verify= (a function that checks a signature) or do not start the listener.',
  names: ['listen'],
  check: (c, ctx) => {
    const isLogging =
      /^logging\.config\.listen$/.test(c.calleeText) ||
      (/^config\.listen$/.test(c.calleeText) &&
        /from\s+logging\s+import\s+[^\n]*\bconfig\b/.test(ctx.source)) ||
      (c.calleeText === 'listen' && /from\s+logging\.config\s+import\s+[^\n]*\blisten\b/.test(ctx.source));
    return isLogging && !c.kwargs.has('verify') && c.args.length < 2;
  },
  examples: {
    bad: [
      'import logging.config\ndef start():\n    t = logging.config.listen(9999)\n    t.start()\n    return t\n',
    ],
    good: [
      'import hmac, logging.config\ndef start(key):\n    def verify(data):\n        sig, body = data[:32], data[32:]\n        return body if hmac.compare_digest(sig, hmac.new(key, body, "sha256").digest()) else None\n    t = logging.config.listen(9999, verify=verify)\n    t.start()\n    return t\n',
      'def start(server):\n    server.listen(5)\n',
    ],
  },
});

/** The filter argument of python-ldap's search_* and ldap3's Connection.search. */
function ldapFilter(c: import('../engine/model.ts').CallSite): Node | undefined {
  if (c.name === 'search') return c.kwargs.get('search_filter') ?? c.args[1];
  return c.kwargs.get('filterstr') ?? c.args[2];
}

const ldapInjection = call({
  id: 'py.ldap-injection',
  cwe: ['CWE-90'],
  severity: 'error',
  title: 'LDAP filter built from untrusted data',
  message:
    'Untrusted data is pasted into an LDAP search filter: "*", "(" or ")" in it changes the filter (log in as anyone, list the directory). Escape it with ldap.filter.escape_filter_chars (ldap3.utils.conv.escape_filter_chars).',
  names: ['search', 'search_s', 'search_st', 'search_ext', 'search_ext_s'],
  check: (c, ctx: RuleContext) => {
    if (!c.receiver || /^(?:re|regex|pattern|self\.pattern)$/.test(c.receiver.text)) return false;
    const f = ldapFilter(c);
    if (!f) return false;
    const text = literalText(ctx.resolve(f), ctx);
    if (!/\(\s*[&|!]?\s*\(?[\w.-]+\s*[~<>]?=/.test(text)) return false;
    return ctx.built(f, 'ldap') && { node: originOf(f, ctx, 'ldap') };
  },
  examples: {
    bad: [
      'import ldap\ndef find(conn, username):\n    flt = "(&(objectClass=person)(uid=" + username + "))"\n    return conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, flt)\n',
      'from flask import request\ndef who(conn):\n    conn.search("dc=example,dc=com", f"(mail={request.args[\'email\']})", attributes=["cn"])\n    return conn.entries\n',
    ],
    good: [
      'import ldap\nfrom ldap.filter import escape_filter_chars\ndef find(conn, username):\n    flt = "(&(objectClass=person)(uid=" + escape_filter_chars(username) + "))"\n    return conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, flt)\n',
      'import re\ndef first_word(pattern, text):\n    return re.search(pattern, "(word=" + text + ")")\n',
    ],
  },
});

const PY_MAC = /\bhmac\.(?:new|HMAC|digest)\s*\(|\bHMAC\.new\s*\(|\bHMAC\s*\(/;

const macCompare = call({
  id: 'py.mac-timing-compare',
  cwe: ['CWE-208'],
  severity: 'warning',
  title: 'HMAC compared with == (timing attack)',
  message:
    'An HMAC is compared with ==/!=, which stops at the first differing byte: by timing responses an attacker can forge a valid MAC byte by byte. Use hmac.compare_digest.',
  names: ['digest', 'hexdigest'],
  check: (c, ctx) => macComparison(c, ctx, PY_MAC),
  examples: {
    bad: [
      'import hmac, hashlib\nfrom flask import request, abort\ndef hook(secret):\n    expected = hmac.new(secret, request.get_data(), hashlib.sha256).hexdigest()\n    if expected != request.headers.get("X-Signature"):\n        abort(401)\n',
      'import hmac\ndef check(key, msg, sig):\n    h = hmac.new(key, msg, "sha256")\n    return h.hexdigest() == sig\n',
    ],
    good: [
      'import hmac, hashlib\nfrom flask import request, abort\ndef hook(secret):\n    expected = hmac.new(secret, request.get_data(), hashlib.sha256).hexdigest()\n    if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):\n        abort(401)\n',
      'import hashlib\ndef intact(data, checksum):\n    return hashlib.sha256(data).hexdigest() == checksum\n',
    ],
  },
});

/** smtplib.SMTP (no TLS) used to log in, with no starttls() in the function. */
const smtpCleartext = call({
  id: 'py.smtp-cleartext-login',
  cwe: ['CWE-319'],
  severity: 'warning',
  title: 'SMTP login over a clear-text connection',
  message:
    'The SMTP password is sent over a plain connection (smtplib.SMTP without starttls()): call starttls(context=ssl.create_default_context()) before login(), or use smtplib.SMTP_SSL.',
  names: ['login'],
  check: (c, ctx) => {
    if (c.receiver?.type !== 'identifier' || c.args.length < 2) return false;
    const r = ctx.resolve(c.receiver);
    if (!/^(?:smtplib\.)?SMTP\s*\(/.test(r.text)) return false;
    return !/\.starttls\s*\(/.test(ctx.functionText(c.node));
  },
  examples: {
    bad: [
      'import smtplib\ndef send(user, password, msg):\n    s = smtplib.SMTP("mail.example.com", 587)\n    s.login(user, password)\n    s.send_message(msg)\n    s.quit()\n',
    ],
    good: [
      'import smtplib, ssl\ndef send(user, password, msg):\n    s = smtplib.SMTP("mail.example.com", 587)\n    s.starttls(context=ssl.create_default_context())\n    s.login(user, password)\n    s.send_message(msg)\n    s.quit()\n',
      'import smtplib, ssl\ndef send(user, password, msg):\n    s = smtplib.SMTP_SSL("mail.example.com", 465, context=ssl.create_default_context())\n    s.login(user, password)\n    s.send_message(msg)\n',
    ],
  },
});

const templateInjection = call({
  id: 'py.template-injection',
  cwe: ['CWE-1336', 'CWE-94'],
  severity: 'error',
  title: 'Template compiled from request data (server-side template injection)',
  message:
    'A template is compiled from request data: {{ }} / ${ } in it runs expressions on the server (Jinja2 sandbox escapes and Mako run Python). Keep templates fixed and pass the data as template variables.',
  names: ['from_string', 'Template', 'render_template_string'],
  check: (c, ctx) => {
    const t = c.args[0] ?? c.kwargs.get('source') ?? c.kwargs.get('text');
    if (!t) return false;
    if (c.name === 'from_string' && !c.receiver) return false;
    if (
      c.name === 'Template' &&
      !/^(?:(?:jinja2|mako\.template|django\.template)\.)?Template$/.test(c.calleeText)
    )
      return false;
    return readsInput(t, ctx) && ctx.tainted(t, 'code') && { node: originOf(t, ctx, 'code') };
  },
  examples: {
    bad: [
      'from flask import request\nfrom jinja2 import Environment\nenv = Environment(autoescape=True)\ndef preview():\n    return env.from_string(request.form["template"]).render(user="x")\n',
      'from flask import request\nfrom mako.template import Template\ndef hello():\n    src = "<h1>Hello " + request.args.get("name", "") + "</h1>"\n    return Template(src).render()\n',
    ],
    good: [
      'from flask import request\nfrom jinja2 import Environment\nenv = Environment(autoescape=True)\ndef preview():\n    return env.from_string("<p>{{ body }}</p>").render(body=request.form["template"])\n',
      'from flask import request\nfrom mako.template import Template\nHELLO = Template("<h1>Hello ${name | h}</h1>")\ndef hello():\n    return HELLO.render(name=request.args.get("name", ""))\n',
    ],
  },
});

const jwtUnsigned = call({
  id: 'py.jwt-unsigned',
  cwe: ['CWE-347'],
  severity: 'error',
  title: 'JWT issued without a signature (algorithm "none")',
  message:
    'The token is encoded with algorithm "none": it carries no signature, so anyone can forge one a verifier that allows "none" accepts. Sign with HS256/RS256/ES256.',
  names: ['encode'],
  callee: /^(?:jwt|pyjwt|jose\.jwt)\.encode$/,
  check: (c, ctx) => {
    const v = c.kwargs.get('algorithm') ?? c.args[2];
    return !!v && /^none$/i.test(ctx.stringValue(v) ?? '') && { node: v.parent ?? v };
  },
  examples: {
    bad: ['import jwt\ndef issue(uid):\n    return jwt.encode({"sub": uid}, None, algorithm="none")\n'],
    good: [
      'import jwt, os\ndef issue(uid):\n    return jwt.encode({"sub": uid}, os.environ["JWT_KEY"], algorithm="HS256")\n',
    ],
  },
});

/** A containment test on extracted paths (prefix check, `..` test, basename, tarfile filters). */
const CONTAINED_PY =
  /\.startswith\s*\(|commonpath\s*\(|is_relative_to\s*\(|['"]\.\.['"]|os\.path\.basename\s*\(|os\.path\.isabs\s*\(|filter\s*=|data_filter|(?:is|ensure)_?(?:safe|within|inside)\w*\s*\(/i;

/** Loop variables over an archive's members in the function text, and how their names are read. */
function archiveNames(fnText: string): RegExp | undefined {
  const alts: string[] = [];
  for (const m of fnText.matchAll(
    /\bfor\s+(\w+)\s+in\s+[\w.]+\.(namelist|getnames|infolist|getmembers)\s*\(/g,
  )) {
    const [, v, how] = m;
    if (!v) continue;
    alts.push(
      how === 'namelist' || how === 'getnames' ? `\\b${v}\\b` : `\\b${v}\\.(?:filename|name|path)\\b`,
    );
  }
  return alts.length ? new RegExp(alts.join('|')) : undefined;
}

/** Whether the expression (through up to three variables) uses one of the archive names. */
function usesName(n: Node, names: RegExp, ctx: RuleContext, depth = 0): boolean {
  if (depth > 3) return false;
  const r = ctx.resolve(n);
  if (names.test(r.text)) return true;
  const stack: Node[] = [r];
  while (stack.length) {
    const x = stack.pop();
    if (!x) continue;
    if (x.type === 'identifier' && !x.equals(r)) {
      if (usesName(x, names, ctx, depth + 1)) return true;
    } else for (const c of x.namedChildren) if (c) stack.push(c);
  }
  return false;
}

const TARFILE_MODULE = /tarfile|TarFile/;
const MEMBER_LISTS = /\.(?:namelist|getnames|infolist|getmembers)\s*\(/;

const TARFILE_OBJECT = /tarfile\.open\s*\(|TarFile\s*\(/;

const zipSlip = call({
  id: 'py.zip-slip',
  cwe: ['CWE-22'],
  severity: 'error',
  title: 'Archive member written outside the target folder (zip slip)',
  message:
    'Archive members are written to paths taken from their own names: a member named "../../x" (or an absolute path, or a link) lands outside the target folder. Resolve each path and check it stays under the folder (os.path.commonpath), or use tarfile\'s filter="data".',
  names: ['open', 'extract'],
  check: (c, ctx) => {
    if (c.name === 'extract') {
      // TarFile.extract(member, path) honours "../" and links (ZipFile.extract cleans names).
      if (
        !c.receiver ||
        c.kwargs.has('filter') ||
        c.args.length > 2 ||
        !sourceHas(TARFILE_MODULE, ctx.source)
      )
        return false;
      // A member named by a literal (`tar.extract("data.json", tmp)`) lands where that name says.
      if (!c.args[0] || ctx.stringValue(c.args[0]) !== undefined) return false;
      const recv = c.receiver.text;
      if (!/^\w+$/.test(recv)) return false;
      const fn = ctx.functionText(c.node);
      const opened =
        TARFILE_OBJECT.test(ctx.resolve(c.receiver).text) ||
        new RegExp(`(?:tarfile\\.open|TarFile)\\s*\\([^\\n]*\\)\\s+as\\s+${recv}\\b`).test(fn);
      return opened && !CONTAINED_PY.test(fn) && { node: c.node };
    }
    // open(path, "wb") where the path is built from a member name.
    if (c.receiver && !/^(?:io|builtins|codecs)$/.test(c.receiver.text)) return false;
    const mode = ctx.stringValue(c.args[1] ?? c.kwargs.get('mode'));
    const p = c.args[0];
    if (!p || !mode || !/[wax]/.test(mode) || !sourceHas(MEMBER_LISTS, ctx.source)) return false;
    const fn = ctx.functionText(c.node);
    const names = archiveNames(fn);
    if (!names || !usesName(p, names, ctx)) return false;
    return !CONTAINED_PY.test(fn) && { node: p };
  },
  examples: {
    bad: [
      'import os, zipfile\ndef unzip(p, dest):\n    with zipfile.ZipFile(p) as z:\n        for name in z.namelist():\n            with open(os.path.join(dest, name), "wb") as f:\n                f.write(z.read(name))\n',
      'import tarfile\ndef untar(p, dest):\n    with tarfile.open(p) as t:\n        for m in t.getmembers():\n            t.extract(m, dest)\n',
      'import os, zipfile\ndef unzip(p, dest):\n    z = zipfile.ZipFile(p)\n    for info in z.infolist():\n        target = os.path.join(dest, info.filename)\n        with open(target, "wb") as out:\n            out.write(z.read(info))\n',
    ],
    good: [
      'import os, zipfile\ndef unzip(p, dest):\n    root = os.path.realpath(dest)\n    with zipfile.ZipFile(p) as z:\n        for name in z.namelist():\n            target = os.path.realpath(os.path.join(root, name))\n            if os.path.commonpath([root, target]) != root:\n                continue\n            with open(target, "wb") as f:\n                f.write(z.read(name))\n',
      'import tarfile\ndef untar(p, dest):\n    with tarfile.open(p) as t:\n        for m in t.getmembers():\n            t.extract(m, dest, filter="data")\n',
      'import zipfile\ndef unzip(p, dest):\n    with zipfile.ZipFile(p) as z:\n        for name in z.namelist():\n            z.extract(name, dest)\n',
      'import tarfile\ndef load(f, tmp):\n    with tarfile.open(fileobj=f) as tar:\n        tar.extract("storages", path=tmp)\n',
      'import os\ndef save_all(items, dest):\n    for name in items:\n        with open(os.path.join(dest, name), "w") as f:\n            f.write("x")\n',
    ],
  },
});

const CORS_ORIGINS_CONFIG = /CORS_ORIGINS/;
const ANY_ORIGIN = /^(?:\*|\.\*)$/;

const corsCredentials = call({
  id: 'py.cors-any-origin-credentials',
  cwe: ['CWE-942', 'CWE-346'],
  severity: 'error',
  title: 'CORS accepts any origin with credentials',
  message:
    "flask-cors with supports_credentials=True and the default (or '*') origins answers every origin with that origin and Access-Control-Allow-Credentials: true: any site can read this API's responses with the user's cookies. List the allowed origins.",
  names: ['CORS', 'cross_origin'],
  check: (c, ctx) => {
    if (c.kwargs.get('supports_credentials')?.text !== 'True') return false;
    const origins = c.kwargs.get('origins') ?? c.kwargs.get('origin');
    if (origins) {
      const v = ctx.stringValue(origins);
      return v !== undefined && ANY_ORIGIN.test(v) && { node: c.node };
    }
    const resources = c.kwargs.get('resources');
    if (resources && /origins/.test(ctx.resolve(resources).text))
      return (
        /["']origins["']\s*:\s*r?["'](?:\*|\.\*)["']/.test(ctx.resolve(resources).text) && { node: c.node }
      );
    // Origins may come from app.config["CORS_ORIGINS"].
    return !sourceHas(CORS_ORIGINS_CONFIG, ctx.source) && { node: c.node };
  },
  examples: {
    bad: [
      'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, supports_credentials=True)\n',
      'from flask_cors import cross_origin\n@app.route("/api/me")\n@cross_origin(origins="*", supports_credentials=True)\ndef me():\n    return current_user()\n',
    ],
    good: [
      'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, origins=["https://app.example.com"], supports_credentials=True)\n',
      'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n',
      'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}}, supports_credentials=True)\n',
    ],
  },
});

const PASSWORD_VALUE = /^(?:password|passwd|passphrase|new_password|old_password|plain_password)$/i;

/** A logged value that is a password itself (`password`, `user.password`), not a test or a length of it. */
function loggedPassword(args: Node[]): Node | undefined {
  const stack: Node[] = [...args];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    if (n.type === 'identifier') {
      if (
        PASSWORD_VALUE.test(n.text) &&
        n.parent?.type !== 'attribute' &&
        n.parent?.type !== 'keyword_argument'
      )
        return n;
      continue;
    }
    if (n.type === 'attribute') {
      if (PASSWORD_VALUE.test(n.childForFieldName('attribute')?.text ?? '') && n.parent?.type !== 'attribute')
        return n;
      continue;
    }
    if (n.type === 'keyword_argument') {
      const v = n.childForFieldName('value');
      if (v) stack.push(v);
      continue;
    }
    if (n.type === 'conditional_expression') {
      // `"set" if password else "missing"`: the condition is not logged.
      const parts = n.namedChildren.filter((x): x is Node => !!x);
      if (parts[0]) stack.push(parts[0]);
      if (parts[2]) stack.push(parts[2]);
      continue;
    }
    if (n.type === 'comparison_operator' || n.type === 'not_operator' || n.type === 'boolean_operator')
      continue;
    if (
      n.type === 'call' &&
      /len|hash|mask|redact|digest|bcrypt|argon|scrypt|crypt|bool/i.test(
        n.childForFieldName('function')?.text ?? '',
      )
    )
      continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return undefined;
}

const passwordLogged = call({
  id: 'py.password-logged',
  cwe: ['CWE-532', 'CWE-312'],
  severity: 'warning',
  title: 'Password written to a log',
  message:
    'A password is written to the log in clear text: logs are kept, shipped and read by many people. Log the event without the password.',
  names: ['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'log'],
  callee:
    /^(?:logging|log|logger|_logger|LOGGER|LOG|self\.log(?:ger)?|app\.logger|current_app\.logger)\.\w+$/,
  check: (c) => {
    const n = loggedPassword([...c.args, ...c.kwargs.values()]);
    return !!n && { node: n };
  },
  examples: {
    bad: [
      'import logging\nlog = logging.getLogger(__name__)\ndef login(username, password):\n    log.info("login %s with %s", username, password)\n    return check(username, password)\n',
      'import logging\ndef connect(cfg):\n    logging.debug(f"connecting as {cfg.user}:{cfg.password}")\n',
    ],
    good: [
      'import logging\nlog = logging.getLogger(__name__)\ndef login(username, password):\n    log.info("login %s", username)\n    return check(username, password)\n',
      'import logging\ndef connect(cfg):\n    logging.debug("connecting as %s (password %s, %d chars)", cfg.user, "set" if cfg.password else "missing", len(cfg.password))\n',
    ],
  },
});

export const PY_CLASSIC_RULES: Rule[] = [
  passwordLogged,
  corsCredentials,
  zipSlip,
  jwtUnsigned,
  templateInjection,
  macCompare,
  smtpCleartext,
  sshAutoAdd,
  cookieFlags,
  cookieSetting,
  loggingListen,
  ldapInjection,
];
