import type { Finding } from '../../spec/finding.ts';
import type { Language } from '../../spec/language.ts';

export interface ExternalRunner {
  name: string;
  languages: readonly Language[];
  run(
    file: string,
    language: Language,
    displayFile?: string,
  ): Promise<{ findings: Finding[]; notes: string[] }>;
}

export async function selectExternal(_which: true | string[]): Promise<ExternalRunner[]> {
  return [];
}

export async function runExternal(
  _runners: ExternalRunner[],
  _code: string,
  _language: Language,
  _file?: string,
): Promise<{ findings: Finding[]; notes: string[] }> {
  return { findings: [], notes: [] };
}
