// Regenerates schema/task.schema.json from the zod schema: npx tsx scripts/write-task-schema.ts
// A unit test (src/taskfile/task-json-schema.test.ts) fails when the file is stale.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { taskJsonSchema } from '../src/taskfile/task-json-schema.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'task.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(taskJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
