import { describe, expect, it } from 'vitest';
import { parseSanitizerReports } from './sanitizer.ts';

const heapWrite = `=================================================================
==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000014 at pc 0x7f5 bp 0x7ffe sp 0x7ffd
WRITE of size 12 at 0x602000000014 thread T0
    #0 0x7f596a0602c9 in __interceptor_strcpy ../../../../src/libsanitizer/asan/asan_interceptors.cpp:440
    #1 0x55d1 in cp /work/solution.c:3
    #2 0x55d2 in main /work/harness.c:2
SUMMARY: AddressSanitizer: heap-buffer-overflow /work/solution.c:3 in cp`;

describe('parseSanitizerReports', () => {
  it('maps a heap write overflow to CWE-787 with the first frame in the sample', () => {
    const [r, ...rest] = parseSanitizerReports(heapWrite, ['solution.c']);
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      sanitizer: 'asan',
      errorType: 'heap-buffer-overflow',
      cwe: ['CWE-787'],
      frame: { function: 'cp', file: 'solution.c', line: 3 },
    });
  });

  it('maps reads to CWE-125 and keeps C++ function names with spaces', () => {
    const text = heapWrite
      .replace('WRITE of size 12', 'READ of size 4')
      .replace(
        'in cp /work/solution.c:3',
        'in value_at(std::vector<int, std::allocator<int> > const&, long, int) /work/solution.cpp:6',
      );
    const [r] = parseSanitizerReports(text, ['solution.cpp']);
    expect(r?.cwe).toEqual(['CWE-125']);
    expect(r?.frame).toEqual({
      function: 'value_at(std::vector<int, std::allocator<int> > const&, long, int)',
      file: 'solution.cpp',
      line: 6,
    });
  });

  it('recognises use-after-free, double free, null dereference and stack overflow', () => {
    const kinds = (s: string) => parseSanitizerReports(s).map((r) => [r.errorType, r.cwe[0]]);
    expect(kinds('==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x60 at pc 0x1')).toEqual([
      ['heap-use-after-free', 'CWE-416'],
    ]);
    expect(
      kinds('==1==ERROR: AddressSanitizer: attempting double-free on 0x602000000010 in thread T0:'),
    ).toEqual([['double-free', 'CWE-415']]);
    expect(
      kinds(
        '==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp 0x3 T0)\n==1==The signal is caused by a READ memory access.',
      ),
    ).toEqual([['SEGV', 'CWE-476']]);
    expect(
      kinds(
        '==1==ERROR: AddressSanitizer: SEGV on unknown address 0x6020003d0910 (pc 0x1 bp 0x2 sp 0x3 T0)\n==1==The signal is caused by a WRITE memory access.',
      ),
    ).toEqual([['SEGV', 'CWE-787']]);
    expect(
      kinds('==1==ERROR: AddressSanitizer: stack-overflow on address 0x7ffd (pc 0x1 bp 0x2 sp 0x3 T0)'),
    ).toEqual([['stack-overflow', 'CWE-674']]);
  });

  it('parses UBSan runtime errors with their location', () => {
    const r = parseSanitizerReports(
      "solution.c:7:12: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'\n" +
        "/work/solution.c:9:3: runtime error: load of null pointer of type 'int'\n" +
        'solution.c:11:5: runtime error: division by zero\n' +
        "solution.c:12:5: runtime error: index 10 out of bounds for type 'int [4]'",
    );
    expect(r.map((x) => [x.sanitizer, x.errorType, x.cwe[0], x.frame?.line])).toEqual([
      ['ubsan', 'integer-overflow', 'CWE-190', 7],
      ['ubsan', 'null-pointer', 'CWE-476', 9],
      ['ubsan', 'division-by-zero', 'CWE-369', 11],
      ['ubsan', 'index-out-of-bounds', 'CWE-129', 12],
    ]);
  });

  it('finds nothing in ordinary output', () => {
    expect(parseSanitizerReports('hello\nerror: not a sanitizer\n')).toEqual([]);
  });
});
