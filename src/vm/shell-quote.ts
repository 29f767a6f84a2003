/**
 * One word for a POSIX shell: single-quoted, with each `'` written as `'\''`. Any byte but NUL
 * survives (newlines included); the guest `eval`s or sources what this produces.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new Error(`a NUL byte cannot be passed to the guest: ${JSON.stringify(word)}`);
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** Several words, each quoted, space-separated: `eval "set -- $list"` gives them back exactly. */
export function shellQuoteList(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
