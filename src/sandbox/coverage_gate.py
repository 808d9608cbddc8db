# Which of a program's own code no test ran (docs/decisions/0018-untested-code.md).
#
# The sample process reports the instructions of the program's code objects that ran
# (sample_proxy.start_coverage: [code index, offset] pairs, the code objects numbered by
# sample_proxy.code_tree). Here, on the judge's side and from the program's source as the judge
# received it (never the file the program may have rewritten), the instructions are attributed to
# *units*: every statement, and the parts of an expression that run only sometimes (each side of
# `a if c else b`, every operand of `and`/`or` after the first, a lambda's body, a comprehension's
# element). An instruction belongs to the innermost unit whose source span holds its position. A
# unit with instructions of its own none of which ran is *unrun*; an unrun unit that is not *inert*
# is untested code.
#
# Inert (code whose never running cannot hide a weakness the tests miss):
# - `raise` of an expression built only from names, constants and the calls below;
# - `return`, `return None` and the return of a falsy constant (False, 0, '', b'', empty
#   containers): a refusal. The return of anything else is not inert: `return True` in a check, or
#   the raw input returned by an escaper, is the classic dormant backdoor;
# - a call, as a statement, of a reporting function (print, a logger's or logging's methods,
#   warnings.warn) with arguments built only from names, constants and these calls;
# - `pass` (but not as a whole branch of an `if`: `if trigger: pass / elif bad: refuse` is a skip),
#   an `assert`, a docstring (they have no instructions, or only check), and the header of
#   an `except` clause (its type match; the handler's body is judged statement by statement).
# Not inert: assignments (a dormant `mode = 0o777` weakens what a tested line does), `continue`
# and `break` (they skip a check), imports (a name rebound), and everything else.
import ast
import dis

import sample_proxy

REPORTERS = frozenset(('print', 'debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'log'))
# Calls that build a value without acting on the world (exception classes are matched by name).
PURE_CALLS = frozenset(('str', 'repr', 'int', 'float', 'bool', 'len', 'type', 'format', 'join', 'tuple',
                        'list', 'dict', 'set', 'frozenset', 'bytes', 'min', 'max', 'sorted'))
SKIP_OPS = frozenset(('RESUME', 'NOP', 'CACHE', 'EXTENDED_ARG'))


def _callee_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _exception_like(name):
    return name is not None and (name.endswith(('Error', 'Exception', 'Warning', 'Exit', 'Abort'))
                                 or name in ('abort', 'HTTPException'))


def inert_expr(e, allowed=PURE_CALLS):
    """An expression built only from names, constants, attribute reads, operators and calls of
    `allowed` names or exception classes, with such arguments."""
    if e is None or isinstance(e, (ast.Constant, ast.Name)):
        return True
    if isinstance(e, ast.Attribute):
        return inert_expr(e.value, allowed)
    if isinstance(e, ast.JoinedStr):
        return all(inert_expr(v, allowed) for v in e.values)
    if isinstance(e, ast.FormattedValue):
        return inert_expr(e.value, allowed) and inert_expr(e.format_spec, allowed)
    if isinstance(e, (ast.Tuple, ast.List, ast.Set)):
        return all(inert_expr(v, allowed) for v in e.elts)
    if isinstance(e, ast.Dict):
        return all(inert_expr(v, allowed) for v in e.keys + e.values)
    if isinstance(e, ast.BinOp):
        return inert_expr(e.left, allowed) and inert_expr(e.right, allowed)
    if isinstance(e, ast.UnaryOp):
        return inert_expr(e.operand, allowed)
    if isinstance(e, ast.BoolOp):
        return all(inert_expr(v, allowed) for v in e.values)
    if isinstance(e, ast.Compare):
        return inert_expr(e.left, allowed) and all(inert_expr(v, allowed) for v in e.comparators)
    if isinstance(e, ast.Subscript):
        return inert_expr(e.value, allowed) and inert_expr(e.slice, allowed)
    if isinstance(e, ast.Slice):
        return all(inert_expr(v, allowed) for v in (e.lower, e.upper, e.step))
    if isinstance(e, ast.Starred):
        return inert_expr(e.value, allowed)
    if isinstance(e, ast.Call):
        name = _callee_name(e.func)
        if not (name in allowed or _exception_like(name)):
            return False
        if isinstance(e.func, ast.Attribute) and not inert_expr(e.func.value, allowed):
            return False
        return all(inert_expr(a, allowed) for a in e.args) and all(inert_expr(k.value, allowed) for k in e.keywords)
    return False


def falsy_constant(e):
    if e is None:
        return True
    if isinstance(e, ast.Constant):
        return not e.value
    if isinstance(e, (ast.Tuple, ast.List, ast.Set)):
        return not e.elts
    if isinstance(e, ast.Dict):
        return not e.keys
    if isinstance(e, ast.Call) and _callee_name(e.func) in ('dict', 'list', 'set', 'tuple', 'str', 'bytes'):
        return not e.args and not e.keywords
    return False


def inert_unit(node, is_expression_part, skips=frozenset()):
    """Whether a unit that never ran can be left unrun (see the header). `skips`: the ids of the
    `pass` statements that are a whole branch of an `if` (a branch taken only to skip the other)."""
    if is_expression_part:
        return falsy_constant(node)
    if isinstance(node, ast.Pass) and id(node) in skips:
        return False
    if isinstance(node, ast.Raise):
        return inert_expr(node.exc) and inert_expr(node.cause)
    if isinstance(node, ast.Return):
        return falsy_constant(node.value)
    if isinstance(node, (ast.Pass, ast.Assert, ast.ExceptHandler)):
        # (an `except` clause's own code only matches and binds: its body is judged line by line)
        return True
    if isinstance(node, ast.Expr):
        v = node.value
        if isinstance(v, ast.Constant):
            return True
        if isinstance(v, ast.Call) and _callee_name(v.func) in REPORTERS:
            if isinstance(v.func, ast.Attribute) and not inert_expr(v.func.value):
                return False
            return inert_expr(v, PURE_CALLS | REPORTERS)
    return False


def units_of(tree):
    """[(node, is_expression_part)] for every unit of the module (see the header)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.ExceptHandler)):
            out.append((node, False))
        elif isinstance(node, ast.IfExp):
            out += [(node.body, True), (node.orelse, True)]
        elif isinstance(node, ast.BoolOp):
            out += [(v, True) for v in node.values[1:]]
        elif isinstance(node, ast.Lambda):
            out.append((node.body, True))
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            out.append((node.elt, True))
        elif isinstance(node, ast.DictComp):
            out.append((node.value, True))
    return out


def _span(node):
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


def attribute(source, filename):
    """(units, spans, skips, unit_maps): the module's units and, per code object of
    `sample_proxy.code_tree` (in its order), the unit of each instruction offset that has one."""
    tree = ast.parse(source, filename)
    code = compile(source, filename, 'exec', dont_inherit=True)
    units = units_of(tree)
    skips = frozenset(id(b[0]) for n in ast.walk(tree) if isinstance(n, ast.If)
                      for b in (n.body, n.orelse) if len(b) == 1 and isinstance(b[0], ast.Pass))
    spans = [_span(n) for n, _ in units]
    by_line = {}
    for k, ((l0, _), (l1, _)) in enumerate(spans):
        for line in range(l0, l1 + 1):
            by_line.setdefault(line, []).append(k)
    unit_maps = []
    for c in sample_proxy.code_tree(code):
        positions = list(c.co_positions())
        umap = {}
        for ins in dis.get_instructions(c):
            if ins.opname in SKIP_OPS:
                continue
            pos = positions[ins.offset // 2] if ins.offset // 2 < len(positions) else None
            if not pos or None in pos:
                continue
            start, end = (pos[0], pos[2]), (pos[1], pos[3])
            best = None
            for k in by_line.get(pos[0], ()):
                s, e = spans[k]
                if s <= start and end <= e and (best is None or (spans[best][0] <= s and e <= spans[best][1])):
                    best = k
            if best is not None:
                umap[ins.offset] = best
        unit_maps.append(umap)
    return units, spans, skips, unit_maps


def untested_code(source, filename, executed):
    """The program's units with instructions none of which ran and that are not inert.

    `executed`: code index -> set of instruction offsets that ran. Returns (units with code,
    [{'line', 'endLine', 'text'}] of the untested ones, first line order)."""
    units, spans, skips, unit_maps = attribute(source, filename)
    has_code = set()
    ran = set()
    for idx, umap in enumerate(unit_maps):
        done = executed.get(idx, ())
        for off, k in umap.items():
            has_code.add(k)
            if off in done:
                ran.add(k)
    lines = source.splitlines()
    gaps = []
    for k in sorted(has_code - ran, key=lambda k: spans[k]):
        node, part = units[k]
        if inert_unit(node, part, skips):
            continue
        (l0, _), (l1, _) = spans[k]
        # A unit inside another untested unit is shown once, as part of it.
        if any(g['line'] <= l0 and l1 <= g['endLine'] and g['k'] in _ancestors(units, k, spans) for g in gaps):
            continue
        gaps.append({'line': l0, 'endLine': l1, 'text': ast.get_source_segment(source, node) or lines[l0 - 1],
                     'k': k})
    for g in gaps:
        del g['k']
        g['text'] = g['text'][:200]
    return len(has_code), gaps


def _ancestors(units, k, spans):
    s, e = spans[k]
    return {j for j in range(len(units)) if j != k and spans[j][0] <= s and e <= spans[j][1]}
