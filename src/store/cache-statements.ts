import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew: compiling the SQL cost about a quarter of the
 * server's CPU with thousands of agents polling (measured by bench/fanout). This keeps the last
 * `max` prepared statements by SQL text. Safe because the driver runs one statement at a time on
 * its one connection and bubo never streams a query (a statement being iterated cannot be reused).
 */
export function cacheStatements(db: SqliteDatabase, max = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement !== undefined) {
        // Most recently used last: the first key is the one to evict.
        cache.delete(sql);
      } else {
        statement = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
