/**
 * The shared libraries a dynamic executable loads, from `ldd` output: every absolute path, the
 * dynamic loader included; the kernel's `linux-vdso.so.1` has none and is skipped. Throws when a
 * library is "not found", since an image without it could not start the program.
 */
export function parseLddOutput(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const text = line.trim();
    if (text === '') continue;
    if (text.includes('=> not found')) throw new Error(`Cannot copy shared libraries: ldd says "${text}"`);
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)$/.exec(text);
    if (match?.[1] && !paths.includes(match[1])) paths.push(match[1]);
  }
  return paths;
}
