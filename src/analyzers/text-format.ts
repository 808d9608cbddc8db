import type { FileScan } from './scan.ts';
import { displayPath } from './scan-filter.ts';

/** Human-readable scan output: `file:line:col: severity [rule] CWE-x: message`, the source line and a caret. */
export function formatScanText(scans: FileScan[], options: { color?: boolean; root?: string } = {}): string {
  const c = (code: string, s: string) => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const name = (file: string) => (options.root ? displayPath(file, options.root) : file);
  const out: string[] = [];
  let total = 0;
  for (const s of scans) {
    for (const n of s.notes) out.push(`${name(s.file)}: note: ${n}`);
    for (const p of s.parseErrors.slice(0, 3))
      out.push(`${name(s.file)}:${p.line}:${p.column}: parse error: ${p.message}`);
    const lines = s.source?.split('\n');
    for (const f of s.findings) {
      total++;
      const sev =
        f.severity === 'error'
          ? c('31', 'error')
          : f.severity === 'warning'
            ? c('33', 'warning')
            : c('36', 'note');
      const also = f.alsoReportedBy?.length ? ` (also ${f.alsoReportedBy.join(', ')})` : '';
      out.push(
        `${name(s.file)}:${f.span.startLine}:${f.span.startColumn}: ${sev} [${f.ruleId}] ${f.cwe.join(', ')}: ${f.message}${also}`,
      );
      const line = lines?.[f.span.startLine - 1];
      if (line !== undefined) {
        const text = line.replace(/\t/g, ' ').replace(/\r$/, '');
        const width =
          f.span.endLine === f.span.startLine
            ? Math.max(1, f.span.endColumn - f.span.startColumn)
            : Math.max(1, text.length - f.span.startColumn + 1);
        out.push(`  ${text}`);
        out.push(
          `  ${' '.repeat(Math.max(0, f.span.startColumn - 1))}${c('32', `^${'~'.repeat(Math.max(0, Math.min(width, 200) - 1))}`)}`,
        );
      }
    }
  }
  const files = scans.length;
  out.push(`${total} finding${total === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
  return out.join('\n');
}
