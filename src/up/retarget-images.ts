import { parseTaskFile } from '../taskfile/parse-task-file.js';

/**
 * The task text with every container image on registry `from` (`127.0.0.1:5055/bubo/redis:7`)
 * moved to registry `to` (`127.0.0.1:5099/bubo/redis:7`). Pure. `bubo up --registry` runs its
 * local registry elsewhere than the address the demo task files name, and deploys them with
 * their images where it pushed them. Only the image strings change: comments, layout and every
 * other field stay as written, so errors still point at the user's lines.
 */
export function retargetImages(text: string, filename: string, from: string, to: string): string {
  if (from === to) return text;
  let out = text;
  for (const { image } of parseTaskFile(text, filename).containers) {
    if (!image.startsWith(`${from}/`)) continue;
    const moved = `${to}${image.slice(from.length)}`;
    // Image references hold no character that a TOML string escapes, so the value appears
    // verbatim between its quotes (basic or literal string).
    for (const quote of ['"', "'"]) out = out.split(`${quote}${image}${quote}`).join(`${quote}${moved}${quote}`);
  }
  return out;
}
