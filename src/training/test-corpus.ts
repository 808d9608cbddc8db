/** Six one-function programs in five languages: the tiny corpus of the trainer's tests. */
export const TINY_CORPUS: readonly string[] = [
  'def add(a, b):\n    return a + b\n',
  'def run(cmd):\n    return subprocess.run(cmd, shell=False, check=True)\n',
  'def read(path):\n    with open(path) as f:\n        return f.read()\n',
  'int sum(int *a, int n) {\n    int s = 0;\n    for (int i = 0; i < n; i++) s += a[i];\n    return s;\n}\n',
  'func Add(a, b int) int {\n\treturn a + b\n}\n',
  'function add(a, b) {\n  return a + b;\n}\n',
];
