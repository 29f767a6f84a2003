import { copyFile, rename, rm, stat, truncate } from 'node:fs/promises';

/**
 * Copy-truncate rotation: when `path` is bigger than `maxBytes`, shifts `path.1`… up to
 * `path.<keep>`, copies `path` to `path.1` and truncates `path` in place. The writer keeps its
 * descriptor: it opened the file with O_APPEND, so its next write lands at the new end. Lines
 * written between the copy and the truncate are lost; that is the price of not signalling writers.
 * Returns whether it rotated.
 */
export async function rotateLog(path: string, maxBytes: number, keep: number): Promise<boolean> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size <= maxBytes || keep < 1) return false;
  await rm(`${path}.${keep}`, { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    await rename(`${path}.${n}`, `${path}.${n + 1}`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await copyFile(path, `${path}.1`);
  await truncate(path, 0);
  return true;
}
