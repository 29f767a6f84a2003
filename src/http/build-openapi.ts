import { z } from 'zod';
import { ErrorBody } from '../api/error-body.js';
import type { RouteDef } from '../api/routes.js';

/**
 * The OpenAPI 3.1 document of the API, generated from the route table and its zod schemas.
 * Tests validate real responses against it, so the document cannot drift from the server.
 */
export function buildOpenApi(table: Record<string, RouteDef>, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of Object.entries(table)) {
    const path = route.path.replace(/:([a-z_]+)/g, '{$1}');
    const parameters = [
      ...objectParams(route.params, 'path'),
      ...objectParams(route.query, 'query'),
    ];
    const operation: Record<string, unknown> = {
      operationId,
      summary: route.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
        : {}),
      responses: {
        [String(route.status)]: {
          description: route.summary,
          content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
        },
        default: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      ...(route.auth ? {} : { security: [] }),
    };
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'bubo API', version, description: 'The public HTTP API of the bubo control plane.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

function objectParams(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
