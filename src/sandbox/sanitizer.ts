import type { CweId } from '../spec/language.ts';
import type { SanitizerReport } from '../spec/verdict.ts';

/** ASan error kinds to CWEs; `access` distinguishes reads from writes where ASan says which. */
function asanCwes(errorType: string, access: 'READ' | 'WRITE' | undefined, address?: string): CweId[] {
  switch (errorType) {
    case 'heap-buffer-overflow':
    case 'stack-buffer-overflow':
    case 'global-buffer-overflow':
    case 'container-overflow':
    case 'dynamic-stack-buffer-overflow':
      return access === 'READ' ? ['CWE-125'] : ['CWE-787'];
    case 'stack-buffer-underflow':
      return access === 'READ' ? ['CWE-127'] : ['CWE-124'];
    case 'heap-use-after-free':
    case 'stack-use-after-return':
    case 'stack-use-after-scope':
      return ['CWE-416'];
    case 'double-free':
      return ['CWE-415'];
    case 'bad-free':
    case 'alloc-dealloc-mismatch':
      return ['CWE-763'];
    case 'SEGV':
      if (address !== undefined && /^0x0{8,}[0-9a-f]{0,4}$/i.test(address)) return ['CWE-476'];
      return access === 'READ' ? ['CWE-125'] : access === 'WRITE' ? ['CWE-787'] : ['CWE-119'];
    case 'stack-overflow':
      return ['CWE-674'];
    case 'allocation-size-too-big':
    case 'requested-allocation-size-exceeds-maximum':
    case 'calloc-overflow':
      return ['CWE-789'];
    case 'negative-size-param':
    case 'memcpy-param-overlap':
    case 'strcpy-param-overlap':
    case 'strcat-param-overlap':
      return ['CWE-119'];
    case 'out-of-memory':
    case 'rss-limit-exceeded':
      return ['CWE-400'];
    case 'memory-leak':
      return ['CWE-401'];
    default:
      return ['CWE-119'];
  }
}

/** UBSan "runtime error:" messages to an error type and CWEs. */
function ubsanKind(message: string): { errorType: string; cwe: CweId[] } {
  const m = message.toLowerCase();
  if (m.includes('signed integer overflow') || m.includes('unsigned integer overflow'))
    return { errorType: 'integer-overflow', cwe: ['CWE-190'] };
  if (m.startsWith('negation of')) return { errorType: 'integer-overflow', cwe: ['CWE-190'] };
  if (m.includes('pointer overflow') || m.includes('applying non-zero offset'))
    return { errorType: 'pointer-overflow', cwe: ['CWE-190'] };
  if (m.includes('division by zero') || m.includes('division of zero'))
    return { errorType: 'division-by-zero', cwe: ['CWE-369'] };
  if (m.includes('null pointer') || m.includes('zero offset to null'))
    return { errorType: 'null-pointer', cwe: ['CWE-476'] };
  if (m.includes('out of bounds for type')) return { errorType: 'index-out-of-bounds', cwe: ['CWE-129'] };
  if (m.includes('shift exponent') || m.includes('left shift of'))
    return { errorType: 'invalid-shift', cwe: ['CWE-1335'] };
  if (m.includes('variable length array bound')) return { errorType: 'vla-bound', cwe: ['CWE-129'] };
  if (m.includes('implicit conversion')) return { errorType: 'implicit-conversion', cwe: ['CWE-681'] };
  if (m.includes('float-cast-overflow') || m.includes('is outside the range of representable values'))
    return { errorType: 'float-cast-overflow', cwe: ['CWE-681'] };
  if (m.includes('misaligned address')) return { errorType: 'misaligned-access', cwe: ['CWE-758'] };
  return { errorType: 'undefined-behavior', cwe: ['CWE-758'] };
}

const FRAME = /^\s*#\d+\s+0x[0-9a-f]+\s+in\s+(.+?)\s+(\S+?):(\d+)(?::\d+)?\s*$/;

function firstOwnFrame(lines: string[], ownFiles: readonly string[]): SanitizerReport['frame'] | undefined {
  for (const line of lines) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[2] ?? '';
    const base = file.split('/').pop() ?? file;
    if (ownFiles.length === 0 || ownFiles.includes(base))
      return { function: m[1], file: base, line: Number(m[3]) };
  }
  return undefined;
}

/**
 * Parses the ASan / UBSan / LSan reports in a process's stderr. `ownFiles` are the base names of
 * the sample's sources (e.g. `solution.c`): the reported frame is the first one in them.
 */
export function parseSanitizerReports(stderr: string, ownFiles: readonly string[] = []): SanitizerReport[] {
  const lines = stderr.split('\n');
  const reports: SanitizerReport[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const asan =
      /==\d+==ERROR: AddressSanitizer: ([A-Za-z-]+)(?: on (?:unknown )?address (0x[0-9a-f]+))?/.exec(line);
    if (asan) {
      let errorType = asan[1] ?? 'unknown';
      if (errorType === 'attempting') {
        errorType = /double-free/.test(line)
          ? 'double-free'
          : /free on address/.test(line)
            ? 'bad-free'
            : errorType;
      }
      if (/requested allocation size .* exceeds maximum/.test(line)) errorType = 'allocation-size-too-big';
      const tail = lines.slice(i + 1, i + 60);
      const accessLine = tail.find((l) => /^(READ|WRITE) of size/.test(l));
      const segvAccess = /caused by a (READ|WRITE) memory access/.exec(tail.slice(0, 6).join('\n'))?.[1];
      const access = accessLine?.startsWith('READ')
        ? 'READ'
        : accessLine
          ? 'WRITE'
          : segvAccess === 'READ' || segvAccess === 'WRITE'
            ? segvAccess
            : undefined;
      const frame = firstOwnFrame(tail, ownFiles) ?? firstOwnFrame(tail, []);
      reports.push({
        sanitizer: 'asan',
        errorType,
        cwe: asanCwes(errorType, access, asan[2]),
        ...(frame ? { frame } : {}),
        message: [line.replace(/^==\d+==/, ''), accessLine].filter(Boolean).join(' | ').slice(0, 500),
      });
      continue;
    }
    if (/==\d+==ERROR: LeakSanitizer: detected memory leaks/.test(line)) {
      reports.push({
        sanitizer: 'lsan',
        errorType: 'memory-leak',
        cwe: ['CWE-401'],
        message: 'LeakSanitizer: detected memory leaks',
      });
      continue;
    }
    const ub = /^(.*?):(\d+):(\d+): runtime error: (.*)$/.exec(line);
    if (ub) {
      const message = ub[4] ?? '';
      const kind = ubsanKind(message);
      const file = (ub[1] ?? '').split('/').pop() ?? '';
      reports.push({
        sanitizer: 'ubsan',
        errorType: kind.errorType,
        cwe: kind.cwe,
        frame: { file, line: Number(ub[2]) },
        message: `runtime error: ${message}`.slice(0, 500),
      });
      continue;
    }
    if (
      /==\d+==ERROR: AddressSanitizer failed to allocate|allocator is out of memory|hard rss limit exhausted/.test(
        line,
      )
    ) {
      reports.push({
        sanitizer: 'asan',
        errorType: 'out-of-memory',
        cwe: ['CWE-400'],
        message: line.replace(/^==\d+==/, '').slice(0, 500),
      });
    }
  }
  return reports;
}

/**
 * Names a sample may not carry into the binary of an observed test: the sanitizers' run-time
 * interface (which could silence a report, redirect it or end the process with another code) and
 * dynamic symbol lookup (which could reach that interface by a computed name).
 */
export const FORBIDDEN_SYMBOLS =
  /\b(__(asan|ubsan|lsan|msan|tsan|sanitizer)_(default_options|default_suppressions|on_error|set_\w+|install_\w+|print_\w+|report_error_summary|acquire_crash_state|finish_switch_fiber|start_switch_fiber)|__sanitizer_set_report_(path|fd)|dlsym|dlvsym|dlopen|dlmopen)\b/;
