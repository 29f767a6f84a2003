import { z } from 'zod';
import { TaskSchema } from './task-schema.js';

export const TASK_SCHEMA_ID = 'https://bubo.dev/schema/task.json';

/**
 * JSON Schema (draft 2020-12) of the task file as written (the input side of `TaskSchema`), for
 * editors and for `schema/task.schema.json`. It cannot express the cross-field rules (unique names,
 * a check naming a declared port, durations and sizes in range); `bubo validate` checks those.
 */
export function taskJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(TaskSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: TASK_SCHEMA_ID,
    title: 'bubo task file (bubo.toml)',
    description:
      'One app on bubo: its containers, ports, health check, resources and rollout. See docs/task-file.md.',
    ...rest,
  };
}
