import type { Language } from '../../spec/language.ts';
import type { SlotPicker } from './family.ts';
import { camel, cPrompt, cppPrompt, goPrompt, jsPrompt, pyPrompt, snake } from './vocab.ts';

/**
 * Plain, security-neutral programs in the suite's house style (same prompt shapes, same names),
 * so that a small model learns each language's syntax from the pretraining corpus. None of them
 * touches a shell, a file name, a query, markup, randomness or credentials.
 */
type Template = (p: SlotPicker) => string;

const py: Template[] = [
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${pyPrompt([], `${snake('count', e.plural, 'with', f)}(items, ${f})`, `Return how many ${e.plural} in items have the given ${f}.`)}    n = 0
    for item in items:
        if item['${f}'] == ${f}:
            n += 1
    return n
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${pyPrompt([], `${snake('sort', e.plural, 'by', f)}(items)`, `Return the ${e.plural} sorted by ${f}.`)}    return sorted(items, key=lambda item: item['${f}'])\n`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${pyPrompt([], `${snake('join', e.name, p.plural(f))}(items, sep)`, `Join the ${f} of every ${e.name} in items with sep.`)}    return sep.join(str(item['${f}']) for item in items)\n`;
  },
  (p) => {
    const e = p.entity();
    return `${pyPrompt([], `${snake('clamp', e.name, 'count')}(n, low, high)`, `Limit the ${e.name} count n to the range low..high.`)}    if n < low:
        return low
    if n > high:
        return high
    return n
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${pyPrompt([], `${snake('group', e.plural, 'by', f)}(items)`, `Group the ${e.plural} in items by their ${f}; return a dict of lists.`)}    groups = {}
    for item in items:
        groups.setdefault(item['${f}'], []).append(item)
    return groups
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${pyPrompt([], `${snake('first', e.name, 'with', f)}(items, ${f})`, `Return the first ${e.name} whose ${f} equals ${f}, or None.`)}    for item in items:
        if item['${f}'] == ${f}:
            return item
    return None
`;
  },
  (p) => {
    const e = p.entity();
    return `${pyPrompt([], `${snake('total', e.name, 'amount')}(items)`, `Return the sum of the amount field over all ${e.plural}.`)}    total = 0
    for item in items:
        total += item['amount']
    return total
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${pyPrompt([], `${snake('normalize', e.name, f)}(value)`, `Return the ${e.name} ${f} trimmed and lower-cased.`)}    return value.strip().lower()\n`;
  },
];

const c: Template[] = [
  (p) => {
    const e = p.entity();
    return `${cPrompt(['stddef.h'], `int ${snake('sum', e.name, 'amounts')}(const int *vals, size_t n)`, `Return the sum of the n ${e.name} amounts in vals.`)}    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += vals[i];
    return total;
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${cPrompt(['stddef.h'], `int ${snake('max', e.name, 'score')}(const int *vals, size_t n)`, `Return the largest of the n ${e.name} scores in vals (n > 0).`)}    int best = vals[0];
    for (size_t i = 1; i < n; i++)
        if (vals[i] > best)
            best = vals[i];
    return best;
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${cPrompt(['ctype.h'], `void ${snake('upper', e.name, f)}(char *s)`, `Turn the ${e.name} ${f} s to upper case in place.`)}    for (; *s != '\\0'; s++)
        *s = (char)toupper((unsigned char)*s);
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${cPrompt([], `int ${snake('clamp', e.name, 'count')}(int n, int low, int high)`, `Limit the ${e.name} count n to the range low..high.`)}    if (n < low)
        return low;
    if (n > high)
        return high;
    return n;
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${cPrompt(['stddef.h'], `size_t ${snake('count', f, 'spaces')}(const char *s)`, `Count the spaces in the ${e.name} ${f} s.`)}    size_t n = 0;
    for (; *s != '\\0'; s++)
        if (*s == ' ')
            n++;
    return n;
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${cPrompt(['stddef.h'], `size_t ${snake(e.name, 'list', 'length')}(const struct node *head)`, `Return the number of ${e.plural} in the linked list head.`, 'struct node {\n    int value;\n    struct node *next;\n};')}    size_t n = 0;
    for (const struct node *p = head; p != NULL; p = p->next)
        n++;
    return n;
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${cPrompt(['string.h'], `int ${snake('is', e.name, 'prefix')}(const char *s, const char *prefix)`, `Return 1 if the ${e.name} name s starts with prefix, else 0.`)}    return strncmp(s, prefix, strlen(prefix)) == 0;
}
`;
  },
];

/** C++ (suite version 2 on): containers, std::string and <algorithm>, in the C++ families' style. */
const cpp: Template[] = [
  (p) => {
    const e = p.entity();
    return `${cppPrompt(['vector'], `int ${snake('sum', e.name, 'amounts')}(const std::vector<int> &vals)`, `Return the sum of the ${e.name} amounts in vals.`)}    int total = 0;
    for (int v : vals)
        total += v;
    return total;
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${cppPrompt(['string', 'vector'], `std::string ${snake('join', e.name, f)}s(const std::vector<std::string> &items, const std::string &sep)`, `Join the ${f} of every ${e.name} in items with sep.`)}    std::string out;
    for (std::size_t i = 0; i < items.size(); i++) {
        if (i > 0)
            out += sep;
        out += items[i];
    }
    return out;
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${cppPrompt(['algorithm'], `int ${snake('clamp', e.name, 'count')}(int n, int low, int high)`, `Limit the ${e.name} count n to the range low..high.`)}    return std::min(high, std::max(low, n));
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${cppPrompt(['algorithm', 'string', 'vector'], `std::size_t ${snake('count', e.plural, 'with', f)}(const std::vector<std::string> &items, const std::string &${f})`, `Return how many of the ${e.name} values in items equal ${f}.`)}    return static_cast<std::size_t>(std::count(items.begin(), items.end(), ${f}));
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${cppPrompt(['algorithm', 'cctype', 'string'], `std::string ${snake('upper', e.name, f)}(std::string s)`, `Return the ${e.name} ${f} s in upper case.`)}    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${cppPrompt(['map', 'string', 'vector'], `std::map<std::string, int> ${snake('tally', e.plural, 'by', f)}(const std::vector<std::string> &items)`, `Count the ${e.plural} per ${f} value in items.`)}    std::map<std::string, int> counts;
    for (const std::string &item : items)
        counts[item]++;
    return counts;
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${cppPrompt(['algorithm', 'vector'], `std::vector<int> ${snake('sorted', e.name, 'scores')}(std::vector<int> vals)`, `Return the ${e.name} scores in vals sorted from high to low.`)}    std::sort(vals.begin(), vals.end(), [](int a, int b) { return a > b; });
    return vals;
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${cppPrompt(['string'], `bool ${snake('is', e.name, f, 'prefix')}(const std::string &s, const std::string &prefix)`, `Return whether the ${e.name} ${f} s starts with prefix.`)}    return s.compare(0, prefix.size(), prefix) == 0;
}
`;
  },
];

const go: Template[] = [
  (p) => {
    const e = p.entity();
    return `${goPrompt([], camel('sum', e.name, 'amounts'), '(vals []int) int', `Return the sum of the ${e.name} amounts in vals.`)}\ttotal := 0
\tfor _, v := range vals {
\t\ttotal += v
\t}
\treturn total
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${goPrompt(['strings'], camel('join', e.name, f), '(items []string, sep string) string', `Join the ${e.name} ${f} values with sep.`)}\treturn strings.Join(items, sep)
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${goPrompt([], camel('clamp', e.name, 'count'), '(n, low, high int) int', `Limit the ${e.name} count n to the range low..high.`)}\tif n < low {
\t\treturn low
\t}
\tif n > high {
\t\treturn high
\t}
\treturn n
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${goPrompt([], camel('count', e.plural, 'with', f), `(items []string, ${f} string) int`, `Return how many of the ${e.name} values in items equal ${f}.`)}\tn := 0
\tfor _, it := range items {
\t\tif it == ${f} {
\t\t\tn++
\t\t}
\t}
\treturn n
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${goPrompt([], camel('max', e.name, 'score'), '(vals []int) (int, bool)', `Return the largest ${e.name} score in vals, or false if empty.`)}\tif len(vals) == 0 {
\t\treturn 0, false
\t}
\tbest := vals[0]
\tfor _, v := range vals[1:] {
\t\tif v > best {
\t\t\tbest = v
\t\t}
\t}
\treturn best, true
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${goPrompt(['strings'], camel('normalize', e.name, f), '(value string) string', `Return the ${e.name} ${f} trimmed and lower-cased.`)}\treturn strings.ToLower(strings.TrimSpace(value))
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${goPrompt([], camel('reverse', e.plural), '(items []string) []string', `Return the ${e.plural} in reverse order.`)}\tout := make([]string, 0, len(items))
\tfor i := len(items) - 1; i >= 0; i-- {
\t\tout = append(out, items[i])
\t}
\treturn out
}
`;
  },
];

const js: Template[] = [
  (p) => {
    const e = p.entity();
    return `${jsPrompt([], camel('total', e.name, 'amount'), 'items', `Return the sum of the amount field over all ${e.plural}.`)}  return items.reduce((sum, item) => sum + item.amount, 0);
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${jsPrompt([], camel('filter', e.plural, 'by', f), `items, ${f}`, `Return the ${e.plural} whose ${f} equals ${f}.`)}  return items.filter((item) => item.${f} === ${f});
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${jsPrompt([], camel('list', e.name, f), 'items', `Return the ${f} of every ${e.name} in items.`)}  return items.map((item) => item.${f});
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${jsPrompt([], camel('group', e.plural, 'by', f), 'items', `Group the ${e.plural} by ${f}; return an object of arrays.`)}  const groups = {};
  for (const item of items) {
    (groups[item.${f}] ||= []).push(item);
  }
  return groups;
}
`;
  },
  (p) => {
    const e = p.entity();
    return `${jsPrompt([], camel('clamp', e.name, 'count'), 'n, low, high', `Limit the ${e.name} count n to the range low..high.`)}  return Math.min(high, Math.max(low, n));
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${jsPrompt([], camel('sort', e.plural, 'by', f), 'items', `Return a copy of the ${e.plural} sorted by ${f}.`)}  return [...items].sort((a, b) => (a.${f} < b.${f} ? -1 : a.${f} > b.${f} ? 1 : 0));
}
`;
  },
  (p) => {
    const e = p.entity();
    const f = p.pick(e.fields);
    return `${jsPrompt([], camel('unique', e.name, f), 'items', `Return the distinct ${f} values of the ${e.plural}.`)}  return [...new Set(items.map((item) => item.${f}))];
}
`;
  },
];

export const NEUTRAL_TEMPLATES: Record<Language, Template[]> = {
  python: py,
  c,
  cpp,
  go,
  javascript: js,
};

/**
 * The languages of the neutral programs in a suite version's corpus: C++ from version 2 on (the
 * version that brought the C++ families; version 1's corpus stays as it was).
 */
export function neutralLanguages(version: number): readonly Language[] {
  return version >= 2 ? ['python', 'c', 'go', 'javascript', 'cpp'] : ['python', 'c', 'go', 'javascript'];
}

/** One neutral program in `language` from train-side slot values. */
export function generateNeutral(language: Language, p: SlotPicker): string {
  return p.rng.pick(NEUTRAL_TEMPLATES[language])(p);
}
