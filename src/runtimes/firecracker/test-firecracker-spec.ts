import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { ApiRequest } from './firecracker-plan.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Firecracker's API description (a copy of `/work/shared/firecracker/firecracker-api.yaml`). */
export const SPEC_PATH = new URL('./spec/firecracker-api.yaml', import.meta.url);

interface SwaggerParameter {
  name: string;
  in: 'path' | 'body' | 'query' | 'header';
  required?: boolean;
  type?: string;
  schema?: object;
}
interface SwaggerOperation {
  operationId: string;
  parameters?: SwaggerParameter[];
}
interface SwaggerSpec {
  swagger: string;
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, Record<string, unknown>>;
}

export interface RequestCheck {
  /** `putGuestDriveByID`…; null when no path matched. */
  operationId: string | null;
  errors: string[];
}

/**
 * Validates API requests against Firecracker's Swagger 2.0 file: the method and path exist in
 * `paths` (templates such as `/drives/{drive_id}` matched, path parameters non-empty strings), a
 * required body is present, and the body validates with Ajv against the operation's schema, whose
 * `$ref: '#/definitions/…'` resolve inside the same document.
 *
 * One deliberate tightening: every object definition without `additionalProperties` gets
 * `additionalProperties: false`, because Firecracker deserializes its request bodies with serde's
 * `deny_unknown_fields` and answers 400 to an unknown field, which the spec file does not say.
 */
export class FirecrackerSpec {
  readonly spec: SwaggerSpec;
  readonly #ajv: Ajv;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(text = readFileSync(SPEC_PATH, 'utf8')) {
    this.spec = parse(text) as SwaggerSpec;
    if (this.spec.swagger !== '2.0') throw new Error(`expected a Swagger 2.0 document, got swagger=${this.spec.swagger}`);
    this.#ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    addFormats(this.#ajv);
    // Swagger's `example` is an annotation, not JSON Schema.
    this.#ajv.addKeyword({ keyword: 'example' });
    const definitions = closeObjects(structuredClone(this.spec.definitions));
    // MmdsConfig.ipv4_address uses `format` to carry a pattern; treat such formats as the pattern they are.
    for (const format of collectFormats(definitions)) {
      if (!['int32', 'int64'].includes(format)) this.#ajv.addFormat(format, new RegExp(`^${format}$`));
    }
    this.#ajv.addSchema({ $id: 'firecracker', definitions });
    // Compile every definition now, so a schema Ajv cannot read fails loudly, not silently.
    for (const name of Object.keys(definitions)) this.#ajv.getSchema(`firecracker#/definitions/${name}`);
  }

  /** The JSON-Schema validator for one `definitions` entry. */
  definition(name: string): ValidateFunction {
    const validate = this.#ajv.getSchema(`firecracker#/definitions/${name}`);
    if (!validate) throw new Error(`no definition ${name} in the spec`);
    return validate;
  }

  check(api: ApiRequest): RequestCheck {
    const match = this.#match(api.path);
    if (!match) return { operationId: null, errors: [`no path in the spec matches ${api.path}`] };
    const operation = match.item[api.method.toLowerCase()];
    if (!operation) return { operationId: null, errors: [`${match.template} has no ${api.method} operation`] };
    const errors: string[] = [];
    const parameters = operation.parameters ?? [];
    for (const param of parameters.filter((p) => p.in === 'path')) {
      const value = match.params[param.name];
      if (value === undefined || value === '') errors.push(`path parameter ${param.name} is missing`);
      else if (param.type && param.type !== 'string') errors.push(`path parameter ${param.name} must be ${param.type}`);
    }
    for (const name of Object.keys(match.params)) {
      if (!parameters.some((p) => p.in === 'path' && p.name === name)) errors.push(`path parameter ${name} is not declared by ${operation.operationId}`);
    }
    const body = parameters.find((p) => p.in === 'body');
    if (!body) {
      if (api.body !== undefined) errors.push(`${operation.operationId} takes no body`);
    } else if (api.body === undefined) {
      if (body.required) errors.push(`${operation.operationId} requires a body`);
    } else {
      const key = `${api.method} ${match.template}`;
      let validate = this.#validators.get(key);
      if (!validate) {
        validate = this.#ajv.compile(rebase(body.schema ?? {}));
        this.#validators.set(key, validate);
      }
      if (!validate(api.body)) {
        for (const e of validate.errors ?? []) errors.push(`body${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
      }
    }
    return { operationId: operation.operationId, errors };
  }

  #match(path: string): { template: string; item: Record<string, SwaggerOperation>; params: Record<string, string> } | null {
    for (const [template, item] of Object.entries(this.spec.paths)) {
      const names: string[] = [];
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]*)';
      });
      const found = new RegExp(`^${pattern}$`).exec(path);
      if (found) return { template, item, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1] ?? '')])) };
    }
    return null;
  }
}

/**
 * Firecracker's `--config-file` JSON (like `vm_config.json`) as the API requests that configure
 * the same VM. `null` values are dropped: Firecracker reads them as absent (serde `Option`), while
 * the schema types say `string`.
 */
export function configFileToRequests(config: Record<string, unknown>): ApiRequest[] {
  const requests: ApiRequest[] = [];
  const put = (path: string, body: unknown) => requests.push({ method: 'PUT', path, body: dropNulls(body) });
  const single: Record<string, string> = {
    logger: '/logger',
    metrics: '/metrics',
    'machine-config': '/machine-config',
    'cpu-config': '/cpu-config',
    'boot-source': '/boot-source',
    balloon: '/balloon',
    vsock: '/vsock',
    'mmds-config': '/mmds/config',
    entropy: '/entropy',
    'memory-hotplug': '/hotplug/memory',
  };
  const lists: Record<string, (item: Record<string, unknown>) => string> = {
    drives: (d) => `/drives/${d.drive_id}`,
    'network-interfaces': (n) => `/network-interfaces/${n.iface_id}`,
    pmem: (p) => `/pmem/${p.id}`,
  };
  for (const [key, value] of Object.entries(config)) {
    if (value === null) continue;
    const path = single[key];
    const itemPath = lists[key];
    if (path) put(path, value);
    else if (itemPath) for (const item of value as Record<string, unknown>[]) put(itemPath(item), item);
    else throw new Error(`unknown configuration section ${key}`);
  }
  return requests;
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
  return value;
}

/** `#/definitions/X` in an operation's schema → the registered document's `firecracker#/definitions/X`. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"firecracker#/definitions/')) as object;
}

function closeObjects<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(closeObjects);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'object' && o.properties && !('additionalProperties' in o)) o.additionalProperties = false;
    for (const value of Object.values(o)) closeObjects(value);
  }
  return node;
}

function collectFormats(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) collectFormats(n, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'format' && typeof value === 'string') found.add(value);
      else collectFormats(value, found);
    }
  }
  return found;
}
