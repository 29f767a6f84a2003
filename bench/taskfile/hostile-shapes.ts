/** Task files of hostile shapes, each close to `size` characters (the API's limit is 256 KiB). */
export function hostileShapes(size: number): Record<string, string> {
  const head = 'app = "shop"\ngroup = "web"\n[[containers]]\nname = "web"\nimage = "shop:1.0"\n';
  const fill = (unit: string, pre = head, post = '') =>
    pre + unit.repeat(Math.max(0, Math.floor((size - pre.length - post.length) / unit.length))) + post;
  let n = 0;
  const numbered = (text: string) => text.replace(/%/g, () => (n++).toString(36).padStart(8, '0'));
  return {
    'long command (over the limit)': fill('"argument",', `${head}command = [`, ']\n'),
    'valid: long env value': fill('v', `${head}env = { A = "`, '" }\n'),
    'deep dotted key': fill('a.', 'x.', 'b = 1\n'),
    'deep table header': fill('a.', '[', 'b]\n'),
    'deep inline arrays': `x = ${'['.repeat(size / 2)}${']'.repeat(size / 2)}\n`,
    'deep inline tables': `x = ${'{a='.repeat(size / 4)}1${'}'.repeat(size / 4)}\n`,
    'many unknown keys': numbered(fill('k% = 1\n')),
    'many tables': numbered(fill('[t%]\n')),
    'one long key': `${head}${'k'.repeat(size - head.length - 10)} = 1\n`,
    'huge number array': fill('1,', `${head}x = [`, ']\n'),
    'many containers': fill('[[containers]]\nname = "web"\nimage = "shop:1.0"\n'),
    'many duplicate ports': fill('[[ports]]\nname = "p"\nport = 80\n'),
  };
}
