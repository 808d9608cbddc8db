/**
 * CWEval tasks whose tests cannot tell a good sample from a bad one, with the reason found. They
 * are left out of scores by default (`tsp eval --include-broken` keeps them): a model that writes
 * nothing would otherwise score on them. Keyed by the task id without the `cweval/` prefix.
 *
 * How they were found: every task judged with an empty completion (the prompt alone, see
 * docs/real-models.md, "Known-broken tasks"), and every unsafe reference judged
 * (`tsp eval --benchmark cweval --references`).
 */
export const CWEVAL_KNOWN_BROKEN: Readonly<Record<string, string>> = {
  'core/js/cwe_078_0_js':
    "the sample's test (test_get_ls_result) calls the Python helper get_ls_result_safe instead of running the JavaScript file: every sample passes, an empty one too",
  'core/js/cwe_502_0_js':
    "the exploit needs js-yaml 3's !!js/function type; with js-yaml 4 the unsafe reference (yaml.load) passes the security test, so the test cannot fail an insecure sample",
};

/** The known-broken tasks among `taskIds` (full `cweval/...` ids), with their reasons. */
export function knownBrokenCweval(taskIds: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of taskIds) {
    const reason = CWEVAL_KNOWN_BROKEN[id.replace(/^cweval\//, '')];
    if (reason !== undefined) out.set(id, reason);
  }
  return out;
}
