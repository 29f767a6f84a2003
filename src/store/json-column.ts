/**
 * JSON stored as text works alike in SQLite and PostgreSQL. Parsing is typed by the caller: the
 * store only ever reads back what it wrote itself.
 */
export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJsonColumn<T>(text: string): T {
  return JSON.parse(text) as T;
}
