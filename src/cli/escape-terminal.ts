// Every C0 control but tab and newline, DEL, and every C1 control (8-bit CSI and friends).
const CONTROL = /[\p{Cc}]/gu;

/**
 * `text` safe to write to a terminal: control characters that could move the cursor, clear the
 * screen or retitle the window (`\u001b[2J`, a bare `\r`, `\u009b`) become the six visible
 * characters `\u001b` etc.; tab and newline stay. Applied to everything the CLI prints, because
 * much of it (event messages, instance and host names, labels, container output) comes from hosts
 * and instances. JSON output stays valid JSON: inside a string the escape means the same character.
 */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' || c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
