import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  responses: Record<string, { content?: { 'application/json'?: { schema: unknown } } }>;
}

/**
 * Checks real API traffic against the OpenAPI document the server serves: every response must
 * match the schema documented for its status (or `default` for errors), and every operation
 * must have been exercised by the time `uncovered()` is asked.
 */
export class OpenApiChecker {
  #ajv: Ajv2020;
  #ops: Operation[] = [];
  #seen = new Set<string>();

  constructor(document: Record<string, unknown>) {
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.#ajv);
    const components = (document.components as { schemas: Record<string, unknown> }).schemas;
    this.#ajv.addSchema({ $id: 'components', $defs: components });
    for (const [template, methods] of Object.entries(document.paths as Record<string, Record<string, { responses: Operation['responses'] }>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const regex = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        this.#ops.push({ method: method.toUpperCase(), template, regex, responses: op.responses });
      }
    }
  }

  /** Throws with the schema errors when the response does not match the document. */
  check(method: string, url: string, status: number, body: unknown): void {
    const path = url.split('?')[0]!;
    const op = this.#ops.find((o) => o.method === method && o.regex.test(path));
    if (!op) {
      if (status === 404 || status === 401) return; // unknown routes answer with the error body, checked below
      throw new Error(`${method} ${path} is not in the OpenAPI document`);
    }
    this.#seen.add(`${op.method} ${op.template}`);
    const documented = op.responses[String(status)] ?? op.responses.default;
    if (!documented) throw new Error(`${method} ${path} answered ${status}, which the document does not list`);
    let schema = documented.content?.['application/json']?.schema as Record<string, unknown>;
    if (schema?.$ref === '#/components/schemas/Error') schema = { $ref: 'components#/$defs/Error' };
    const validate = this.#ajv.compile(schema);
    if (!validate(body)) {
      throw new Error(`${method} ${path} ${status} does not match the OpenAPI document: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
    }
  }

  uncovered(): string[] {
    return this.#ops.map((o) => `${o.method} ${o.template}`).filter((k) => !this.#seen.has(k));
  }
}
