import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cacheStatements } from './cache-statements.js';

describe('cacheStatements', () => {
  it('prepares each SQL text once and evicts the least recently used past the limit', () => {
    const sqlite = new BetterSqlite3(':memory:');
    let prepared = 0;
    const counting = {
      close: () => sqlite.close(),
      prepare: (sql: string) => {
        prepared++;
        return sqlite.prepare(sql);
      },
    };
    const db = cacheStatements(counting, 2);
    expect(db.prepare('select 1 as a').all([])).toEqual([{ a: 1 }]);
    expect(db.prepare('select 1 as a').all([])).toEqual([{ a: 1 }]);
    expect(prepared).toBe(1);
    db.prepare('select 2');
    db.prepare('select 1 as a'); // used again: now "select 2" is the oldest
    db.prepare('select 3'); // evicts "select 2"
    expect(prepared).toBe(3);
    db.prepare('select 1 as a');
    expect(prepared).toBe(3);
    db.prepare('select 2');
    expect(prepared).toBe(4);
    db.close();
  });
});
