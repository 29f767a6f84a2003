import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { taskJsonSchema } from './task-json-schema.js';

const root = new URL('../../', import.meta.url);

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  return ajv.compile(taskJsonSchema());
}

describe('taskJsonSchema', () => {
  it('matches schema/task.schema.json on disk (regenerate with npx tsx scripts/write-task-schema.ts)', () => {
    const onDisk: unknown = JSON.parse(readFileSync(new URL('schema/task.schema.json', root), 'utf8'));
    expect(onDisk).toEqual(taskJsonSchema());
  });

  it('has the published id and describes the input format', () => {
    const schema = taskJsonSchema();
    expect(schema.$id).toBe('https://bubo.dev/schema/task.json');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toEqual(expect.any(String));
    expect(schema.required).toEqual(['app', 'group', 'containers']);
  });

  it('accepts the example task file', () => {
    const validate = validator();
    const example = parse(readFileSync(new URL('examples/hello/bubo.toml', root), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown keys, bare sizes and relative paths', () => {
    const validate = validator();
    const base = { app: 'shop', group: 'web', containers: [{ name: 'web', image: 'shop:1.0' }] };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, contaners: [] })).toBe(false);
    expect(validate({ ...base, resources: { memory: 512 } })).toBe(false);
    expect(validate({ ...base, resources: { memory: '512' } })).toBe(false);
    expect(validate({ ...base, volumes: [{ name: 'v', size: '1GiB', path: 'data' }] })).toBe(false);
  });
});
