/** Booleans are 0/1 integers: one representation for SQLite (which has no boolean) and PostgreSQL. */
export function toBoolColumn(value: boolean): number {
  return value ? 1 : 0;
}

export function fromBoolColumn(value: number): boolean {
  return Number(value) !== 0;
}
