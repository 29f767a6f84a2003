/**
 * Integer columns come back as numbers from better-sqlite3 but `bigint` columns come back as
 * strings from node-postgres; every read of a number goes through here so either works.
 */
export function fromNumberColumn(value: number | string | bigint): number {
  return Number(value);
}

export function fromNullableNumberColumn(value: number | string | bigint | null): number | null {
  return value === null ? null : Number(value);
}
